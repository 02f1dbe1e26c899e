#!/usr/bin/python3
"""Echo server on python-websockets (Debian python3-websockets), for the
wirefast autobahn agreement tests: every text or binary message is sent back
with the same type. Run with /usr/bin/python3 so the Debian package is used.

    /usr/bin/python3 python_echo.py --port 9001 [--compress]
"""
import argparse
import asyncio

import websockets


async def echo(ws, path=None):
    try:
        async for msg in ws:
            await ws.send(msg)
    except websockets.ConnectionClosed:
        pass


async def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9001)
    ap.add_argument("--compress", action="store_true", help="negotiate permessage-deflate")
    args = ap.parse_args()
    async with websockets.serve(
        echo, args.host, args.port,
        compression="deflate" if args.compress else None,
        max_size=None, max_queue=None, ping_interval=None,
    ):
        print("python-websockets %s echo server on ws://%s:%d" % (websockets.__version__, args.host, args.port), flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
