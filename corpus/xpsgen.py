"""Small library for writing XPS and OpenXPS test packages.

Every generator in corpus/gen_*.py builds documents with it, so the
package plumbing ([Content_Types].xml, _rels, the document sequence) is
written in one place. Output is deterministic: fixed timestamps, sorted
inputs, so regenerating the corpus gives byte-identical files.
"""
import io
import zipfile

XPS_NS = "http://schemas.microsoft.com/xps/2005/06"
OXPS_NS = "http://schemas.openxps.org/oxps/v1.0"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
START_XPS = "http://schemas.microsoft.com/xps/2005/06/fixedrepresentation"
START_OXPS = "http://schemas.openxps.org/oxps/v1.0/fixedrepresentation"
RES_XPS = "http://schemas.microsoft.com/xps/2005/06/required-resource"
RES_OXPS = "http://schemas.openxps.org/oxps/v1.0/required-resource"

CT_FDSEQ = "application/vnd.ms-package.xps-fixeddocumentsequence+xml"
CT_FDOC = "application/vnd.ms-package.xps-fixeddocument+xml"
CT_FPAGE = "application/vnd.ms-package.xps-fixedpage+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"

DATE = (2020, 1, 1, 0, 0, 0)


def page_xml(body, width=816, height=1056, oxps=False, extra_ns=""):
    """A FixedPage part with the given inner markup (page units 1/96 in)."""
    ns = OXPS_NS if oxps else XPS_NS
    return ('<FixedPage xmlns="%s" xmlns:x="http://schemas.microsoft.com/'
            'xps/2005/06/resourcedictionary-key" Width="%s" Height="%s" '
            'xml:lang="en-US"%s>\n%s\n</FixedPage>\n'
            % (ns, width, height, extra_ns, body))


class Package:
    """Collects parts, then writes a ZIP. Pages are (markup, w, h) tuples.

    resources: {part_name: bytes}, written as-is, with a content type from
    their extension. page_rels: {page_index: [(target, type)]}.
    """

    def __init__(self, oxps=False):
        self.oxps = oxps
        self.docs = [[]]
        self.resources = {}
        self.page_rels = {}
        self.extra_parts = []  # (name, bytes) written verbatim, in order

    def add_page(self, body, width=816, height=1056, doc=0):
        while len(self.docs) <= doc:
            self.docs.append([])
        self.docs[doc].append((body, width, height))
        return sum(len(d) for d in self.docs) - 1

    def add_resource(self, name, data):
        self.resources[name] = data

    def parts(self):
        """Returns the ordered list of (part name, bytes)."""
        ns = OXPS_NS if self.oxps else XPS_NS
        start = START_OXPS if self.oxps else START_XPS
        out = []
        exts = {"fpage": CT_FPAGE, "fdoc": CT_FDOC, "fdseq": CT_FDSEQ,
                "rels": CT_RELS, "ttf": "application/vnd.ms-opentype",
                "odttf": "application/vnd.ms-package.obfuscated-opentype",
                "png": "image/png", "jpg": "image/jpeg", "tif": "image/tiff",
                "wdp": "image/vnd.ms-photo", "dict": "application/"
                "vnd.ms-package.xps-resourcedictionary+xml",
                "icc": "application/vnd.ms-color.iccprofile",
                "xml": "application/xml"}
        ct = ('<?xml version="1.0" encoding="utf-8"?>\n<Types xmlns="%s">'
              % CT_NS)
        for e, t in sorted(exts.items()):
            ct += '<Default Extension="%s" ContentType="%s"/>' % (e, t)
        ct += "</Types>\n"
        out.append(("[Content_Types].xml", ct.encode()))
        out.append(("_rels/.rels", (
            '<?xml version="1.0" encoding="utf-8"?>\n<Relationships '
            'xmlns="%s"><Relationship Id="R0" Type="%s" '
            'Target="/FixedDocSeq.fdseq"/></Relationships>\n'
            % (REL_NS, start)).encode()))
        seq = '<FixedDocumentSequence xmlns="%s">' % ns
        for d in range(len(self.docs)):
            seq += ('<DocumentReference Source="Documents/%d/FixedDoc.fdoc"/>'
                    % (d + 1))
        seq += "</FixedDocumentSequence>\n"
        out.append(("FixedDocSeq.fdseq", seq.encode()))
        index = 0
        for d, pages in enumerate(self.docs):
            fdoc = '<FixedDocument xmlns="%s">' % ns
            for p, (body, w, h) in enumerate(pages):
                fdoc += ('<PageContent Source="Pages/%d.fpage" Width="%s" '
                         'Height="%s"/>' % (p + 1, w, h))
            fdoc += "</FixedDocument>\n"
            out.append(("Documents/%d/FixedDoc.fdoc" % (d + 1),
                        fdoc.encode()))
            for p, (body, w, h) in enumerate(pages):
                name = "Documents/%d/Pages/%d.fpage" % (d + 1, p + 1)
                out.append((name, page_xml(body, w, h, self.oxps).encode()))
                rels = self.page_rels.get(index)
                if rels:
                    r = ('<?xml version="1.0" encoding="utf-8"?>\n'
                         '<Relationships xmlns="%s">' % REL_NS)
                    for i, (target, typ) in enumerate(rels):
                        r += ('<Relationship Id="R%d" Type="%s" Target="%s"/>'
                              % (i, typ, target))
                    r += "</Relationships>\n"
                    out.append(("Documents/%d/Pages/_rels/%d.fpage.rels"
                                % (d + 1, p + 1), r.encode()))
                index += 1
        for name in sorted(self.resources):
            out.append((name.lstrip("/"), self.resources[name]))
        out.extend(self.extra_parts)
        return out

    def write(self, path, compress=zipfile.ZIP_DEFLATED):
        write_zip(path, self.parts(), compress)


def write_zip(path, parts, compress=zipfile.ZIP_DEFLATED):
    """Writes (name, bytes) parts to a deterministic ZIP file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
