#!/usr/bin/python3
"""Echo peer on python-websockets for wirefast's interop tests.

Written for the version Debian 12 ships (python3-websockets 10.4), whose
API is asyncio only (websockets.sync arrived in 11.0); run it with
/usr/bin/python3, which sees Debian's package.

    python_peer.py server [--compression=off|default] [--lifetime=SECONDS]
    python_peer.py client [URL...] [--compression=off|default] [--lifetime=SECONDS]

The server listens on a free port of 127.0.0.1 until its stdin reaches
end of file (the Go test holds it open). The client connects to each URL
in turn, the next once the previous connection has closed, reading the
URLs from stdin, one per line, when none are given; it exits when done,
with status 1 if any connection saw an error. Each connection echoes
every data message and obeys the text commands described in
../README.md; events go to stdout as JSON lines. Either way the process
exits after --lifetime seconds (300).

A "deflate" query parameter in a connection's URL configures
permessage-deflate for that connection, overriding --compression, on the
server (read from the request) as on the client (read from its own URL):
a comma-separated list of RFC 7692 parameters, such as
deflate=server_no_context_takeover,client_max_window_bits=10, passed to
the library's ServerPerMessageDeflateFactory or
ClientPerMessageDeflateFactory; an empty list enables the extension with
no parameter.
"""

import argparse
import asyncio
import json
import os
import sys
import threading
import urllib.parse

import websockets
from websockets.extensions.permessage_deflate import (
    ClientPerMessageDeflateFactory,
    ServerPerMessageDeflateFactory,
)

CMD = "cmd:"
DEFLATE_FLAGS = ("server_no_context_takeover", "client_no_context_takeover")
DEFLATE_BITS = ("server_max_window_bits", "client_max_window_bits")
PING_TIMEOUT = 10  # seconds


def report(**event):
    print(json.dumps(event), flush=True)


def split(message, n):
    """Split message into at most n non-empty fragments (one if empty)."""
    if n <= 1 or len(message) <= 1:
        return [message]
    size = -(-len(message) // min(n, len(message)))
    return [message[i : i + size] for i in range(0, len(message), size)]


def deflate_params(target):
    """Return the factory arguments of the deflate query parameter in
    target (a URL or a request target), or None when it has none."""
    query = urllib.parse.urlsplit(target).query
    values = urllib.parse.parse_qs(query, keep_blank_values=True).get("deflate")
    if values is None:
        return None
    kwargs = {}
    for item in filter(None, values[0].split(",")):
        name, eq, value = item.partition("=")
        if name in DEFLATE_FLAGS and not eq:
            kwargs[name] = True
        elif name in DEFLATE_BITS:
            kwargs[name] = int(value) if eq else True
        else:
            raise ValueError("bad deflate parameter " + repr(item))
    return kwargs


class Counting:
    """Counts the bytes the connection reads from and writes to its
    socket, handshake included, for the stats command."""

    bytes_read = 0
    bytes_written = 0

    def connection_made(self, transport):
        write = transport.write

        def counted(data):
            self.bytes_written += len(data)
            write(data)

        transport.write = counted
        super().connection_made(transport)

    def data_received(self, data):
        self.bytes_read += len(data)
        super().data_received(data)


class ClientProtocol(Counting, websockets.WebSocketClientProtocol):
    pass


class ServerProtocol(Counting, websockets.WebSocketServerProtocol):
    """Negotiates permessage-deflate as the request's deflate query
    parameter says, if it has one."""

    def process_extensions(self, headers, available_extensions):
        kwargs = deflate_params(self.path)
        if kwargs is not None:
            available_extensions = [ServerPerMessageDeflateFactory(**kwargs)]
        return websockets.WebSocketServerProtocol.process_extensions(headers, available_extensions)


async def echo(ws, path):
    """Echo on ws until it closes; return whether that went without error."""
    negotiated = ", ".join(ws.response_headers.get_all("Sec-WebSocket-Extensions"))
    report(event="open", path=path, extensions=[e.name for e in ws.extensions], negotiated=negotiated)
    fragments = 0
    ok = True
    try:
        async for message in ws:
            if isinstance(message, str) and message.startswith(CMD):
                fragments = await command(ws, path, message[len(CMD) :], fragments)
            elif fragments > 1:
                # An iterable is sent as a fragmented message: one frame
                # per item, then an empty final frame.
                await ws.send(split(message, fragments))
            else:
                await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    except Exception as exc:
        ok = False
        report(event="error", path=path, error=repr(exc))
        await ws.close(1011, "echo peer error")
    await ws.wait_closed()
    report(event="closed", path=path, code=ws.close_code, reason=ws.close_reason)
    return ok


async def command(ws, path, cmd, fragments):
    """Run one command; return the fragment count for later echoes."""
    name, _, arg = cmd.partition(":")
    if name == "fragment":
        return int(arg)
    if name == "ping":
        waiter = await ws.ping(arg.encode())
        await asyncio.wait_for(waiter, PING_TIMEOUT)
        await ws.send("pong:" + arg)
    elif name == "stats":
        await ws.send("stats:%d:%d" % (ws.bytes_read, ws.bytes_written))
    elif name == "close":
        code, _, reason = arg.partition(":")
        await ws.close(int(code), reason)
    else:
        report(event="error", path=path, error="unknown command " + repr(cmd))
    return fragments


def options(compression):
    opts = {
        "max_size": None,  # the default, 1 MiB, is below the tests' 8 MiB
        "ping_interval": None,  # no keepalive pings of its own
        "close_timeout": 5,
    }
    if compression == "off":
        opts["compression"] = None
    return opts


async def serve(opts):
    async def handler(ws):
        await echo(ws, urllib.parse.urlsplit(ws.path).path)

    async with websockets.serve(handler, "127.0.0.1", 0, create_protocol=ServerProtocol, **opts) as server:
        report(event="listening", port=server.sockets[0].getsockname()[1])
        await asyncio.Future()


async def connect(url, opts):
    """Connect to url and echo until the connection closes; return
    whether it went without error."""
    path = urllib.parse.urlsplit(url).path or "/"
    try:
        kwargs = deflate_params(url)
        if kwargs is not None:
            # Absent from the list means not offered: the factory's
            # default offers client_max_window_bits.
            kwargs.setdefault("client_max_window_bits", None)
            opts = dict(opts, compression=None, extensions=[ClientPerMessageDeflateFactory(**kwargs)])
        ws = await websockets.connect(url, create_protocol=ClientProtocol, **opts)
    except Exception as exc:
        report(event="error", path=path, error=repr(exc))
        return False
    return await echo(ws, path)


async def connect_each(urls, opts):
    """Connect to each URL in turn, the next once the previous connection
    has closed; urls is a list, or None to read them from stdin, one per
    line. Return whether every connection went without error."""
    ok = True
    if urls is not None:
        for url in urls:
            ok = await connect(url, opts) and ok
        return ok
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return ok
        if line.strip():
            ok = await connect(line.strip(), opts) and ok


def exit_on_stdin_eof():
    sys.stdin.read()
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("url", nargs="*", help="client: URLs to connect to in turn (default: read from stdin)")
    parser.add_argument("--compression", choices=["off", "default"], default="off")
    parser.add_argument("--lifetime", type=float, default=300, help="seconds before exiting")
    args = parser.parse_args()
    if args.mode == "server" and args.url:
        parser.error("server takes no URL")

    timer = threading.Timer(args.lifetime, lambda: os._exit(3))
    timer.daemon = True
    timer.start()
    opts = options(args.compression)
    ok = True
    try:
        if args.mode == "server":
            threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
            asyncio.run(serve(opts))
        else:
            ok = asyncio.run(connect_each(args.url or None, opts))
    except Exception as exc:
        report(event="error", path="", error=repr(exc))
        ok = False
    sys.stdout.flush()
    os._exit(0 if ok else 1)


if __name__ == "__main__":
    main()
