"""The tutorial's client over UDP: send each message as one datagram, wait for its echo, print it.

Usage: udp_client.py [HOST] [PORT] [MESSAGE...]. UDP may lose a datagram: one not echoed within the timeout is
reported lost, and the exit status is 1 if any was lost or came back different.
"""
import socket
import sys

TIMEOUT_SECONDS = 2   # a loopback or LAN echo takes well under a millisecond; this allows for a busy host

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 12345
messages = [m.encode() for m in sys.argv[3:]] or [b'Hello, server!']

failed = 0
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.settimeout(TIMEOUT_SECONDS)
    s.connect((host, port))   # replies from any other address are then discarded by the kernel
    for message in messages:
        s.send(message)
        try:
            echoed = s.recv(65535)   # one datagram comes back whole, never in pieces
        except socket.timeout:
            print(f'lost: no echo of {message.decode()!r} within {TIMEOUT_SECONDS} s', file=sys.stderr)
            failed += 1
            continue
        except ConnectionRefusedError:
            sys.exit(f'nothing listens on udp://{host}:{port} (ICMP port unreachable)')
        if echoed != message:
            print(f'echo mismatch: sent {message!r}, received {echoed!r}', file=sys.stderr)
            failed += 1
            continue
        print('Received', echoed.decode())
sys.exit(1 if failed else 0)
