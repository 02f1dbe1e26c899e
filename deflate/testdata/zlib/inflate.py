#!/usr/bin/env python3
"""Inflates streams from standard input with zlib, as a peer using zlib
(python-websockets, Node's ws, browsers) receives permessage-deflate
messages, and checks them against their plaintext. Used by
TestEncoderZlib.

Input: b"wfz2", then streams: window bits (1 byte), context takeover
(1 byte), strict (1 byte), message count (big-endian uint32), then per
message a big-endian uint32 length and the plaintext, then the same for
the compressed payload (tail stripped). Prints a line per stream: "ok N"
for N messages checked, or the first failure.

zlib checks a distance against its window only for the bytes output
before the current call: within one call a match may reach into that
call's output. A strict stream is therefore inflated one output byte per
call, so every distance is checked against exactly 2^w bytes.
"""
import struct
import sys
import zlib


def inflate(d, comp, strict):
    if not strict:
        return d.decompress(comp)
    out = []
    while True:
        o = d.decompress(comp, 1)
        out.append(o)
        comp = d.unconsumed_tail
        if not o and not comp:
            return b"".join(out)


def stream(data, pos):
    w, takeover, strict = data[pos], data[pos + 1], data[pos + 2]
    (n,) = struct.unpack_from(">I", data, pos + 3)
    pos += 7

    def take():
        nonlocal pos
        (k,) = struct.unpack_from(">I", data, pos)
        v = data[pos + 4:pos + 4 + k]
        pos += 4 + k
        return v

    d = zlib.decompressobj(wbits=-w)
    result = None
    for i in range(n):
        plain, comp = take(), take()
        if result:
            continue
        if not takeover:
            d = zlib.decompressobj(wbits=-w)
        try:
            got = inflate(d, comp + b"\x00\x00\xff\xff", strict)
        except zlib.error as e:
            result = "message %d: %s" % (i, e)
            continue
        if got != plain:
            result = "message %d: %d bytes differ from %d" % (i, len(got), len(plain))
    return pos, result or "ok %d" % n


def main():
    data = sys.stdin.buffer.read()
    if data[:4] != b"wfz2":
        print("bad magic")
        return
    pos = 4
    while pos < len(data):
        pos, result = stream(data, pos)
        print(result)


main()

