"""The tutorial's client, checked: send a message, read until all of it is back, print it."""
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 12345
message = (sys.argv[3] if len(sys.argv) > 3 else 'Hello, server!').encode()

with socket.create_connection((host, port), timeout=10) as s:
    s.sendall(message)
    echoed = b''
    while len(echoed) < len(message):   # TCP may return the echo in several pieces
        chunk = s.recv(1024)
        if not chunk:
            break
        echoed += chunk
if echoed != message:
    sys.exit(f'echo mismatch: sent {message!r}, received {echoed!r}')
print('Received', echoed.decode())
