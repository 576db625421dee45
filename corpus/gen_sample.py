"""Generates the bundled sample and the basic end-to-end documents.

corpus/sample.xps        two pages a person recognises (shapes, colours,
                         strokes, a rotated canvas, fill rules)
corpus/basic/*.xps|oxps  small pages with known pixels for the e2e tests
corpus/bad/*             broken packages for the error-path tests
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xpsgen  # noqa: E402


def star(cx, cy, r, fill, rule):
    pts = []
    for i in range(5):
        a = -math.pi / 2 + i * 4 * math.pi / 5
        pts.append("%.2f,%.2f" % (cx + r * math.cos(a), cy + r * math.sin(a)))
    return ('<Path Fill="%s" Data="F%d M %s L %s Z"/>'
            % (fill, rule, pts[0], " ".join(pts[1:])))


def circle(cx, cy, r, attrs):
    k = 0.5522847498 * r
    d = ("M %g,%g C %g,%g %g,%g %g,%g C %g,%g %g,%g %g,%g "
         "C %g,%g %g,%g %g,%g C %g,%g %g,%g %g,%g Z" % (
             cx + r, cy,
             cx + r, cy + k, cx + k, cy + r, cx, cy + r,
             cx - k, cy + r, cx - r, cy + k, cx - r, cy,
             cx - r, cy - k, cx - k, cy - r, cx, cy - r,
             cx + k, cy - r, cx + r, cy - k, cx + r, cy))
    return '<Path %s Data="%s"/>' % (attrs, d)


def sample(out):
    p = xpsgen.Package()
    body = []
    body.append('<Path Fill="#FF1F4E79" Data="M 0,0 H 816 V 120 H 0 Z"/>')
    # "XPS" in block letters built from path data (relative and absolute).
    body.append('<Canvas RenderTransform="1,0,0,1,96,24">'
                '<Path Fill="#FFFFFFFF" Data="M 0,0 l 20,0 l 20,30 l 20,-30 '
                'l 20,0 l -30,36 l 30,36 l -20,0 l -20,-30 l -20,30 l -20,0 '
                'l 30,-36 z"/>'
                '<Path Fill="#FFFFFFFF" Data="M 100,0 h 40 c 30,0 30,44 0,44 '
                'h -22 v 28 h -18 z M 118,14 v 16 h 20 c 10,0 10,-16 0,-16 z"/>'
                '<Path Fill="#FFFFFFFF" Data="M 240,8 C 224,-4 180,-4 180,20 '
                'C 180,44 226,34 226,52 C 226,66 196,64 184,56 L 178,68 '
                'C 200,80 244,76 244,50 C 244,26 198,34 198,20 '
                'C 198,8 222,10 234,18 Z"/></Canvas>')
    body.append('<Path Stroke="#FFFFFFFF" StrokeThickness="3" '
                'Data="M 400,60 Q 500,0 600,60 S 760,120 780,60"/>')
    body.append(circle(180, 300, 90, 'Fill="#FFE8A33D"'))
    body.append(circle(250, 330, 90, 'Fill="#80C0392B"'))
    body.append(star(560, 300, 110, "#FF27AE60", 0))
    body.append(star(560, 560, 110, "#FF8E44AD", 1))
    body.append('<Canvas RenderTransform="0.866,0.5,-0.5,0.866,200,480">'
                '<Path Fill="#FF2C3E50" Data="M 0,0 H 120 V 120 H 0 Z"/>'
                '<Canvas RenderTransform="1,0,0,1,40,40">'
                '<Path Fill="#FFF1C40F" Data="M 0,0 H 40 V 40 H 0 Z"/>'
                '</Canvas></Canvas>')
    for i in range(8):
        body.append('<Path Stroke="#FF34495E" StrokeThickness="%g" '
                    'Data="M 96,%d L 720,%d"/>' % (0.5 + i, 760 + i * 24,
                                                   760 + i * 24))
    body.append('<Path Stroke="#FFC0392B" StrokeThickness="6" '
                'Fill="#40C0392B" Data="M 96,980 L 300,960 L 500,1000 '
                'L 720,950"/>')
    p.add_page("\n".join(body))
    body = []
    for r in range(10):
        for c in range(8):
            color = "#FF%02X%02X%02X" % (25 * r, 30 * c, 200 - 15 * r)
            body.append('<Path Fill="%s" Data="M %d,%d h 80 v 80 h -80 z"/>'
                        % (color, 88 + c * 82, 100 + r * 82))
    body.append('<Canvas RenderTransform="1,0,0,1,408,528">'
                + circle(0, 0, 200, 'Stroke="#FF000000" StrokeThickness="8"')
                + '</Canvas>')
    p.add_page("\n".join(body))
    p.write(os.path.join(out, "sample.xps"))


SQUARE = '<Path Fill="#FF000000" Data="M 50,50 H 150 V 150 H 50 Z"/>'


def basic(out):
    d = os.path.join(out, "basic")
    os.makedirs(d, exist_ok=True)

    def one(name, body, oxps=False, w=200, h=200):
        p = xpsgen.Package(oxps=oxps)
        p.add_page(body, w, h)
        p.write(os.path.join(d, name))

    one("square.xps", SQUARE)
    one("square.oxps", SQUARE, oxps=True)
    # Rotate 90 degrees clockwise about the page: (x, y) -> (200 - y, x).
    one("rotated.xps", '<Canvas RenderTransform="0,1,-1,0,200,0">'
        '<Path Fill="#FF000000" Data="M 20,20 H 60 V 60 H 20 Z"/></Canvas>')
    one("nested.xps", '<Canvas RenderTransform="1,0,0,1,100,0">'
        '<Canvas><Canvas.RenderTransform><MatrixTransform '
        'Matrix="1,0,0,1,0,100"/></Canvas.RenderTransform>'
        '<Path Fill="#FF000000" Data="M 10,10 h 40 v 40 h -40 z"/>'
        '</Canvas></Canvas>')
    one("fillrule.xps", star(50, 100, 45, "#FF000000", 0)
        + star(150, 100, 45, "#FF000000", 1))
    one("colors.xps", '<Path Fill="#FFFF0000" Data="M 0,0 H 100 V 100 H 0 Z"/>'
        '<Path Fill="#FF0000FF" Data="M 100,0 H 200 V 100 H 100 Z"/>'
        '<Path Fill="#80000000" Data="M 0,100 H 100 V 200 H 0 Z"/>'
        '<Path Fill="sc#1,0.2140,0.2140,0.2140" '
        'Data="M 100,100 H 200 V 200 H 100 Z"/>')
    one("stroke.xps", '<Path Stroke="#FF000000" StrokeThickness="10" '
        'Data="M 20,100 L 180,100"/>'
        '<Path Stroke="#FF000000" StrokeThickness="0.1" '
        'Data="M 20,150 L 180,150"/>')
    one("relative.xps", '<Path Fill="#FF000000" '
        'Data="m 50,50 h 100 v 100 h -100 z m 25,25 v 50 h 50 v -50 z"/>')
    p = xpsgen.Package()
    for i in range(3):
        p.add_page('<Path Fill="#FF000000" Data="M %d,10 h 20 v 20 h -20 z"/>'
                   % (10 + 40 * i), 200, 100)
    p.write(os.path.join(d, "multipage.xps"))


def bad(out):
    d = os.path.join(out, "bad")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "notzip.xps"), "wb") as f:
        f.write(b"This is not a ZIP archive, just text.\n" * 4)
    p = xpsgen.Package()
    p.add_page(SQUARE, 200, 200)
    parts = [x for x in p.parts() if x[0] != "_rels/.rels"]
    xpsgen.write_zip(os.path.join(d, "norels.xps"), parts)
    # Page 1 fine; page 2 breaks at its line 4 (unclosed element).
    p = xpsgen.Package()
    p.add_page(SQUARE, 200, 200)
    p.add_page('<Path Fill="#FF000000" Data="M 0,0 H 10 V 10 Z"/>\n'
               '<Canvas>\n<Path Fill="#FF000000" Data="M 0,0 H 5 V 5 Z">\n'
               '</Canvas>', 200, 200)
    p.write(os.path.join(d, "badxml.xps"))
    p = xpsgen.Package()
    p.add_page(SQUARE, 200, 200)
    p.add_page('<Path Fill="#FF000000" Data="M 10,10 L 20,zz Z"/>', 200, 200)
    p.write(os.path.join(d, "badpath.xps"))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    sample(out)
    basic(out)
    bad(out)
