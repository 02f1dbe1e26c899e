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
"""

import argparse
import asyncio
import json
import os
import sys
import threading
import urllib.parse

import websockets

CMD = "cmd:"
PING_TIMEOUT = 10  # seconds


def report(**event):
    print(json.dumps(event), flush=True)


def split(message, n):
    """Split message into at most n non-empty fragments (one if empty)."""
    if n <= 1 or len(message) <= 1:
        return [message]
    size = -(-len(message) // min(n, len(message)))
    return [message[i : i + size] for i in range(0, len(message), size)]


async def echo(ws, path):
    """Echo on ws until it closes; return whether that went without error."""
    report(event="open", path=path, extensions=[e.name for e in ws.extensions])
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
        await echo(ws, ws.path)

    async with websockets.serve(handler, "127.0.0.1", 0, **opts) as server:
        report(event="listening", port=server.sockets[0].getsockname()[1])
        await asyncio.Future()


async def connect(url, opts):
    """Connect to url and echo until the connection closes; return
    whether it went without error."""
    path = urllib.parse.urlsplit(url).path or "/"
    try:
        ws = await websockets.connect(url, **opts)
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
