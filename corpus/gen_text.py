"""Generates the text corpus: corpus/text/*.xps.

Every document embeds subsets of the DejaVu fonts (fonts-dejavu-core; the
DejaVu changes are public domain and the Bitstream Vera licence allows
modified copies under a name without "Bitstream" or "Vera"), made by the
small TrueType subsetter below so that each package stays a few kilobytes:
only the glyphs a page uses (plus .notdef and composite parts) are kept,
renumbered, with hinting (fpgm, prep, cvt and glyph programs) removed.

latin.xps     sizes, colours, Indices advances, u/v offsets, a ligature
              cluster map (3:1), the {} escape, a text-only run
rtl.xps       Hebrew at BidiLevel 1 (right to left from OriginX)
sideways.xps  IsSideways glyphs in a run turned by a RenderTransform
sims.xps      BoldSimulation, ItalicSimulation, BoldItalicSimulation
odttf.xps     an obfuscated font part named by its GUID
ttc.xps       a TrueType collection (Sans + Serif), FontUri "#0" and "#1"
effects.xps   Glyphs with RenderTransform, Clip, Opacity, a Fill property,
              a gradient Fill and an OpacityMask
symbol.xps    a font with only a (3,0) symbol cmap (U+F000 + character)
page.xps      a full Letter page of 10 pt text (the benchmark's page)
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xpsgen  # noqa: E402

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
GUID = "6A9C0E3F-1B2D-4C5E-8F70-9A1B2C3D4E5F"
KEEP = (b"OS/2", b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca",
        b"maxp", b"name", b"post")


# --- a minimal TrueType subsetter -------------------------------------

def tables(font, base=0):
    n = struct.unpack(">H", font[base + 4:base + 6])[0]
    out = {}
    for i in range(n):
        tag, _, off, ln = struct.unpack(
            ">4sIII", font[base + 12 + 16 * i:base + 28 + 16 * i])
        out[tag] = font[off:off + ln]
    return out


def cmap_lookup(cmap):
    """cp -> gid from the (3,1) format 4 subtable."""
    n = struct.unpack(">H", cmap[2:4])[0]
    for i in range(n):
        pid, eid, off = struct.unpack(">HHI", cmap[4 + 8 * i:12 + 8 * i])
        if (pid, eid) == (3, 1):
            break
    else:
        raise ValueError("no (3,1) cmap")
    t = cmap[off:]
    assert struct.unpack(">H", t[0:2])[0] == 4
    segx2 = struct.unpack(">H", t[6:8])[0]
    seg = segx2 // 2
    ends = struct.unpack(">%dH" % seg, t[14:14 + segx2])
    starts = struct.unpack(">%dH" % seg, t[16 + segx2:16 + 2 * segx2])
    deltas = struct.unpack(">%dh" % seg, t[16 + 2 * segx2:16 + 3 * segx2])
    ro_off = 16 + 3 * segx2
    ros = struct.unpack(">%dH" % seg, t[ro_off:ro_off + segx2])

    def look(cp):
        for s in range(seg):
            if starts[s] <= cp <= ends[s]:
                if ros[s] == 0:
                    return (cp + deltas[s]) & 0xFFFF
                p = ro_off + 2 * s + ros[s] + 2 * (cp - starts[s])
                g = struct.unpack(">H", t[p:p + 2])[0]
                return (g + deltas[s]) & 0xFFFF if g else 0
        return 0
    return look


def glyph_data(tb, gid):
    long_loca = struct.unpack(">h", tb[b"head"][50:52])[0] == 1
    loca = tb[b"loca"]
    if long_loca:
        a, b = struct.unpack(">II", loca[4 * gid:4 * gid + 8])
    else:
        a, b = (x * 2 for x in struct.unpack(">HH", loca[2 * gid:2 * gid + 4]))
    return tb[b"glyf"][a:b]


def components(g):
    """(offset of the glyph index field, gid) per component, and the end of
    the component records (instructions follow when flagged)."""
    out = []
    p = 10
    while True:
        flags, gid = struct.unpack(">HH", g[p:p + 4])
        out.append((p + 2, gid))
        p += 4
        p += 4 if flags & 1 else 2
        if flags & 8:
            p += 2
        elif flags & 0x40:
            p += 4
        elif flags & 0x80:
            p += 8
        if not flags & 0x20:
            return out, p, flags


def strip_glyph(g, remap):
    """Drops glyph programs; renumbers composite components."""
    if not g:
        return b""
    nc = struct.unpack(">h", g[0:2])[0]
    if nc >= 0:
        p = 10 + 2 * nc
        ilen = struct.unpack(">H", g[p:p + 2])[0]
        g = g[:p] + b"\0\0" + g[p + 2 + ilen:]
    else:
        comps, end, _ = components(g)
        g = bytearray(g[:end])
        for off, gid in comps:
            struct.pack_into(">H", g, off, remap[gid])
        # Clear WE_HAVE_INSTRUCTIONS on every component.
        p = 10
        while True:
            flags = struct.unpack(">H", g[p:p + 2])[0]
            struct.pack_into(">H", g, p, flags & ~0x100)
            if not flags & 0x20:
                break
            p += 4 + (4 if flags & 1 else 2)
            p += 2 if flags & 8 else 4 if flags & 0x40 else 8 if flags & 0x80 \
                else 0
        g = bytes(g)
    return g + b"\0" * (-len(g) % 4)


def cmap4(pairs, pid=3, eid=1):
    """A cmap with one (pid,eid) format 4 subtable: one segment per char."""
    pairs = sorted(pairs) + [(0xFFFF, 0)]
    seg = len(pairs)
    ends = [c for c, _ in pairs]
    deltas = [((g - c) & 0xFFFF) if c != 0xFFFF else 1 for c, g in pairs]
    es = 0
    while (1 << (es + 1)) <= seg:
        es += 1
    sr = 2 * (1 << es)
    body = struct.pack(">HHHH", seg * 2, sr, es, seg * 2 - sr)
    body += struct.pack(">%dH" % seg, *ends) + b"\0\0"
    body += struct.pack(">%dH" % seg, *ends)
    body += struct.pack(">%dH" % seg, *deltas)
    body += struct.pack(">%dH" % seg, *([0] * seg))
    sub = struct.pack(">HHH", 4, 6 + len(body), 0) + body
    return struct.pack(">HHHHI", 0, 1, pid, eid, 12) + sub


def name_table(name):
    count, soff = struct.unpack(">HH", name[2:6])
    recs = []
    for i in range(count):
        r = struct.unpack(">6H", name[6 + 12 * i:18 + 12 * i])
        if r[0] == 3 and r[2] == 0x409 and r[3] in (0, 1, 2, 3, 4, 5, 6):
            recs.append((r, name[soff + r[5]:soff + r[5] + r[4]]))
    data = b""
    out = b""
    for r, s in recs:
        out += struct.pack(">6H", r[0], r[1], r[2], r[3], len(s), len(data))
        data += s
    return struct.pack(">HHH", 0, len(recs), 6 + 12 * len(recs)) + out + data


def checksum(b):
    b = b + b"\0" * (-len(b) % 4)
    return sum(struct.unpack(">%dI" % (len(b) // 4), b)) & 0xFFFFFFFF


def write_sfnt(tb):
    tags = sorted(tb)
    n = len(tags)
    es = 0
    while (1 << (es + 1)) <= n:
        es += 1
    sr = 16 * (1 << es)
    head = struct.pack(">IHHHH", 0x00010000, n, sr, es, n * 16 - sr)
    off = 12 + 16 * n
    dirs, body = b"", b""
    for t in tags:
        d = tb[t]
        dirs += struct.pack(">4sIII", t, checksum(d), off + len(body), len(d))
        body += d + b"\0" * (-len(d) % 4)
    font = bytearray(head + dirs + body)
    # head.checkSumAdjustment makes the whole font sum to 0xB1B0AFBA.
    hoff = off + sum(len(tb[t]) + (-len(tb[t]) % 4)
                     for t in tags[:tags.index(b"head")])
    struct.pack_into(">I", font, hoff + 8,
                     (0xB1B0AFBA - checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def subset(path, text, symbol=False):
    """Returns (font bytes, {char: new gid}, [old gid per new gid]).
    symbol: the cmap is a (3,0) symbol cmap at U+F000 + the character."""
    font = open(path, "rb").read()
    tb = tables(font)
    look = cmap_lookup(tb[b"cmap"])
    chars = sorted(set(text))
    keep = {0}
    todo = [look(ord(c)) for c in chars]
    while todo:
        g = todo.pop()
        if g in keep and g != 0:
            continue
        keep.add(g)
        d = glyph_data(tb, g)
        if d and struct.unpack(">h", d[0:2])[0] < 0:
            todo.extend(gid for _, gid in components(d)[0] if gid not in keep)
    order = sorted(keep)
    remap = {o: i for i, o in enumerate(order)}
    glyf, loca = b"", []
    for o in order:
        loca.append(len(glyf))
        glyf += strip_glyph(glyph_data(tb, o), remap)
    loca.append(len(glyf))
    nhm = struct.unpack(">H", tb[b"hhea"][34:36])[0]
    hmtx = b""
    for o in order:
        i = min(o, nhm - 1)
        adv = struct.unpack(">H", tb[b"hmtx"][4 * i:4 * i + 2])[0]
        if o < nhm:
            lsb = struct.unpack(">h", tb[b"hmtx"][4 * o + 2:4 * o + 4])[0]
        else:
            p = 4 * nhm + 2 * (o - nhm)
            lsb = struct.unpack(">h", tb[b"hmtx"][p:p + 2])[0]
        hmtx += struct.pack(">Hh", adv, lsb)
    out = {t: tb[t] for t in KEEP if t in tb}
    out[b"glyf"] = glyf
    out[b"loca"] = struct.pack(">%dI" % len(loca), *loca)
    out[b"hmtx"] = hmtx
    hhea = bytearray(tb[b"hhea"])
    struct.pack_into(">H", hhea, 34, len(order))
    out[b"hhea"] = bytes(hhea)
    maxp = bytearray(tb[b"maxp"])
    struct.pack_into(">H", maxp, 4, len(order))
    if len(maxp) >= 32:
        struct.pack_into(">H", maxp, 26, 0)  # maxSizeOfInstructions
    out[b"maxp"] = bytes(maxp)
    head = bytearray(tb[b"head"])
    struct.pack_into(">I", head, 8, 0)
    struct.pack_into(">h", head, 50, 1)  # long loca
    out[b"head"] = bytes(head)
    out[b"post"] = struct.pack(">I", 0x00030000) + tb[b"post"][4:32]
    gids = {c: remap[look(ord(c))] for c in chars}
    if symbol:
        out[b"cmap"] = cmap4([(0xF000 + ord(c), g) for c, g in gids.items()],
                             3, 0)
    else:
        out[b"cmap"] = cmap4([(ord(c), g) for c, g in gids.items()])
    out[b"name"] = name_table(tb[b"name"])
    return write_sfnt(out), gids, order


def ttc(fonts):
    """A 'ttcf' 1.0 collection: each table directory moved by its font's
    offset in the file."""
    hdr = 12 + 4 * len(fonts)
    offs, pos = [], hdr
    for f in fonts:
        offs.append(pos)
        pos += len(f) + (-len(f) % 4)
    out = bytearray(b"ttcf" + struct.pack(">II", 0x00010000, len(fonts)))
    out += struct.pack(">%dI" % len(fonts), *offs)
    for f, o in zip(fonts, offs):
        f = bytearray(f)
        n = struct.unpack(">H", f[4:6])[0]
        for i in range(n):
            p = 12 + 16 * i + 8
            struct.pack_into(">I", f, p, struct.unpack(">I", f[p:p + 4])[0] + o)
        out += f + b"\0" * (-len(f) % 4)
    return bytes(out)


def obfuscate(font, guid):
    g = bytes.fromhex(guid.replace("-", ""))
    key = g[::-1]
    b = bytearray(font)
    for i in range(32):
        b[i] ^= key[i % 16]
    return bytes(b)


# --- pages ------------------------------------------------------------

def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace('"', "&quot;"))


def glyphs(font, x, y, size, text, fill="#FF000000", extra=""):
    return ('<Glyphs FontUri="%s" FontRenderingEmSize="%g" OriginX="%g" '
            'OriginY="%g" Fill="%s" UnicodeString="%s"%s/>'
            % (font, size, x, y, fill, esc(text), extra))


def package(fonts, body, w=480, h=320):
    p = xpsgen.Package()
    p.add_page(body, w, h)
    for name, data in fonts.items():
        p.add_resource(name, data)
    return p


def write(p, path, ttc_part=False):
    parts = p.parts()
    if ttc_part:  # xpsgen knows no .ttc content type: add it here
        ct = parts[0][1].replace(
            b"</Types>", b'<Default Extension="ttc" ContentType='
            b'"application/vnd.ms-opentype"/></Types>')
        parts[0] = (parts[0][0], ct)
    xpsgen.write_zip(path, parts)


def latin(out):
    text = ("The quick brown fox jumps over the lazy dog. 0123456789"
            "{}AVWaffix\u00e9\u00fc\ufb03")
    font, g, _ = subset(DEJAVU + "DejaVuSans.ttf", text)
    f = "/Resources/Fonts/sans.ttf"
    body = [
        glyphs(f, 10, 40, 24, "The quick brown fox"),
        glyphs(f, 10, 70, 16, "jumps over the lazy dog.", "#FF1F4E79"),
        glyphs(f, 10, 100, 12, "0123456789 \u00e9\u00fc", "#FFC00000"),
        # Explicit advances (1/100 em) and a u/v offset on the second glyph.
        '<Glyphs FontUri="%s" FontRenderingEmSize="28" OriginX="10" '
        'OriginY="150" Fill="#FF000000" UnicodeString="AVWa" '
        'Indices="%d,60;%d,70,0,15;%d;%d"/>' % (f, g["A"], g["V"], g["W"],
                                               g["a"]),
        # A (3:1) cluster: "ffi" drawn with the U+FB03 ligature glyph.
        '<Glyphs FontUri="%s" FontRenderingEmSize="28" OriginX="10" '
        'OriginY="200" Fill="#FF006000" UnicodeString="affix" '
        'Indices=";(3:1)%d"/>' % (f, g["\ufb03"]),
        # The {} escape: the text starts with a brace.
        glyphs(f, 10, 250, 20, "{}{fox}"),
        glyphs(f, 10, 300, 40, "Text", "#80000000"),
    ]
    write(package({f: font}, "\n".join(body)), os.path.join(out, "latin.xps"))


def rtl(out):
    heb = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"
    font, _, _ = subset(DEJAVU + "DejaVuSans.ttf", heb + "abc")
    f = "/Resources/Fonts/sans.ttf"
    body = [
        glyphs(f, 470, 60, 32, heb, extra=' BidiLevel="1"'),
        glyphs(f, 470, 120, 32, "abc", extra=' BidiLevel="1"'),
        glyphs(f, 10, 180, 32, heb),
        '<Path Data="M 470,20 V 200" Stroke="#FFFF0000"/>',
    ]
    write(package({f: font}, "\n".join(body)), os.path.join(out, "rtl.xps"))


def sideways(out):
    text = "Sideways ABC"
    font, _, _ = subset(DEJAVU + "DejaVuSans.ttf", text)
    f = "/Resources/Fonts/sans.ttf"
    body = [
        glyphs(f, 40, 20, 24, "ABC", extra=' IsSideways="true" '
               'RenderTransform="0,1,-1,0,80,0"'),
        glyphs(f, 100, 20, 24, "Sideways", extra=' IsSideways="true"'),
        glyphs(f, 100, 200, 24, "ABC"),
    ]
    write(package({f: font}, "\n".join(body)),
          os.path.join(out, "sideways.xps"))


def sims(out):
    """The same word in the four simulations: bold adds ink, italic only
    shears (same ink), so rows can be compared with each other."""
    word = "Simulation"
    font, _, _ = subset(DEJAVU + "DejaVuSans.ttf", word)
    f = "/Resources/Fonts/sans.ttf"
    body = [
        glyphs(f, 10, 50, 32, word),
        glyphs(f, 10, 110, 32, word, extra=' StyleSimulations='
               '"BoldSimulation"'),
        glyphs(f, 10, 170, 32, word, extra=' StyleSimulations='
               '"ItalicSimulation"'),
        glyphs(f, 10, 230, 32, word, extra=' StyleSimulations='
               '"BoldItalicSimulation"'),
    ]
    write(package({f: font}, "\n".join(body)), os.path.join(out, "sims.xps"))


def odttf(out):
    text = "Obfuscated font"
    font, _, _ = subset(DEJAVU + "DejaVuSerif.ttf", text)
    f = "/Resources/Fonts/%s.odttf" % GUID
    body = [glyphs(f, 10, 80, 40, text)]
    write(package({f: obfuscate(font, GUID)}, "\n".join(body)),
          os.path.join(out, "odttf.xps"))


def collection(out):
    text = "Sans face Serif face"
    a, _, _ = subset(DEJAVU + "DejaVuSans.ttf", text)
    b, _, _ = subset(DEJAVU + "DejaVuSerif.ttf", text)
    f = "/Resources/Fonts/pair.ttc"
    body = [glyphs(f + "#0", 10, 80, 40, "Sans face"),
            glyphs(f + "#1", 10, 160, 40, "Serif face")]
    write(package({f: ttc([a, b])}, "\n".join(body)),
          os.path.join(out, "ttc.xps"), ttc_part=True)


def effects(out):
    text = "Clipped Faded Turned Gradient Masked"
    font, _, _ = subset(DEJAVU + "DejaVuSans.ttf", text)
    f = "/Resources/Fonts/sans.ttf"
    body = [
        glyphs(f, 10, 60, 48, "Clipped", "#FF0000C0",
               ' Clip="M 10,20 H 200 V 45 H 10 Z"'),
        glyphs(f, 10, 130, 48, "Faded", "#FF000000", ' Opacity="0.4"'),
        '<Glyphs FontUri="%s" FontRenderingEmSize="36" OriginX="0" '
        'OriginY="0" UnicodeString="Turned" RenderTransform='
        '"0.866,-0.5,0.5,0.866,250,250"><Glyphs.Fill><SolidColorBrush '
        'Color="#FF008000"/></Glyphs.Fill></Glyphs>' % f,
        # Any brush fills text: a gradient, through the outline path.
        '<Glyphs FontUri="%s" FontRenderingEmSize="40" OriginX="10" '
        'OriginY="200" UnicodeString="Gradient"><Glyphs.Fill>'
        '<LinearGradientBrush MappingMode="Absolute" StartPoint="10,0" '
        'EndPoint="180,0"><LinearGradientBrush.GradientStops>'
        '<GradientStop Color="#FFFF0000" Offset="0"/><GradientStop '
        'Color="#FF0000FF" Offset="1"/></LinearGradientBrush.GradientStops>'
        '</LinearGradientBrush></Glyphs.Fill></Glyphs>' % f,
        # An opacity mask fading the text out to the right.
        '<Glyphs FontUri="%s" FontRenderingEmSize="40" OriginX="10" '
        'OriginY="280" UnicodeString="Masked" Fill="#FF000000">'
        '<Glyphs.OpacityMask><LinearGradientBrush MappingMode="Absolute" '
        'StartPoint="10,0" EndPoint="150,0"><LinearGradientBrush.'
        'GradientStops><GradientStop Color="#FF000000" Offset="0"/>'
        '<GradientStop Color="#00000000" Offset="1"/></LinearGradientBrush.'
        'GradientStops></LinearGradientBrush></Glyphs.OpacityMask>'
        '</Glyphs>' % f,
    ]
    write(package({f: font}, "\n".join(body)),
          os.path.join(out, "effects.xps"))


LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
         "eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim "
         "ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
         "aliquip ex ea commodo consequat. Duis aute irure dolor in "
         "reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla "
         "pariatur. Excepteur sint occaecat cupidatat non proident, sunt in "
         "culpa qui officia deserunt mollit anim id est laborum. 0123456789")


def page(out):
    """A Letter page: 62 lines of about 95 characters at 10 pt (13.33 px),
    alternating Sans and Serif, as a dense text page in print."""
    sans_f, _, _ = subset(DEJAVU + "DejaVuSans.ttf", LOREM)
    serif_f, _, _ = subset(DEJAVU + "DejaVuSerif.ttf", LOREM)
    fonts = {"/Resources/Fonts/sans.ttf": sans_f,
             "/Resources/Fonts/serif.ttf": serif_f}
    words = LOREM.split()
    body, w = [], 0
    for line in range(62):
        text = ""
        while len(text) < 95:
            text += words[w % len(words)] + " "
            w += 1
        f = sorted(fonts)[line % 2]
        body.append(glyphs(f, 48, 64 + line * 15.5, 13.333, text.strip()))
    write(package(fonts, "\n".join(body), 816, 1056),
          os.path.join(out, "page.xps"))


def symbol(out):
    """A font with only a (3,0) symbol cmap: characters map at U+F000+c."""
    text = "Symbol ABC"
    font, _, _ = subset(DEJAVU + "DejaVuSans.ttf", text, symbol=True)
    f = "/Resources/Fonts/symbol.ttf"
    write(package({f: font}, glyphs(f, 10, 80, 40, text)),
          os.path.join(out, "symbol.xps"))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    out = os.path.join(root, "text")
    os.makedirs(out, exist_ok=True)
    for gen in (latin, rtl, sideways, sims, odttf, collection, effects,
                symbol, page):
        gen(out)


if __name__ == "__main__":
    main()
