"""Tiny PNG reader for the CLI tests: prints width, height, colour type
and the value of one pixel, using only the standard library."""
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype = ihdr[0], ihdr[1], ihdr[2], ihdr[3]
    bpp = {0: 1, 2: 3}[ctype]
    raw = zlib.decompress(idat)
    stride = (w * bpp * depth + 7) // 8
    rows, prev, off = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[off]
        line = bytearray(raw[off + 1:off + 1 + stride])
        off += 1 + stride
        step = max(1, bpp * depth // 8)
        for i in range(stride):
            a = line[i - step] if i >= step else 0
            b = prev[i]
            c = prev[i - step] if i >= step else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, depth, ctype, bpp, rows


if __name__ == "__main__":
    w, h, depth, ctype, bpp, rows = read(sys.argv[1])
    out = "%d %d %d %d" % (w, h, depth, ctype)
    if len(sys.argv) > 3:
        x, y = int(sys.argv[2]), int(sys.argv[3])
        if depth == 8:
            out += " " + ",".join(str(v) for v in rows[y][x * bpp:x * bpp + bpp])
        else:
            out += " %d" % ((rows[y][x >> 3] >> (7 - (x & 7))) & 1)
    print(out)
