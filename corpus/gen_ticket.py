"""Documents carrying PrintTickets (job, document and page level),
DiscardControl, and a broken document, for the print-path tests.

Writes corpus/ticket/*.xps|*.oxps. Each file's expected behaviour is in
corpus/ticket/README.md (written here too), which the tests follow.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xpsgen  # noqa: E402

PSF = "http://schemas.microsoft.com/windows/2003/08/printing/printschemaframework"
PSK = "http://schemas.microsoft.com/windows/2003/08/printing/printschemakeywords"
PT_XPS = "http://schemas.microsoft.com/xps/2005/06/printticket"
PT_OXPS = "http://schemas.openxps.org/oxps/v1.0/printticket"
DC_XPS = "http://schemas.microsoft.com/xps/2005/06/discard-control"


def ticket(*features, params=()):
    """A PrintTicket with the given Feature snippets and (name, value)
    ParameterInits."""
    out = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<psf:PrintTicket xmlns:psf="%s" xmlns:psk="%s" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xmlns:xsd="http://www.w3.org/2001/XMLSchema" version="1">\n'
           % (PSF, PSK))
    out += "".join(features)
    for name, value in params:
        out += ('<psf:ParameterInit name="psk:%s"><psf:Value '
                'xsi:type="xsd:integer">%d</psf:Value></psf:ParameterInit>\n'
                % (name, value))
    out += "</psf:PrintTicket>\n"
    return out.encode()


def option(feature, opt, props=()):
    body = "".join('<psf:ScoredProperty name="psk:%s"><psf:Value '
                   'xsi:type="xsd:integer">%d</psf:Value>'
                   '</psf:ScoredProperty>' % p for p in props)
    name = ' name="psk:%s"' % opt if opt else ""
    return ('<psf:Feature name="psk:%s"><psf:Option%s>%s</psf:Option>'
            '</psf:Feature>\n' % (feature, name, body))


def media(name, w_um, h_um):
    return option("PageMediaSize", name,
                  (("MediaSizeWidth", w_um), ("MediaSizeHeight", h_um)))


def resolution(dpi):
    return option("PageResolution", None,
                  (("ResolutionX", dpi), ("ResolutionY", dpi)))


def rels(*entries):
    r = ('<?xml version="1.0" encoding="utf-8"?>\n<Relationships '
         'xmlns="%s">' % xpsgen.REL_NS)
    for i, (target, typ) in enumerate(entries):
        r += ('<Relationship Id="T%d" Type="%s" Target="%s"/>'
              % (i, typ, target))
    return (r + "</Relationships>\n").encode()


def body(label):
    """A recognisable page: a black bar at the top, a red square, and a
    gray band whose width depends on label (so pages differ)."""
    return ('<Path Data="M 0,0 L 816,0 816,48 0,48 Z" Fill="#000000"/>\n'
            '<Path Data="M 96,96 L 396,96 396,396 96,396 Z" Fill="#FF0000"/>\n'
            '<Path Data="M 96,480 L %d,480 %d,560 96,560 Z" Fill="#808080"/>'
            % (96 + 60 * label, 96 + 60 * label))


def job_ticket_doc(path):
    """Job ticket: A4, 150 dpi, grayscale, 2 copies, long-edge duplex."""
    p = xpsgen.Package()
    for i in range(2):
        p.add_page(body(i + 1))
    p.extra_parts.append(("Metadata/Job_PT.xml", ticket(
        media("ISOA4", 210000, 297000), resolution(150),
        option("PageOutputColor", "Grayscale"),
        option("JobDuplexAllDocumentsContiguously", "TwoSidedLongEdge"),
        params=(("JobCopiesAllDocuments", 2),))))
    p.extra_parts.append(("_rels/FixedDocSeq.fdseq.rels",
                          rels(("/Metadata/Job_PT.xml", PT_XPS))))
    p.write(path)


def levels_doc(path):
    """Job ticket 100 dpi + Letter; document 1 ticket: 2 copies of its
    pages; page 2 ticket: landscape on A5. Document 2 has one page and no
    ticket. Job-level features in lower tickets must be ignored."""
    p = xpsgen.Package()
    p.add_page(body(1), doc=0)
    p.add_page(body(2), width=1056, height=816, doc=0)
    p.add_page(body(3), doc=1)
    p.extra_parts.append(("Metadata/Job_PT.xml", ticket(
        media("NorthAmericaLetter", 215900, 279400), resolution(100))))
    p.extra_parts.append(("_rels/FixedDocSeq.fdseq.rels",
                          rels(("/Metadata/Job_PT.xml", PT_XPS))))
    p.extra_parts.append(("Documents/1/Metadata/Doc_PT.xml", ticket(
        params=(("DocumentCopiesAllPages", 2), ("JobCopiesAllDocuments", 7)))))
    p.extra_parts.append(("Documents/1/_rels/FixedDoc.fdoc.rels",
                          rels(("Metadata/Doc_PT.xml", PT_XPS))))
    p.resources["/Documents/1/Metadata/Page2_PT.xml"] = ticket(
        option("PageOrientation", "Landscape"),
        media("ISOA5", 148000, 210000))
    p.page_rels[1] = [("../Metadata/Page2_PT.xml", PT_XPS)]
    p.write(path)


def oxps_doc(path):
    """OpenXPS: ticket through the OpenXPS relationship type: monochrome,
    3 copies, 75 dpi."""
    p = xpsgen.Package(oxps=True)
    p.add_page(body(1))
    p.extra_parts.append(("Metadata/Job_PT.xml", ticket(
        resolution(75), option("PageOutputColor", "Monochrome"),
        params=(("JobCopiesAllDocuments", 3),))))
    p.extra_parts.append(("_rels/FixedDocSeq.fdseq.rels",
                          rels(("/Metadata/Job_PT.xml", PT_OXPS))))
    p.write(path)


def mixed_doc(path):
    """Per-page resolution and colour: job ticket 100 dpi colour, copies
    uncollated; page 2's ticket asks for 50 dpi grayscale, so the filter
    renders it in a pass of its own."""
    p = xpsgen.Package()
    for i in range(3):
        p.add_page(body(i + 1))
    p.extra_parts.append(("Metadata/Job_PT.xml", ticket(
        resolution(100), option("JobCollateAllDocuments", "Uncollated"))))
    p.extra_parts.append(("_rels/FixedDocSeq.fdseq.rels",
                          rels(("/Metadata/Job_PT.xml", PT_XPS))))
    p.resources["/Documents/1/Metadata/Page2_PT.xml"] = ticket(
        resolution(50), option("PageOutputColor", "Grayscale"))
    p.page_rels[1] = [("../Metadata/Page2_PT.xml", PT_XPS)]
    p.write(path)


def stream_ticket_doc(path):
    """Tickets stored ahead of what they apply to, as a streaming consumer
    needs them: job 100 dpi grayscale; page 2 landscape (page ticket);
    document 2 (page 3) landscape (document ticket). Nothing needs a pass of
    its own, so a piped job prints the same as the file."""
    p = xpsgen.Package()
    p.add_page(body(1), doc=0)
    p.add_page(body(2), doc=0)
    p.add_page(body(3), doc=1)
    p.resources["/Documents/1/Metadata/Page2_PT.xml"] = ticket(
        option("PageOrientation", "Landscape"))
    p.page_rels[1] = [("../Metadata/Page2_PT.xml", PT_XPS)]
    early = {
        "FixedDocSeq.fdseq": [
            ("_rels/FixedDocSeq.fdseq.rels",
             rels(("/Metadata/Job_PT.xml", PT_XPS))),
            ("Metadata/Job_PT.xml", ticket(
                resolution(100), option("PageOutputColor", "Grayscale")))],
        "Documents/2/FixedDoc.fdoc": [
            ("Documents/2/_rels/FixedDoc.fdoc.rels",
             rels(("Metadata/Doc_PT.xml", PT_XPS))),
            ("Documents/2/Metadata/Doc_PT.xml", ticket(
                option("PageOrientation", "Landscape")))]}
    parts = p.parts()
    moved = {"Documents/1/Metadata/Page2_PT.xml",
             "Documents/1/Pages/_rels/2.fpage.rels"}
    out = []
    for name, data in parts:
        if name in moved:
            continue
        if name == "Documents/1/Pages/2.fpage":
            out.extend((n, d) for n, d in parts if n in moved)
        out.append((name, data))
        out.extend(early.get(name, []))
    xpsgen.write_zip(path, out)


def bad_ticket_doc(path, data):
    p = xpsgen.Package()
    p.add_page(body(1))
    p.extra_parts.append(("Metadata/Job_PT.xml", data))
    p.extra_parts.append(("_rels/FixedDocSeq.fdseq.rels",
                          rels(("/Metadata/Job_PT.xml", PT_XPS))))
    p.write(path)


def discard_doc(path):
    """DiscardControl: the image-free page resources named after page 1."""
    p = xpsgen.Package()
    p.add_page(body(1))
    p.add_page(body(2))
    dc = ('<DiscardControl xmlns="%s"><Discard SentinelPage='
          '"/Documents/1/Pages/1.fpage" Target="/Documents/1/Pages/1.fpage"/>'
          '</DiscardControl>\n' % DC_XPS).encode()
    parts = p.parts()
    out = []
    for name, data in parts:
        if name == "_rels/.rels":
            data = rels(("/FixedDocSeq.fdseq", xpsgen.START_XPS),
                        ("/Discard/dc.xml", DC_XPS))
        out.append((name, data))
    out.append(("Discard/dc.xml", dc))
    xpsgen.write_zip(path, out)


def discard_stream_doc(path):
    """DiscardControl stored first, then a 256 KiB resource that only page
    1 needs, named with page 1 itself after page 1: a stream can free both
    once page 1 is done."""
    p = xpsgen.Package()
    p.add_page(body(1))
    p.add_page(body(2))
    dc = ('<DiscardControl xmlns="%s">'
          '<Discard SentinelPage="/Documents/1/Pages/1.fpage" '
          'Target="/Resources/big.bin"/>'
          '<Discard SentinelPage="/Documents/1/Pages/1.fpage" '
          'Target="/Documents/1/Pages/1.fpage"/>'
          '</DiscardControl>\n' % DC_XPS).encode()
    # Compresses about 33:1, well inside the ZIP_RATIO limit.
    big = bytes((i * 131 + (i >> 7) * 17) & 255 for i in range(256 * 1024))
    out = []
    for name, data in p.parts():
        if name == "_rels/.rels":
            data = rels(("/FixedDocSeq.fdseq", xpsgen.START_XPS),
                        ("/Discard/dc.xml", DC_XPS))
            out.append((name, data))
            out.append(("Discard/dc.xml", dc))
            continue
        if name == "Documents/1/Pages/1.fpage":
            out.append(("Resources/big.bin", big))
        out.append((name, data))
    xpsgen.write_zip(path, out)


def broken_doc(path):
    """Page 2 is not well-formed XML: rendering must stop with an error
    naming the part."""
    p = xpsgen.Package()
    p.add_page(body(1))
    p.add_page('<Path Data="M 0,0 L 10,10" Fill="#000000">\n<Oops>')
    p.write(path)


README = """# corpus/ticket

Generated by `corpus/gen_ticket.py`; do not edit. Expected results:

| file | pages rendered | settings from the tickets |
|---|---|---|
| job_ticket.xps | 2 x 2 copies = 4 | A4, 150 dpi, gray, long-edge duplex |
| levels.xps | doc1 (p1,p2) x 2 + doc2 (p3) = 5 | 100 dpi, Letter; p2 landscape on A5 |
| oxps_ticket.oxps | 1 x 3 copies = 3 | 75 dpi, monochrome |
| mixed.xps | 3 | 100 dpi colour, uncollated copies; p2 50 dpi gray |
| stream_ticket.xps | 3 | tickets stored first: 100 dpi gray; p2 (page ticket) and p3 (doc 2 ticket) landscape |
| bad_ticket.xps | 1 | ticket malformed: warning, defaults |
| foreign_ticket.xps | 1 | ticket not a PrintTicket: warning, defaults |
| discard.xps | 2 | DiscardControl: page 1 part after page 1 |
| discard_stream.xps | 2 | DiscardControl first: /Resources/big.bin (256 KiB) and page 1 after page 1 |
| broken.xps | 1, then error | page 2 is malformed XML |
"""


def main():
    out = os.path.join(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.dirname(os.path.abspath(__file__)), "ticket")
    os.makedirs(out, exist_ok=True)
    job_ticket_doc(os.path.join(out, "job_ticket.xps"))
    levels_doc(os.path.join(out, "levels.xps"))
    oxps_doc(os.path.join(out, "oxps_ticket.oxps"))
    mixed_doc(os.path.join(out, "mixed.xps"))
    stream_ticket_doc(os.path.join(out, "stream_ticket.xps"))
    bad_ticket_doc(os.path.join(out, "bad_ticket.xps"),
                   ticket(option("PageOrientation", "Landscape"))[:-40])
    bad_ticket_doc(os.path.join(out, "foreign_ticket.xps"),
                   b'<?xml version="1.0"?><Ticket xmlns="urn:other">'
                   b'<Copies>5</Copies></Ticket>')
    discard_doc(os.path.join(out, "discard.xps"))
    discard_stream_doc(os.path.join(out, "discard_stream.xps"))
    broken_doc(os.path.join(out, "broken.xps"))
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(README)


if __name__ == "__main__":
    main()
