"""Image and colour corpus: one XPS document per image format and colour
case, written to corpus/image/.

PNG and TIFF files are encoded here in plain Python (zlib only). JPEG
files, the JPEG XR sample and the ICC profiles are binary sources checked in
under corpus/image/src/: the JPEGs and profiles come from src/mkimage.c
(libjpeg, lcms2 and the project's built-in CMYK profile) and the JPEG XR
sample from JxrEncApp (libjxr-tools); `--rebuild-src` remakes them, which
needs a C compiler, libjpeg, lcms2 and JxrEncApp. Without it only python3 is
needed, like every other generator.

Golden images are made by tests/xps/test_image_corpus.c
(XR_UPDATE_GOLDEN=1) and checked in as corpus/image/golden/*.png.
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xpsgen  # noqa: E402

PAGE_W, PAGE_H = 384, 256

# ---- PNG ------------------------------------------------------------------


def _chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(w, h, ctype, depth, sample, palette=None, trns=None, ppm=None,
        iccp=None, interlace=False):
    """sample(x, y) -> tuple of channel values (or palette index)."""
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]

    def row_bytes(xs, y):
        if depth >= 8:
            out = bytearray()
            for x in xs:
                for v in sample(x, y)[:ch]:
                    out += struct.pack(">H", v) if depth == 16 else bytes([v])
            return bytes(out)
        bits, n = 0, 0
        out = bytearray()
        for x in xs:
            bits = (bits << depth) | sample(x, y)[0]
            n += depth
            if n == 8:
                out.append(bits)
                bits, n = 0, 0
        if n:
            out.append(bits << (8 - n))
        return bytes(out)

    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, w, dx))
        if not xs:
            continue
        for y in range(y0, h, dy):
            raw += b"\0" + row_bytes(xs, y)
    out = b"\x89PNG\r\n\x1a\n"
    out += _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0,
                                       1 if interlace else 0))
    if iccp:
        out += _chunk(b"iCCP", b"icc\0\0" + zlib.compress(iccp, 9))
    if ppm:
        out += _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    if palette:
        out += _chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    if trns is not None:
        out += _chunk(b"tRNS", trns)
    out += _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    out += _chunk(b"IEND", b"")
    return out


def quad_rgb(x, y, w=48, h=32):
    """The corpus picture: four colour quadrants."""
    q = (x >= w // 2) + 2 * (y >= h // 2)
    return [(230, 30, 30), (30, 160, 40), (30, 60, 220), (240, 200, 20)][q]


# ---- TIFF -----------------------------------------------------------------


def packbits(data):
    out = bytearray()
    i = 0
    while i < len(data):
        j = i
        while j + 1 < len(data) and data[j + 1] == data[i] and j - i < 127:
            j += 1
        if j > i:
            out += bytes([257 - (j - i + 1), data[i]])
            i = j + 1
            continue
        j = i
        while (j < len(data) and j - i < 128 and
               not (j + 1 < len(data) and data[j + 1] == data[j])):
            j += 1
        j = max(j, i + 1)
        out += bytes([j - i - 1]) + data[i:j]
        i = j
    return bytes(out)


def tiff(w, h, spp, bps, photo, pixels, compression=1, tile=0, extra=None,
         colormap=None, dpi=96):
    """pixels(x, y) -> tuple of spp 8-bit samples (or 4-bit index)."""
    def encode(block):
        if compression == 8:
            return zlib.compress(block, 9)
        if compression == 32773:
            return packbits(block)
        return block

    def raw_rows(x0, y0, bw, bh):
        out = bytearray()
        for y in range(y0, y0 + bh):
            if bps == 4:
                bits = []
                for x in range(x0, x0 + bw):
                    bits.append(pixels(x, y)[0] if x < w and y < h else 0)
                if len(bits) % 2:
                    bits.append(0)
                out += bytes((bits[i] << 4) | bits[i + 1]
                             for i in range(0, len(bits), 2))
            else:
                for x in range(x0, x0 + bw):
                    out += bytes(pixels(x, y) if x < w and y < h else
                                 (0,) * spp)
        return bytes(out)

    blocks = []
    if tile:
        for ty in range(0, h, tile):
            for tx in range(0, w, tile):
                blocks.append(encode(raw_rows(tx, ty, tile, tile)))
    else:
        rps = 8
        for y in range(0, h, rps):
            blocks.append(encode(raw_rows(0, y, w, min(rps, h - y))))
    data = bytearray(b"II*\0" + struct.pack("<I", 0))
    offsets = []
    for b in blocks:
        offsets.append(len(data))
        data += b
    tags = {256: (4, [w]), 257: (4, [h]), 258: (3, [bps] * spp),
            259: (3, [compression]), 262: (3, [photo]),
            277: (3, [spp]), 282: (5, [(dpi, 1)]), 283: (5, [(dpi, 1)]),
            284: (3, [1]), 296: (3, [2])}
    if tile:
        tags.update({322: (3, [tile]), 323: (3, [tile]),
                     324: (4, offsets), 325: (4, [len(b) for b in blocks])})
    else:
        tags.update({273: (4, offsets), 278: (3, [8]),
                     279: (4, [len(b) for b in blocks])})
    if extra is not None:
        tags[338] = (3, [extra])
    if photo == 5:
        tags[332] = (3, [1])
    if colormap:
        tags[320] = (3, colormap)
    if len(data) % 2:
        data += b"\0"
    ifd_at = len(data)
    struct.pack_into("<I", data, 4, ifd_at)
    entries = sorted(tags.items())
    out_of_line = bytearray()
    base = ifd_at + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, (typ, vals) in entries:
        if typ == 5:
            payload = b"".join(struct.pack("<II", *v) for v in vals)
        else:
            payload = b"".join(struct.pack("<H" if typ == 3 else "<I", v)
                               for v in vals)
        if len(payload) <= 4:
            field = payload.ljust(4, b"\0")
        else:
            field = struct.pack("<I", base + len(out_of_line))
            out_of_line += payload
            if len(out_of_line) % 2:
                out_of_line += b"\0"
        ifd += struct.pack("<HHI", tag, typ, len(vals)) + field
    ifd += struct.pack("<I", 0)
    return bytes(data + ifd + out_of_line)


# ---- documents ------------------------------------------------------------


def image_path(x, y, w, h, src, vb=None, tile=None, vp=None, extra=""):
    """A Path filled by an ImageBrush; viewbox defaults to w x h."""
    vb = vb or (0, 0, w, h)
    vp = vp or (x, y, w, h)
    t = ' TileMode="%s"' % tile if tile else ""
    return ('<Path Data="M %g,%g L %g,%g %g,%g %g,%g Z"><Path.Fill>'
            '<ImageBrush ImageSource="%s" Viewbox="%g,%g,%g,%g" '
            'ViewboxUnits="Absolute" Viewport="%g,%g,%g,%g" '
            'ViewportUnits="Absolute"%s%s/></Path.Fill></Path>\n'
            % (x, y, x + w, y, x + w, y + h, x, y + h, src,
               vb[0], vb[1], vb[2], vb[3], vp[0], vp[1], vp[2], vp[3], t,
               extra))


def backdrop():
    """Stripes behind the images, so transparency shows."""
    s = ""
    for i in range(0, PAGE_W, 32):
        s += ('<Path Data="M %d,0 L %d,0 %d,%d %d,%d Z" Fill="#FFD0D0D0"/>\n'
              % (i, i + 16, i + 16, PAGE_H, i, PAGE_H))
    return s


def grid(items, cols=4, cell=(96, 80), size=(80, 60)):
    """items: (resource name, viewbox or None). Returns markup."""
    s = ""
    for i, (name, vb) in enumerate(items):
        x = 8 + (i % cols) * cell[0]
        y = 8 + (i // cols) * cell[1]
        s += image_path(x, y, size[0], size[1], name, vb=vb)
    return s


def doc(outdir, name, body, resources):
    p = xpsgen.Package()
    p.add_page(body, PAGE_W, PAGE_H)
    for k, v in resources.items():
        p.add_resource(k, v)
    p.write(os.path.join(outdir, name))


def src(name):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "image", "src", name), "rb") as f:
        return f.read()


def gen_png(outdir):
    res, items = {}, []
    w, h = 24, 16

    def gray(depth):
        m = (1 << depth) - 1
        return lambda x, y: ((x * m // (w - 1) + y) % (m + 1),)

    for d in (1, 2, 4, 8, 16):
        n = "/Resources/gray%d.png" % d
        res[n] = png(w, h, 0, d, gray(d))
        items.append((n, (0, 0, w, h)))
    pal = [(i * 16 % 256, 255 - i * 16 % 256, (i * 50) % 256)
           for i in range(16)] + [(0, 0, 0)] * 240
    for d in (1, 2, 4, 8):
        m = (1 << d) - 1
        n = "/Resources/pal%d.png" % d
        res[n] = png(w, h, 3, d, lambda x, y, m=m: ((x + y) % (m + 1) % 16,),
                     palette=pal[:1 << d], trns=bytes([255, 0]))
        items.append((n, (0, 0, w, h)))
    res["/Resources/rgb16.png"] = png(
        w, h, 2, 16, lambda x, y: tuple(c * 257 for c in quad_rgb(x, y, w, h)))
    res["/Resources/ga8.png"] = png(
        w, h, 4, 8, lambda x, y: (x * 10, y * 16))
    res["/Resources/rgba8.png"] = png(
        w, h, 6, 8, lambda x, y: quad_rgb(x, y, w, h) + (x * 255 // (w - 1),))
    res["/Resources/trns-rgb.png"] = png(
        w, h, 2, 8, lambda x, y: (0, 0, 0) if (x // 4 + y // 4) % 2
        else quad_rgb(x, y, w, h), trns=struct.pack(">HHH", 0, 0, 0))
    for n in ("rgb16", "ga8", "rgba8", "trns-rgb"):
        items.append(("/Resources/%s.png" % n, (0, 0, w, h)))
    doc(outdir, "png.xps",
        backdrop() + grid(items, cols=5, cell=(76, 62), size=(64, 48)), res)
    inter = png(48, 32, 2, 8, quad_rgb, interlace=True)
    doc(outdir, "png-interlaced.xps",
        image_path(16, 16, 192, 128, "/Resources/i.png", vb=(0, 0, 48, 32)),
        {"/Resources/i.png": inter})


def gen_jpeg(outdir):
    res = {"/Resources/%s.jpg" % n: src("%s.jpg" % n)
           for n in ("gray", "rgb", "cmyk", "cmyk-adobe", "rgb-icc")}
    res["/Resources/swapped.icc"] = src("rgb-swapped.icc")
    items = [("/Resources/%s.jpg" % n, (0, 0, 48, 32))
             for n in ("gray", "rgb", "cmyk", "cmyk-adobe")]
    body = grid(items)
    # Embedded profile (red and blue primaries swapped: honoured, the red
    # quadrant turns blue), then the same through ColorConvertedBitmap.
    body += image_path(8, 88, 80, 60, "/Resources/rgb-icc.jpg",
                       vb=(0, 0, 48, 32))
    body += image_path(104, 88, 80, 60,
                       "{ColorConvertedBitmap /Resources/rgb.jpg "
                       "/Resources/swapped.icc}", vb=(0, 0, 48, 32))
    doc(outdir, "jpeg.xps", body, res)


def gen_tiff(outdir):
    w, h = 40, 24
    res = {}

    def rgb(x, y):
        return quad_rgb(x, y, w, h)

    res["/Resources/strips.tif"] = tiff(w, h, 3, 8, 2, rgb)
    res["/Resources/deflate.tif"] = tiff(w, h, 3, 8, 2, rgb, compression=8)
    res["/Resources/packbits.tif"] = tiff(w, h, 3, 8, 2, rgb,
                                          compression=32773)
    res["/Resources/tiles.tif"] = tiff(w, h, 3, 8, 2, rgb, compression=8,
                                       tile=16)
    cm = [(0, 230, 230, 0), (200, 0, 200, 30), (230, 180, 0, 0),
          (0, 40, 240, 0)]
    res["/Resources/cmyk.tif"] = tiff(
        w, h, 4, 8, 5, lambda x, y: cm[(x >= w // 2) + 2 * (y >= h // 2)],
        compression=8)
    res["/Resources/rgba.tif"] = tiff(
        w, h, 4, 8, 2, lambda x, y: rgb(x, y) + (x * 255 // (w - 1),),
        compression=8, extra=2)
    res["/Resources/gray.tif"] = tiff(w, h, 1, 8, 1,
                                      lambda x, y: (x * 255 // (w - 1),))
    red = [i * 4369 for i in range(16)]
    green = [65535 - i * 4369 for i in range(16)]
    blue = [(i % 4) * 21845 for i in range(16)]
    res["/Resources/palette.tif"] = tiff(
        w, h, 1, 4, 3, lambda x, y: ((x // 3 + y // 3) % 16,),
        colormap=red + green + blue)
    items = [(n, (0, 0, w, h)) for n in sorted(res)]
    doc(outdir, "tiff.xps", backdrop() + grid(items), res)


def gen_jxr(outdir):
    doc(outdir, "jxr.xps",
        image_path(16, 16, 192, 144, "/Resources/sample.wdp",
                   vb=(0, 0, 32, 24)),
        {"/Resources/sample.wdp": src("sample.jxr")})


def gen_dpi(outdir):
    # The same 48 x 32 pixels at 96 and at 192 dpi, each with Viewbox
    # 0,0,48,32 (1/96 inch): the 192-dpi image fills only a quarter.
    a = png(48, 32, 2, 8, quad_rgb, ppm=3780)
    b = png(48, 32, 2, 8, quad_rgb, ppm=7559)
    body = backdrop()
    body += image_path(16, 16, 144, 96, "/Resources/a.png", vb=(0, 0, 48, 32))
    body += image_path(200, 16, 144, 96, "/Resources/b.png", vb=(0, 0, 48, 32))
    doc(outdir, "dpi.xps", body, {"/Resources/a.png": a, "/Resources/b.png": b})


def gen_downscale(outdir):
    # A 1-pixel checkerboard, 512 x 512, shown 64 x 64: a filtered
    # renderer shows even gray, a point sampler black, white or moire.
    chk = png(512, 512, 0, 1, lambda x, y: ((x + y) & 1,))
    body = image_path(16, 16, 64, 64, "/Resources/chk.png",
                      vb=(0, 0, 512, 512))
    body += image_path(96, 16, 100, 100, "/Resources/chk.png",
                       vb=(0, 0, 512, 512))
    doc(outdir, "downscale.xps", body, {"/Resources/chk.png": chk})


def gen_tile(outdir):
    small = png(16, 12, 2, 8, lambda x, y: quad_rgb(x, y, 16, 12))
    body = ""
    for i, mode in enumerate(("Tile", "FlipX", "FlipY", "FlipXY")):
        x = 8 + i * 94
        body += image_path(x, 8, 88, 120, "/Resources/t.png",
                           vb=(0, 0, 16, 12), tile=mode,
                           vp=(x, 8, 24, 18))
    doc(outdir, "tile.xps", body, {"/Resources/t.png": small})


def color_path(x, y, color):
    return ('<Path Data="M %d,%d L %d,%d %d,%d %d,%d Z" Fill="%s"/>\n'
            % (x, y, x + 40, y, x + 40, y + 40, x, y + 40, color))


def gen_contextcolor(outdir):
    res = {"/Resources/gray.icc": src("gray-linear.icc"),
           "/Resources/rgb.icc": src("rgb-swapped.icc"),
           "/Resources/cmyk.icc": src("cmyk-small.icc"),
           "/Resources/bad.icc": b"not a profile" * 20}
    colors = [
        "ContextColor /Resources/gray.icc 1,0.5",       # linear gray 0.5
        "ContextColor /Resources/gray.icc 1,0.2",
        "ContextColor /Resources/rgb.icc 1,1,0,0",      # shows as blue
        "ContextColor /Resources/rgb.icc 1,0,0,1",      # shows as red
        "ContextColor /Resources/cmyk.icc 1,1,0,0,0",   # cyan
        "ContextColor /Resources/cmyk.icc 1,0,1,0,0",   # magenta
        "ContextColor /Resources/cmyk.icc 1,0,0,1,0",   # yellow
        "ContextColor /Resources/cmyk.icc 0.5,0,0,0,1",  # half-alpha black
        "ContextColor /Resources/bad.icc 1,0,0.5,1",    # warns, sRGB used
        "ContextColor /Resources/missing.icc 1,0.3",    # warns, gray used
        "sc#1,0.5,0.5,0.5",                             # scRGB mid gray
        "#FF808080",                                    # sRGB mid gray
    ]
    body = ""
    for i, c in enumerate(colors):
        body += color_path(8 + (i % 6) * 60, 8 + (i // 6) * 60, c)
    doc(outdir, "contextcolor.xps", body, res)


def big_png(w, h):
    """A w x h RGB PNG whose Sub-filtered rows are constant deltas: it
    compresses to almost nothing, yet decodes to w * h real pixels."""
    raw = bytearray()
    for y in range(h):
        raw += bytes([1, y % 256, (y * 3) % 256, (255 - y) % 256])
        raw += bytes([1, 2, 3]) * (w - 1)
    out = b"\x89PNG\r\n\x1a\n"
    out += _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    out += _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    return out + _chunk(b"IEND", b"")


def gen_bench(outdir):
    """An image-heavy Letter page for bench/bench_image.cc: a 2400 x 1600
    photo-sized PNG scaled into a 7 x 4.7 inch box, the same image as nine
    thumbnails (one decode, nine fills), a JPEG row, and a tiled
    background."""
    res = {"/Resources/big.png": big_png(2400, 1600),
           "/Resources/rgb.jpg": src("rgb.jpg"),
           "/Resources/cmyk.jpg": src("cmyk-adobe.jpg"),
           "/Resources/t.png": png(16, 12, 2, 8,
                                   lambda x, y: quad_rgb(x, y, 16, 12))}
    body = image_path(0, 0, 816, 1056, "/Resources/t.png", vb=(0, 0, 16, 12),
                      tile="FlipXY", vp=(0, 0, 32, 24),
                      extra=' Opacity="0.3"')
    body += image_path(72, 72, 672, 448, "/Resources/big.png",
                       vb=(0, 0, 2400, 1600))
    for i in range(9):
        x = 72 + (i % 3) * 230
        y = 560 + (i // 3) * 110
        body += image_path(x, y, 150, 100, "/Resources/big.png",
                           vb=(0, 0, 2400, 1600))
    for i in range(4):
        body += image_path(72 + i * 170, 900, 150, 100,
                           "/Resources/%s.jpg" % ("rgb", "cmyk")[i % 2],
                           vb=(0, 0, 48, 32))
    p = xpsgen.Package()
    p.add_page(body, 816, 1056)
    for k, v in res.items():
        p.add_resource(k, v)
    p.write(os.path.join(outdir, "bench.xps"))


def gen_bad(outdir):
    good = png(48, 32, 2, 8, quad_rgb)
    bomb = bytearray(png(1, 1, 2, 8, lambda x, y: (0, 0, 0)))
    struct.pack_into(">II", bomb, 16, 60000, 60000)
    struct.pack_into(">I", bomb, 29, zlib.crc32(bytes(bomb[12:29])))
    res = {"/Resources/good.png": good,
           "/Resources/truncated.png": good[:len(good) // 2],
           "/Resources/corrupt.jpg": src("rgb.jpg")[:200] + b"\0" * 64,
           "/Resources/unknown.png": b"GIF89a" + b"\0" * 64,
           "/Resources/bomb.png": bytes(bomb)}
    items = [(n, (0, 0, 48, 32)) for n in
             ("/Resources/truncated.png", "/Resources/corrupt.jpg",
              "/Resources/unknown.png", "/Resources/bomb.png",
              "/Resources/missing.png", "/Resources/good.png")]
    doc(outdir, "bad.xps", backdrop() + grid(items), res)


def rebuild_src(here):
    srcdir = os.path.join(here, "image", "src")
    root = os.path.dirname(here)
    with tempfile.TemporaryDirectory() as t:
        exe = os.path.join(t, "mkimage")
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "lcms2",
                                "libjpeg"], check=True, capture_output=True,
                               text=True).stdout.split()
        subprocess.run(["cc", "-O1", "-o", exe,
                        os.path.join(srcdir, "mkimage.c"),
                        os.path.join(root, "render", "cms_out.c"),
                        os.path.join(root, "filter", "error.c"),
                        "-I" + root, "-I" + os.path.join(root, "include")]
                       + flags, check=True)
        subprocess.run([exe, srcdir], check=True)
        # JPEG XR: 32 x 24, left half red, right half blue, green bottom.
        pnm = os.path.join(t, "s.pnm")
        px = bytearray()
        for y in range(24):
            for x in range(32):
                px += bytes((0, 255, 0) if y >= 18 else
                            (255, 0, 0) if x < 16 else (0, 0, 255))
        with open(pnm, "wb") as f:
            f.write(b"P6\n32 24\n255\n" + bytes(px))
        subprocess.run(["JxrEncApp", "-i", pnm, "-o",
                        os.path.join(srcdir, "sample.jxr"), "-q", "1"],
                       check=True, stdout=subprocess.DEVNULL)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--rebuild-src" in sys.argv:
        rebuild_src(here)
    outdir = os.path.join(args[0] if args else here, "image")
    os.makedirs(outdir, exist_ok=True)
    gen_png(outdir)
    gen_jpeg(outdir)
    gen_tiff(outdir)
    gen_jxr(outdir)
    gen_dpi(outdir)
    gen_downscale(outdir)
    gen_tile(outdir)
    gen_contextcolor(outdir)
    gen_bad(outdir)
    gen_bench(outdir)


if __name__ == "__main__":
    main()
