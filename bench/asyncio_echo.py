#!/usr/bin/env python3
"""Python asyncio streams echo server, for the EchoKit benchmark.

What a Python reader of the echo tutorial would write next:

    python3 bench/asyncio_echo.py PORT

Binds 127.0.0.1 only (PORT 0 picks a free port) and prints "listening on PORT" once bound.
Each connection: read up to 64 KiB, write it back, await drain() (which pauses this
connection's reads while its transport's write buffer is above the high-water mark).
"""
import asyncio
import signal
import sys

HOST = "127.0.0.1"
READ_SIZE = 65536
# asyncio's default listen backlog is 100; the benchmark opens 10,000 connections at once, so take the
# same backlog as Netty and Vert.x (net.core.somaxconn, 4096 here) to compare the servers, not the queue.
BACKLOG = 4096


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(READ_SIZE)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass  # a client that resets mid-stream is routine in a benchmark
    finally:
        writer.close()


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    server = await asyncio.start_server(echo, HOST, port, backlog=BACKLOG)
    actual = server.sockets[0].getsockname()[1]
    print(f"listening on {actual}", flush=True)
    async with server:
        await stop


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) > 65535:
        print("usage: python3 bench/asyncio_echo.py PORT", file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(int(sys.argv[1])))
