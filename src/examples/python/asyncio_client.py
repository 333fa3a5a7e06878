"""An asyncio client: many messages over one connection, each echo checked before the next."""
import asyncio
import sys


async def main(host, port, messages):
    reader, writer = await asyncio.open_connection(host, port)
    for text in messages:
        data = text.encode()
        writer.write(data)
        await writer.drain()
        echoed = await asyncio.wait_for(reader.readexactly(len(data)), timeout=10)
        if echoed != data:
            raise SystemExit(f'echo mismatch: sent {data!r}, received {echoed!r}')
        print('Received', echoed.decode())
    writer.close()
    await writer.wait_closed()


host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 12345
asyncio.run(main(host, port, sys.argv[3:] or ['Hello, server!']))
