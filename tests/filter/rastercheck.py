#!/usr/bin/env python3
"""Reads a PWG raster or CUPS raster (v2 compressed, v3 uncompressed) stream
and prints one line per page, decoding every line of pixels so that a
truncated or corrupt stream fails:

  page 1 w=850 h=1100 dpi=100x100 bpp=24 cs=19 pt=612x792 name=na_letter_8.5x11in duplex=0 tumble=0 copies=0 mediatype=0 ink=0.0312

ink is the fraction of bytes that differ from blank (white for gray/RGB,
zero for CMYK/K). Written from PWG 5102.4 and the CUPS raster format
description; exit status 1 on a malformed stream.
"""
import struct
import sys
import zlib

HDR = 1796


def write_png(path, w, h, bpp, rows):
    """Writes decoded raster rows as PNG (gray, RGB; CMYK and 1-bit shown
    as gray) for looking at a page."""
    raw = bytearray()
    for r in rows:
        raw.append(0)
        if bpp == 24 or bpp == 8:
            raw.extend(r)
        elif bpp == 32:
            raw.extend(255 - max(r[i:i + 4]) for i in range(0, 4 * w, 4))
        elif bpp == 1:
            raw.extend(0 if (r[x >> 3] >> (7 - (x & 7))) & 1 else 255
                       for x in range(w))
    ctype = 2 if bpp == 24 else 0

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(
        ">IIBBBBB", w, h, 8, ctype, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


def fail(msg):
    sys.stderr.write("rastercheck: %s\n" % msg)
    sys.exit(1)


def main():
    # rastercheck.py FILE [--png PAGE OUT.png | --pixel PAGE X Y]
    want_png = None
    want_px = None
    if len(sys.argv) == 5 and sys.argv[2] == "--png":
        want_png = (int(sys.argv[3]), sys.argv[4])
    if len(sys.argv) == 6 and sys.argv[2] == "--pixel":
        want_px = (int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        want_png = (want_px[0], None)
    data = open(sys.argv[1], "rb").read() if len(sys.argv) > 1 and \
        sys.argv[1] != "-" else sys.stdin.buffer.read()
    if len(data) < 4:
        fail("no sync word")
    sync = data[:4]
    if sync in (b"RaS2", b"RaS3"):
        end = ">"
    elif sync in (b"2SaR", b"3SaR"):
        end = "<"
    else:
        fail("unknown sync word %r" % sync)
    compressed = sync in (b"RaS2", b"2SaR")
    pos = 4
    page = 0
    while pos < len(data):
        if len(data) - pos < HDR:
            fail("truncated header at %d" % pos)
        h = data[pos:pos + HDR]
        pos += HDR
        u = lambda off: struct.unpack(end + "I", h[off:off + 4])[0]
        page += 1
        w, ht = u(372), u(376)
        bpp, bpl, cs = u(388), u(392), u(400)
        xdpi, ydpi = u(276), u(280)
        duplex, tumble = u(272), u(368)
        copies = u(340)
        mediatype = u(380)
        pw, ph = u(352), u(356)
        name = h[1732:1796].split(b"\0")[0].decode("latin-1")
        if bpp == 0 or bpl == 0 or w == 0 or ht == 0:
            fail("page %d: empty geometry" % page)
        unit = max(1, bpp // 8)
        if bpl % unit:
            fail("page %d: bytes per line %d not whole pixels" % (page, bpl))
        # Blank is 0 for K (3) and CMYK (6), white 0xFF for the rest.
        blank = 0x00 if cs in (3, 6) else 0xFF
        ink = 0
        total = bpl * ht
        if not compressed:
            if len(data) - pos < total:
                fail("page %d: truncated pixels" % page)
            px = data[pos:pos + total]
            pos += total
            ink = sum(1 for b in px if b != blank)
            rows = [px[i * bpl:(i + 1) * bpl] for i in range(ht)]
        else:
            y = 0
            rows = []
            while y < ht:
                if pos >= len(data):
                    fail("page %d: truncated at line %d" % (page, y))
                rep = data[pos] + 1
                pos += 1
                line = bytearray()
                while len(line) < bpl:
                    if pos >= len(data):
                        fail("page %d: truncated in line %d" % (page, y))
                    c = data[pos]
                    pos += 1
                    if c == 128:
                        line.extend(bytes([blank]) * (bpl - len(line)))
                    elif c < 128:
                        pxl = data[pos:pos + unit]
                        pos += unit
                        line.extend(pxl * (c + 1))
                    else:
                        n = (257 - c) * unit
                        line.extend(data[pos:pos + n])
                        pos += n
                if len(line) != bpl:
                    fail("page %d: line %d is %d bytes, want %d"
                         % (page, y, len(line), bpl))
                if y + rep > ht:
                    fail("page %d: repeat past the page" % page)
                ink += rep * sum(1 for b in line if b != blank)
                if want_png and want_png[0] == page:
                    rows.extend([bytes(line)] * rep)
                y += rep
        if want_png and want_png[0] == page and want_png[1]:
            write_png(want_png[1], w, ht, bpp, rows)
        if want_px and want_px[0] == page:
            x, y = want_px[1], want_px[2]
            if bpp == 1:
                v = "%d" % ((rows[y][x >> 3] >> (7 - (x & 7))) & 1)
            else:
                v = rows[y][x * unit:(x + 1) * unit].hex()
            print("pixel %d %d %d %s" % (page, x, y, v))
        print("page %d w=%d h=%d dpi=%dx%d bpp=%d cs=%d pt=%dx%d name=%s "
              "duplex=%d tumble=%d copies=%d mediatype=%d ink=%.4f"
              % (page, w, ht, xdpi, ydpi, bpp, cs, pw, ph, name or "-",
                 duplex, tumble, copies, mediatype, ink / float(total)))
    print("pages %d" % page)


if __name__ == "__main__":
    main()
