"""Package-layer test documents: good and bad ZIP packages, interleaved
pieces, data descriptors, ZIP64, hostile archives. Run by corpus/generate;
writes into <corpus>/pkg/. Deterministic output."""
import io
import os
import struct
import sys
import zipfile
import warnings
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xpsgen  # noqa: E402

warnings.filterwarnings("ignore", "Duplicate name")

SQUARE = ('<Path Fill="#FF000000" Data="M 96,96 L 288,96 L 288,288 '
          'L 96,288 Z"/>')


def simple(oxps=False, pages=1, docs=1):
    p = xpsgen.Package(oxps=oxps)
    for d in range(docs):
        for i in range(pages):
            p.add_page(SQUARE.replace("96,96", "%d,96" % (96 + i)),
                       width=816, height=1056 + d, doc=d)
    return p


# Packages no reader should accept (pkg/bad/), and packages that break OPC
# rules real producers break too, which we accept and MuPDF does not
# (pkg/quirks/). Everything else in pkg/ is valid XPS.
BAD = {"notzip.xps", "norels.xps", "badxml-fdoc.xps", "dtd.xps",
       "nopage.xps", "pieces-missing.xps", "pieces-dup.xps",
       "pieces-nolast.xps", "pieces-range.xps", "bomb.xps", "crc.xps",
       "mismatch.xps", "outside.xps", "truncated.xps", "overlap.xps",
       "method.xps", "encrypted.xps", "storedsize.xps"}
QUIRKS = {"names.xps", "pieces-bs.xps"}


def dest(out, name):
    sub = "bad" if name in BAD else "quirks" if name in QUIRKS else ""
    os.makedirs(os.path.join(out, sub), exist_ok=True)
    return os.path.join(out, sub, name)


def write(out, name, parts, compress=zipfile.ZIP_DEFLATED):
    xpsgen.write_zip(dest(out, name), parts, compress)


def raw_zip(entries, dd=False, dd_sig=True, zip64=False, cd=True,
            method=8, dd_sizes=False):
    """A ZIP written by hand. entries: (name, data). dd: sizes in a data
    descriptor after the data (flag bit 3); zip64: ZIP64 extras and
    descriptors even though the sizes are small."""
    out = bytearray()
    central = []
    for name, data in entries:
        nb = name.encode()
        if method == 8:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp = c.compress(data) + c.flush()
        else:
            comp = data
        crc = zlib.crc32(data) & 0xFFFFFFFF
        off = len(out)
        flags = 0x8 if dd else 0
        if zip64:
            extra = struct.pack("<HHQQ", 1, 16,
                                0 if dd else len(data), 0 if dd else len(comp))
            hs = hc = 0xFFFFFFFF
        else:
            extra = b""
            hs, hc = (0, 0) if dd and not dd_sizes else (len(data), len(comp))
        hcrc = 0 if dd and not dd_sizes else crc
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 45 if zip64 else 20,
                           flags, method, 0, 0x5021, hcrc, hc, hs, len(nb),
                           len(extra))
        out += nb + extra + comp
        if dd:
            if dd_sig:
                out += struct.pack("<I", 0x08074b50)
            if zip64:
                out += struct.pack("<IQQ", crc, len(comp), len(data))
            else:
                out += struct.pack("<III", crc, len(comp), len(data))
        central.append((nb, crc, len(comp), len(data), off, flags))
    cd_off = len(out)
    for nb, crc, cs, us, off, flags in central:
        if zip64:
            extra = struct.pack("<HHQQQ", 1, 24, us, cs, off)
            c32 = u32 = o32 = 0xFFFFFFFF
        else:
            extra = b""
            c32, u32, o32 = cs, us, off
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, flags,
                           method, 0, 0x5021, crc, c32, u32, len(nb),
                           len(extra), 0, 0, 0, 0, o32)
        out += nb + extra
    cd_size = len(out) - cd_off
    if not cd:
        return bytes(out[:cd_off])
    if zip64:
        e64 = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0,
                           len(central), len(central), cd_size, cd_off)
        out += struct.pack("<IIQI", 0x07064b50, 0, e64, 1)
        out += struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 0xFFFF, 0xFFFF,
                           0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(central),
                           len(central), cd_size, cd_off, 0)
    return bytes(out)


def split_pieces(parts, name, n, order=None, backslash=False):
    """Replaces part name by n interleaved pieces, stored in order."""
    out = []
    for pn, data in parts:
        if pn != name:
            out.append((pn, data))
            continue
        size = (len(data) + n - 1) // n
        pieces = []
        for i in range(n):
            last = i == n - 1
            chunk = data[i * size:(i + 1) * size] if not last else \
                data[i * size:]
            sep = "\\" if backslash else "/"
            pieces.append(("%s%s[%d].%spiece" % (
                pn if not backslash else pn.replace("/", "\\"), sep, i,
                "last." if last else ""), chunk))
        for i in (order if order is not None else range(n)):
            out.append(pieces[i])
    return out


def main(out):
    out = os.path.join(out, "pkg")
    os.makedirs(out, exist_ok=True)
    page = "Documents/1/Pages/1.fpage"
    simple().write(os.path.join(out, "good.xps"))
    simple(oxps=True).write(os.path.join(out, "good.oxps"))
    simple(pages=3, docs=2).write(os.path.join(out, "multidoc.xps"))
    simple().write(os.path.join(out, "stored.xps"), zipfile.ZIP_STORED)
    with open(dest(out, "notzip.xps"), "wb") as f:
        f.write(b"This is not a ZIP archive.\n" * 4)
    parts = [p for p in simple().parts() if p[0] != "_rels/.rels"]
    write(out, "norels.xps", parts)
    parts = [(n, d.replace(b"</FixedDocument>",
                           b"\n\n<PageContent Source='x'></Fixed>\n")
              if n.endswith(".fdoc") else d) for n, d in simple().parts()]
    write(out, "badxml-fdoc.xps", parts)
    parts = [(n, (b"<!DOCTYPE x [<!ENTITY a 'b'>]>\n" + d)
              if n.endswith(".fdseq") else d) for n, d in simple().parts()]
    write(out, "dtd.xps", parts)
    parts = [(n, d) for n, d in simple().parts() if not n.endswith(".fpage")]
    write(out, "nopage.xps", parts)
    # Names as producers write them: upper case, percent-encoded, '\'.
    parts = [(n.replace("Documents/1/Pages", "DOCUMENTS\\1\\Pages%20X")
              if n.endswith(".fpage") else n, d) for n, d in simple().parts()]
    parts = [(n, d.replace(b"Pages/1.fpage", b"Pages%20X/1.fpage")
              .replace(b"Pages%20X", b"pages X")) if n.endswith(".fdoc")
             else (n, d) for n, d in parts]
    write(out, "names.xps", parts)
    # Interleaved pieces.
    base = simple().parts()
    write(out, "pieces.xps", split_pieces(base, page, 5, [3, 0, 4, 2, 1]))
    write(out, "pieces-bs.xps", split_pieces(base, page, 4, backslash=True))
    write(out, "pieces-one.xps", split_pieces(base, page, 1))
    # Empty pieces are allowed: one in the middle, and an empty last one.
    data = dict(base)[page]
    half = len(data) // 2
    empty = [(n, d) for n, d in base if n != page] + [
        (page + "/[0].piece", data[:half]), (page + "/[1].piece", b""),
        (page + "/[2].piece", data[half:]), (page + "/[3].last.piece", b"")]
    write(out, "pieces-empty.xps", empty)
    write(out, "pieces-empty-stored.xps", empty, zipfile.ZIP_STORED)
    ps = split_pieces(base, page, 4)
    write(out, "pieces-missing.xps", [p for p in ps if "[2].piece" not in
                                      p[0]])
    dup = [p for p in ps if p[0].endswith("[1].piece")]
    write(out, "pieces-dup.xps", ps + dup)
    write(out, "pieces-nolast.xps",
          [p for p in ps if ".last.piece" not in p[0]])
    write(out, "pieces-range.xps", ps + [(page + "/[9].piece", b"x")])
    # Hand-made ZIPs for the stream reader's cases.
    with open(os.path.join(out, "dd-sig.xps"), "wb") as f:
        f.write(raw_zip(base, dd=True))
    with open(os.path.join(out, "dd-nosig.xps"), "wb") as f:
        f.write(raw_zip(base, dd=True, dd_sig=False))
    with open(os.path.join(out, "zip64.xps"), "wb") as f:
        f.write(raw_zip(base, zip64=True))
    with open(os.path.join(out, "zip64-dd.xps"), "wb") as f:
        f.write(raw_zip(base, dd=True, zip64=True))
    with open(os.path.join(out, "stored-dd.xps"), "wb") as f:
        f.write(raw_zip(base, dd=True, method=0))
    # A descriptor, and the sizes in the local header all the same.
    with open(os.path.join(out, "stored-dd-sizes.xps"), "wb") as f:
        f.write(raw_zip(base, dd=True, method=0, dd_sizes=True))
    hostile(out, base)
    # Structure parts in UTF-16 with a byte order mark, as some producers
    # write them.
    def utf16(n, d):
        if n.endswith((".fdseq", ".fdoc", ".rels")):
            d = d.replace(b'encoding="utf-8"', b'encoding="utf-16"')
            return "\ufeff".encode("utf-16-le") + d.decode().encode(
                "utf-16-le")
        return d
    write(out, "utf16.xps", [(n, utf16(n, d)) for n, d in base])
    # Three pages; only the second has relationships, stored after it.
    p = simple(pages=3)
    p.page_rels[1] = [("../../../Resources/r.bin", xpsgen.RES_XPS)]
    p.add_resource("/Resources/r.bin", b"required resource")
    p.write(os.path.join(out, "pagerels.xps"))
    # The same package unpacked into a directory, and a lone page.
    for name, data in base:
        path = os.path.join(out, "unpacked", *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    os.makedirs(os.path.join(out, "lone"), exist_ok=True)
    with open(os.path.join(out, "lone", "page.fpage"), "wb") as f:
        f.write(xpsgen.page_xml(SQUARE).encode())
    with open(os.path.join(out, "lone", "res.bin"), "wb") as f:
        f.write(b"resource beside a lone page")


def cd_offset(data):
    return struct.unpack("<I", data[-6:-2])[0]


def hostile(out, base):
    """Archives that must end in an error naming the entry and offset."""
    page = "Documents/1/Pages/1.fpage"

    def put(name, data):
        with open(dest(out, name), "wb") as f:
            f.write(data)

    # A zip bomb: 4 MiB of zeros deflate to about 4 KiB (ratio above 1000).
    put("bomb.xps", raw_zip(base + [("Resources/zeros.bin",
                                     b"\0" * (4 << 20))]))
    # CRC mismatch: the same wrong CRC in the local and central headers.
    good = raw_zip(base)
    data = dict(base)[page]
    crc = struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)
    assert good.count(crc) == 2
    put("crc.xps", good.replace(crc, struct.pack("<I", (zlib.crc32(data) ^ 1)
                                                 & 0xFFFFFFFF)))
    # Local header name disagrees with the central directory.
    cd = cd_offset(good)
    put("mismatch.xps", good[:cd] + good[cd:].replace(
        page.encode(), page.replace("1.fpage", "2.fpage").encode()))
    # The last entry's local header offset points outside the file.
    last = good.rfind(b"PK\x01\x02")
    bad = bytearray(good)
    bad[last + 42:last + 46] = struct.pack("<I", 0x7FFF0000)
    put("outside.xps", bytes(bad))
    # Truncated in the middle of the page's data.
    at = good.find(page.encode()) + len(page) + 20
    put("truncated.xps", good[:at])
    # Overlapping entries: a stored entry whose data is another complete
    # entry, and a central directory listing both.
    inner = raw_zip([("Resources/inner.bin", b"inner data" * 10)], method=0)
    inner_local = inner[:cd_offset(inner)]
    outer_parts = base + [("Resources/outer.bin", inner_local)]
    z = raw_zip(outer_parts, method=0)
    start = z.find(inner_local)
    assert start > 0
    icd = inner[cd_offset(inner):inner.find(b"PK\x05\x06")]
    icd = bytearray(icd)
    icd[42:46] = struct.pack("<I", start)
    zcd = cd_offset(z)
    eocd = z.find(b"PK\x05\x06", zcd)
    n = len(outer_parts) + 1
    cd_size = eocd - zcd + len(icd)
    put("overlap.xps", z[:eocd] + bytes(icd) + struct.pack(
        "<IHHHHIIH", 0x06054b50, 0, 0, n, n, cd_size, zcd, 0))
    # The page compressed with a method nobody reads (17, reserved), and
    # the page marked encrypted.
    other = raw_zip(base, method=0)
    at = other.find(page.encode())
    loc = other.rfind(b"PK\x03\x04", 0, at)
    cen = other.find(page.encode(), cd_offset(other)) - 46
    bad = bytearray(other)
    bad[loc + 8:loc + 10] = struct.pack("<H", 17)
    bad[cen + 10:cen + 12] = struct.pack("<H", 17)
    put("method.xps", bytes(bad))
    bad = bytearray(other)
    bad[loc + 6:loc + 8] = struct.pack("<H", 1)
    bad[cen + 8:cen + 10] = struct.pack("<H", 1)
    put("encrypted.xps", bytes(bad))
    # A stored page whose uncompressed size is declared 10 bytes short of
    # its data, in both headers.
    bad = bytearray(other)
    size = struct.unpack("<I", bytes(bad[loc + 22:loc + 26]))[0]
    bad[loc + 22:loc + 26] = struct.pack("<I", size - 10)
    bad[cen + 24:cen + 28] = struct.pack("<I", size - 10)
    put("storedsize.xps", bytes(bad))
    # Content types with a Default and an Override, an unknown part and an
    # unknown relationship type, both to be ignored.
    parts = []
    for n_, d in base:
        if n_ == "[Content_Types].xml":
            d = d.replace(b"</Types>", b'<Override PartName="/Documents/1/'
                          b'Pages/1.FPAGE" ContentType="application/x-test"/>'
                          b"</Types>")
        if n_ == "_rels/.rels":
            d = d.replace(b"</Relationships>", b'<Relationship Id="R9" '
                          b'Type="http://example.com/unknown" Target="/x.bin"'
                          b'/></Relationships>')
        parts.append((n_, d))
    parts.append(("x.bin", b"unknown part"))
    parts.append(("Misc/readme.txt", b"not XPS"))
    write(out, "ctypes.xps", parts)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.dirname(os.path.abspath(__file__)))
