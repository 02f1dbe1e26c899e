#!/usr/bin/env python3
"""Generates the zlib golden streams read by TestDecoderZlibGolden.

Each file holds the messages of one connection direction as a peer using
zlib compresses them for permessage-deflate (RFC 7692, Section 7.2.1):
deflate with a sync flush, trailing 00 00 ff ff removed, raw deflate with
window bits w (zlib refuses 8 for raw deflate, so w runs 9..15). With
context takeover one compressor serves all messages, as python-websockets
does; without, a fresh one per message. One message is compressed in two
parts with a sync flush after each, as python-websockets compresses a
fragmented message frame by frame.

File format: b"wfz1", then per message a big-endian uint32 length and
the plaintext, then a big-endian uint32 length and the compressed payload.

Run from this directory: python3 gen.py
"""
import struct
import zlib

WORDS = ("the of and to in is you that it was for on are as with they at be this have from or one had by "
         "word but not what all were we when your can said there use each which she do how their if will up "
         "other about out many then them these so some her would make like him into time has look two more "
         "message server client latency cache deploy release build request json event channel user").split()


class LCG:
    def __init__(self, seed):
        self.x = seed

    def next(self):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return self.x >> 33


def text(rng, n):
    out = []
    size = 0
    while size < n:
        if rng.next() % 3 == 0:
            w = '{"id":%d,"event":"%s","user":"%s"}' % (rng.next() % 100000, WORDS[rng.next() % len(WORDS)],
                                                      WORDS[rng.next() % len(WORDS)])
        else:
            w = WORDS[rng.next() % len(WORDS)]
        out.append(w)
        size += len(w) + 1
    return " ".join(out).encode()[:n]


def messages(rng, w, far):
    msgs = [b"", b"a", text(rng, 10), text(rng, 100), text(rng, 1000), text(rng, 3000),
            bytes(rng.next() % 256 for _ in range(300)),  # incompressible
            b"\x00" * 2000, text(rng, 1500)]
    if far:
        # A paragraph repeated about 2^w - 300 bytes later: zlib reaches
        # back at most 2^w - 262 bytes.
        para = text(rng, 200)
        msgs.append(para + text(rng, (1 << w) - 500) + para)
    return msgs


def compress(w, takeover, level, msgs):
    out = []
    c = zlib.compressobj(level, zlib.DEFLATED, -w)
    for i, m in enumerate(msgs):
        if not takeover:
            c = zlib.compressobj(level, zlib.DEFLATED, -w)
        if i == 4:  # two "frames"
            data = c.compress(m[:400]) + c.flush(zlib.Z_SYNC_FLUSH)
            data += c.compress(m[400:]) + c.flush(zlib.Z_SYNC_FLUSH)
        else:
            data = c.compress(m) + c.flush(zlib.Z_SYNC_FLUSH)
        assert data.endswith(b"\x00\x00\xff\xff")
        out.append(data[:-4])
    return out


def write(name, msgs, comps):
    with open(name, "wb") as f:
        f.write(b"wfz1")
        for m, c in zip(msgs, comps):
            f.write(struct.pack(">I", len(m)) + m + struct.pack(">I", len(c)) + c)


for w in range(9, 16):
    for takeover in (True, False):
        levels = (1, 6, 9) if (w == 15 and takeover) else (6,)
        for level in levels:
            rng = LCG(w * 100 + level)
            msgs = messages(rng, w, takeover)
            mode = "takeover" if takeover else "fresh"
            write("w%d_%s_l%d.bin" % (w, mode, level), msgs, compress(w, takeover, level, msgs))
