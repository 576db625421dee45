#!/usr/bin/env python3
"""Builds the fuzz seed corpora and the page harness's resource package
from corpus/ (run from anywhere; rewrites tests/fuzz/seeds/ and
tests/fuzz/page_env/). Everything is small: seeds are capped in size and
count so CI can run each harness over its whole seed set in seconds.

  seeds/pkg_zip, seeds/pkg_stream  every corpus package (<= 64 KiB)
  seeds/page                       every FixedPage in the corpus
  seeds/pathdata                   every Data= and Figures= value
  seeds/font                       0x00 + each font, 0x01 + Glyphs fields
  seeds/image                      each image and ICC profile, as is
  seeds/ticket                     each PrintTicket and DiscardControl part
  seeds/notify_wire                REPLY frames with valid payloads
  page_env/                        the union of the corpus resources, plus
                                   dictionaries that refer to themselves
"""
import hashlib
import os
import re
import shutil
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(ROOT, "corpus")
SEEDS = os.path.join(HERE, "seeds")
ENV = os.path.join(HERE, "page_env")

MAX_PKG = 64 * 1024
MAX_PART = 32 * 1024
MAX_PER_DIR = 300


def packages():
    out = []
    for d, _, files in os.walk(CORPUS):
        for f in sorted(files):
            if f.endswith((".xps", ".oxps")):
                out.append(os.path.join(d, f))
    return sorted(out)


class Seeds:
    def __init__(self, name):
        self.dir = os.path.join(SEEDS, name)
        self.seen = set()
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    def add(self, label, data):
        h = hashlib.sha1(data).hexdigest()
        if h in self.seen or len(self.seen) >= MAX_PER_DIR:
            return
        self.seen.add(h)
        label = re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("_")[:60]
        with open(os.path.join(self.dir, "%s-%s" % (label, h[:8])), "wb") as f:
            f.write(data)


def rel(p):
    return os.path.relpath(p, CORPUS)


def parts(path):
    """(name, bytes) of every readable entry; pieces are skipped."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return []
    out = []
    for i in z.infolist():
        if i.file_size > MAX_PART * 8:
            continue
        try:
            out.append((i.filename, z.read(i)))
        except Exception:  # corrupt entries are the point of some corpora
            pass
    return out


def is_page(name, data):
    return b"<FixedPage" in data[:2048]


def guid_key(name):
    """ODTTF key from the part name's GUID (ECMA-388 / XPS 1.0 9.1.7.3)."""
    g = re.sub(r"[^0-9A-Fa-f]", "", os.path.basename(name).split(".")[0])
    if len(g) != 32:
        return None
    b = bytes.fromhex(g)
    # GUID string order -> byte order used for the XOR key, reversed.
    return bytes(reversed(b))


def main():
    pkgs = packages()

    zips, streams = Seeds("pkg_zip"), Seeds("pkg_stream")
    for p in pkgs:
        data = open(p, "rb").read()
        if len(data) <= MAX_PKG:
            zips.add(rel(p), data)
            streams.add(rel(p), data)

    page, path, font, image, ticket = (Seeds(n) for n in
                                       ("page", "pathdata", "font", "image",
                                        "ticket"))
    env = {}
    for p in pkgs:
        for name, data in parts(p):
            low = name.lower()
            if is_page(name, data) and len(data) <= MAX_PART:
                page.add(rel(p) + "-" + os.path.basename(name), data)
                text = data.decode("utf-8", "replace")
                for m in re.finditer(r'\b(?:Data|Figures)="([^"{][^"]*)"',
                                     text):
                    path.add(rel(p), m.group(1).encode())
                for m in re.finditer(r"<Glyphs\b[^>]*>", text):
                    el = m.group(0)

                    def attr(a):
                        v = re.search(r'\b%s="([^"]*)"' % a, el)
                        return v.group(1) if v else ""
                    fields = [attr("Indices"), attr("UnicodeString"),
                              attr("BidiLevel"), attr("IsSideways")]
                    font.add("glyphs-" + rel(p),
                             b"\x01" + "\0".join(fields).encode())
            if low.endswith((".ttf", ".otf", ".ttc")):
                font.add(rel(p) + "-" + os.path.basename(name), b"\0" + data)
            if low.endswith(".odttf"):
                key = guid_key(name)
                if key and len(data) >= 32:
                    clear = bytearray(data)
                    for i in range(32):
                        clear[i] ^= key[i % 16]
                    font.add(rel(p) + "-odttf", b"\0" + bytes(clear))
            if low.endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff",
                             ".wdp", ".jxr")) and len(data) <= MAX_PART:
                image.add(rel(p) + "-" + os.path.basename(name), data)
            if low.endswith(".icc"):
                image.add(rel(p) + "-" + os.path.basename(name), data)
            if b"PrintTicket" in data[:512] or b"DiscardControl" in data[:512]:
                ticket.add(rel(p) + "-" + os.path.basename(name), data)
            if low.startswith("resources/") and len(data) <= MAX_PART and \
                    not low.endswith(".bin") and "big" not in low:
                # First corpus wins for a shared name (the fonts differ).
                env.setdefault(name, data)

    src = os.path.join(CORPUS, "image", "src")
    for f in sorted(os.listdir(src)):
        data = open(os.path.join(src, f), "rb").read()
        if f.endswith(".icc"):
            image.add("src-" + f, data)
        elif not f.endswith(".c") and len(data) <= MAX_PART:
            image.add("src-" + f, data)

    # Hand-written path data: every command, relative forms, arcs, odd
    # separators and the limits of the number grammar.
    for s in ["F1 M 0,0 L 10,0 10,10 Z", "F0 M0 0h10v10H0z",
              "M 10,10 C 20,0 30,20 40,10 S 60,0 70,10 Q 80,20 90,10",
              "m 5,5 l 1,1 c 1,1 2,2 3,3 q 1,1 2,2 s 1,1 2,2 z",
              "M 50,50 A 20,10 30 1 0 80,50 a 5,5 0 0 1 -10,0",
              "M 0,0 A 0,0 0 0 0 10,10 A 1e300,1e-300 45 1 1 0,0",
              "M1e308,1e308 L-1e308,-1e308", "M .5.5 L-.5-.5e-3",
              "M 1,2 3,4 5,6 7,8 Z M 9,9 H 1 V 2 h 3 v 4"]:
        path.add("hand", s.encode())

    wire = Seeds("notify_wire")
    answer = b"v=1\nkind=answer\nchoice=1\n"
    resp = (b'<?xml version="1.0" encoding="utf-8"?><asyncPrintUIResponse '
            b'xmlns="http://schemas.microsoft.com/2003/print/asyncui/v1/'
            b'response"><messageBoxUI><buttonClicked>OK</buttonClicked>'
            b'</messageBoxUI></asyncPrintUIResponse>')
    for label, payload in (("answer", answer), ("asyncui", resp),
                           ("empty", b"")):
        for split in (0, 7, 40):
            frame = struct.pack(">IBBHiQ16s", 32 + len(payload), 1, 4, 0, 0,
                                1, b"\x11" * 16) + payload
            wire.add("%s-%d" % (label, split), bytes([split]) + frame * 2)

    # The page harness's package: the corpus resources plus dictionaries
    # that refer to themselves and to each other.
    shutil.rmtree(ENV, ignore_errors=True)
    os.makedirs(ENV)
    ns = ('xmlns="http://schemas.microsoft.com/xps/2005/06" '
          'xmlns:x="http://schemas.microsoft.com/xps/2005/06/'
          'resourcedictionary-key"')
    env["Resources/self.dict"] = (
        '<ResourceDictionary %s Source="/Resources/self.dict">'
        '<SolidColorBrush x:Key="s" Color="#FF00FF00"/></ResourceDictionary>'
        % ns).encode()
    env["Resources/a.dict"] = (
        '<ResourceDictionary %s Source="/Resources/b.dict">'
        '<SolidColorBrush x:Key="a" Color="#FF0000FF"/></ResourceDictionary>'
        % ns).encode()
    env["Resources/b.dict"] = (
        '<ResourceDictionary %s Source="/Resources/a.dict">'
        '<VisualBrush x:Key="v" Viewbox="0,0,10,10" Viewport="0,0,10,10" '
        'ViewboxUnits="Absolute" ViewportUnits="Absolute" '
        'Visual="{StaticResource v}"/></ResourceDictionary>' % ns).encode()
    for name, data in sorted(env.items()):
        out = os.path.join(ENV, name)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            f.write(data)
    with open(os.path.join(ENV, "[Content_Types].xml"), "wb") as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://'
                b'schemas.openxmlformats.org/package/2006/content-types">'
                b'<Default Extension="fpage" ContentType="application/'
                b'vnd.ms-package.xps-fixedpage+xml"/></Types>')
    for d in sorted(os.listdir(SEEDS)):
        print("%-12s %3d seeds" % (d, len(os.listdir(os.path.join(SEEDS, d)))))
    print("page_env     %3d parts" % len(env))


if __name__ == "__main__":
    main()
