"""A TLS front for a plain server, as staging has one: accepts TLS on
127.0.0.1 with the given certificate and forwards the bytes of each
connection to the upstream port. Standard library only (asyncio, ssl).

Usage: tls_terminator.py CERT KEY UPSTREAM_PORT READY_FILE
Writes its port to READY_FILE once listening; runs until killed."""
import asyncio
import ssl
import sys


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


async def main():
    cert, key, upstream_port, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    async def serve(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, up_writer), pipe(up_reader, client_writer))

    # A client that refuses our certificate aborts the handshake: asyncio logs it; that is expected here.
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: None)
    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context, ssl_handshake_timeout=5)
    with open(ready, "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]) + "\n")
    async with server:
        await server.serve_forever()


asyncio.run(main())
