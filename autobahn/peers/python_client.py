#!/usr/bin/python3
"""Fuzzing-server client on python-websockets (Debian python3-websockets),
for the wirefast autobahn agreement tests. It speaks the Autobahn URL
protocol: /getCaseCount, then /runCase?case=N&agent=A for every case,
echoing every message, then /updateReports?agent=A. Run with /usr/bin/python3.

    /usr/bin/python3 python_client.py --url ws://127.0.0.1:9001 --agent NAME [--compress]
"""
import argparse
import asyncio
import json
import urllib.parse

import websockets


async def run_case(url, compress):
    try:
        async with websockets.connect(
            url,
            compression="deflate" if compress else None,
            max_size=None, max_queue=None, ping_interval=None, close_timeout=3,
        ) as ws:
            async for msg in ws:
                await ws.send(msg)
    except Exception:
        # A failed handshake or a connection the fuzzer drops ends the case.
        pass


async def text_of(url):
    async with websockets.connect(url, close_timeout=3) as ws:
        try:
            return await ws.recv()
        except websockets.ConnectionClosed:
            return None


async def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", default="ws://127.0.0.1:9001")
    ap.add_argument("--agent", default="python-websockets")
    ap.add_argument("--compress", action="store_true", help="offer permessage-deflate")
    args = ap.parse_args()
    agent = urllib.parse.quote(args.agent)
    count = json.loads(await text_of(args.url + "/getCaseCount"))
    for n in range(1, count + 1):
        await run_case("%s/runCase?case=%d&agent=%s" % (args.url, n, agent), args.compress)
    await text_of("%s/updateReports?agent=%s" % (args.url, agent))
    print("python-websockets %s ran %d cases" % (websockets.__version__, count), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
