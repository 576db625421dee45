"""Generates corpus/vector/: one small document per vector-graphics feature
of issue 5 (geometry, arcs, strokes, opacity groups and masks, clips, edge
mode, gradients, visual brushes, resources, markup compatibility).

Each page draws the feature on the left and, where it helps, a reference
drawn another way on the right, so a person (or a pixel test) can compare.
Every document must render without errors in `mutool draw`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xpsgen  # noqa: E402

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W, H = 400, 300


def stops(*pairs):
    return "".join('<GradientStop Color="%s" Offset="%s"/>' % p
                   for p in pairs)


def linear(start, end, st, extra=""):
    return ('<LinearGradientBrush StartPoint="%s" EndPoint="%s" %s>'
            '<LinearGradientBrush.GradientStops>%s'
            '</LinearGradientBrush.GradientStops></LinearGradientBrush>'
            % (start, end, extra, st))


def radial(center, origin, rx, ry, st, extra=""):
    return ('<RadialGradientBrush Center="%s" GradientOrigin="%s" '
            'RadiusX="%s" RadiusY="%s" %s>'
            '<RadialGradientBrush.GradientStops>%s'
            '</RadialGradientBrush.GradientStops></RadialGradientBrush>'
            % (center, origin, rx, ry, extra, st))


def rect(x, y, w, h):
    return "M %g,%g L %g,%g %g,%g %g,%g Z" % (x, y, x + w, y, x + w, y + h,
                                              x, y + h)


def filled(data, brush):
    return '<Path Data="%s"><Path.Fill>%s</Path.Fill></Path>' % (data, brush)


def arcs():
    b = []
    # Abbreviated arcs: both sweep directions, large and small, rotated,
    # relative, and radii too small (scaled up).
    b.append('<Path Stroke="#000000" StrokeThickness="3" '
             'Data="M 20,60 A 40,40 0 0 1 100,60 A 40,40 0 0 0 180,60"/>')
    b.append('<Path Fill="#FF3060C0" '
             'Data="M 220,60 A 40,25 30 1 1 300,80 Z"/>')
    b.append('<Path Fill="#FFC03030" Stroke="#000000" '
             'Data="M 40,160 a 30,30 0 1 0 60,0 a 30,30 0 1 0 -60,0 Z"/>')
    b.append('<Path Stroke="#008000" StrokeThickness="2" '
             'Data="M 140,160 A 1,1 0 0 1 220,160"/>')
    # ArcSegment in a PathFigure.
    b.append('<Path Fill="#FFE0A000" Stroke="#000000"><Path.Data>'
             '<PathGeometry><PathFigure StartPoint="260,200" IsClosed="true">'
             '<ArcSegment Point="360,200" Size="50,30" RotationAngle="0" '
             'IsLargeArc="true" SweepDirection="Clockwise"/>'
             '</PathFigure></PathGeometry></Path.Data></Path>')
    return "".join(b)


def geometry():
    b = []
    b.append('<Path Fill="#FF4080FF" Stroke="#000000" StrokeThickness="2">'
             '<Path.Data><PathGeometry FillRule="NonZero">'
             '<PathFigure StartPoint="20,20" IsClosed="true">'
             '<PolyLineSegment Points="120,20 120,120"/>'
             '<PolyBezierSegment Points="100,140 40,140 20,120"/>'
             '</PathFigure>'
             '<PathFigure StartPoint="150,20" IsClosed="true">'
             '<PolyQuadraticBezierSegment Points="200,0 250,20 270,70 250,120"/>'
             '<PolyLineSegment Points="150,120" IsStroked="false"/>'
             '</PathFigure>'
             '<PathFigure StartPoint="300,20" IsFilled="false">'
             '<PolyLineSegment Points="380,20 380,120"/>'
             '</PathFigure></PathGeometry></Path.Data></Path>')
    # Even-odd vs non-zero on the same self-overlapping figure, and a
    # geometry Transform.
    star = "M 0,-40 L 24,32 -38,-12 38,-12 -24,32 Z"
    b.append('<Path Fill="#FF208020"><Path.Data><PathGeometry '
             'FillRule="EvenOdd" Figures="%s" Transform="1,0,0,1,80,220"/>'
             '</Path.Data></Path>' % star)
    b.append('<Path Fill="#FF208020"><Path.Data><PathGeometry '
             'FillRule="NonZero" Figures="%s">'
             '<PathGeometry.Transform><MatrixTransform '
             'Matrix="1.2,0,0,1.2,200,220"/></PathGeometry.Transform>'
             '</PathGeometry></Path.Data></Path>' % star)
    b.append('<Path Fill="#FF802080" Data="F1 %s" '
             'RenderTransform="0.8,0,0,0.8,320,220"/>' % star)
    return "".join(b)


def strokes():
    b = []
    caps = ["Flat", "Round", "Square", "Triangle"]
    for i, c in enumerate(caps):
        y = 30 + i * 30
        b.append('<Path Stroke="#FF000080" StrokeThickness="14" '
                 'StrokeStartLineCap="%s" StrokeEndLineCap="%s" '
                 'Data="M 30,%d L 150,%d"/>' % (c, c, y, y))
        b.append('<Path Stroke="#FFFF0000" StrokeThickness="1" '
                 'Data="M 30,%d L 150,%d"/>' % (y, y))
    joins = ["Miter", "Bevel", "Round"]
    for i, j in enumerate(joins):
        x = 190 + i * 70
        b.append('<Path Stroke="#FF006000" StrokeThickness="12" '
                 'StrokeLineJoin="%s" StrokeMiterLimit="4" '
                 'Data="M %d,120 L %d,40 %d,120"/>' % (j, x, x + 25, x + 50))
    b.append('<Path Stroke="#FF000000" StrokeThickness="6" '
             'StrokeDashArray="2 1 0.5 1" StrokeDashOffset="1" '
             'StrokeDashCap="Round" Data="M 30,170 L 370,170"/>')
    b.append('<Path Stroke="#FF000000" StrokeThickness="6" '
             'StrokeDashArray="3" StrokeDashCap="Triangle" '
             'Data="M 30,200 L 370,200"/>')
    b.append('<Path Stroke="#FF800000" StrokeThickness="4" '
             'StrokeDashArray="1 1" StrokeLineJoin="Round" '
             'Data="M 40,230 L 120,290 200,230 280,290 360,230"/>')
    # Hairline: far thinner than a pixel, must still show.
    b.append('<Path Stroke="#FF000000" StrokeThickness="0.01" '
             'Data="M 30,295 L 370,295"/>')
    return "".join(b)


def opacity_group():
    # Overlapping children of a half-transparent Canvas: the overlap must
    # look like the rest (a group), not darker (per-leaf alpha).
    return ('<Path Fill="#FF000000" Data="%s"/>'
            '<Canvas Opacity="0.5">'
            '<Path Fill="#FFFF0000" Data="%s"/>'
            '<Path Fill="#FFFF0000" Data="%s"/>'
            '</Canvas>'
            '<Path Fill="#FF0000FF" Stroke="#FF00FF00" StrokeThickness="20" '
            'Opacity="0.5" Data="%s"/>'
            % (rect(0, 140, 400, 20), rect(40, 40, 150, 150),
               rect(110, 110, 150, 150), rect(280, 60, 80, 80)))


def opacity_mask():
    mask = linear("20,0", "380,0", stops(("#00000000", "0"),
                                         ("#FF000000", "1")),
                  'MappingMode="Absolute"')
    return ('<Path Fill="#FF000000" Data="%s"/>'
            '<Path Fill="#FFFF8000" Data="%s"><Path.OpacityMask>%s'
            '</Path.OpacityMask></Path>'
            '<Canvas OpacityMask="#80000000">'
            '<Path Fill="#FF0060FF" Data="%s"/></Canvas>'
            % (rect(0, 90, 400, 20), rect(20, 20, 360, 150), mask,
               rect(20, 190, 360, 90)))


def clips():
    return ('<Canvas Clip="M 50,100 A 100,100 0 0 1 250,100 '
            'A 100,100 0 0 1 50,100 Z M 100,150 L 300,150 200,250 Z" '
            'RenderTransform="1,0,0,1,50,0">'
            '<Path Fill="#FF3080FF" Data="%s"/>'
            '<Path Fill="#FFFF3000" Clip="M 0,0 L 150,0 0,150 Z" '
            'Data="%s"/></Canvas>'
            '<Path Fill="#FF00A000"><Path.Clip><PathGeometry>'
            '<PathFigure StartPoint="10,10" IsClosed="true">'
            '<PolyLineSegment Points="40,10 25,290"/></PathFigure>'
            '</PathGeometry></Path.Clip><Path.Data><PathGeometry '
            'Figures="%s"/></Path.Data></Path>'
            % (rect(0, 0, 400, 300), rect(0, 0, 200, 200),
               rect(0, 0, 60, 300)))


def edge_mode():
    star = "M 100,20 L 150,180 20,80 180,80 50,180 Z"
    return ('<Canvas RenderOptions.EdgeMode="Aliased">'
            '<Path Fill="#FF000000" Data="F1 %s"/></Canvas>'
            '<Path Fill="#FF000000" Data="F1 %s" '
            'RenderTransform="1,0,0,1,200,0"/>' % (star, star))


def linear_spread():
    st = stops(("#FFFF0000", "0"), ("#FF0000FF", "1"))
    b = []
    for i, spread in enumerate(["Pad", "Reflect", "Repeat"]):
        # Edges on whole pixels at 48 dpi, so renderers agree on them.
        y = 10 + i * 90
        b.append(filled(rect(10, y, 380, 80),
                        linear("150,0", "250,0", st,
                               'SpreadMethod="%s" MappingMode="Absolute"'
                               % spread)))
    return "".join(b)


def linear_interp():
    st = stops(("#FFFF0000", "0"), ("#FF0000FF", "1"))
    b = []
    # The same stops blended in sRGB (top) and in linear scRGB (bottom):
    # the scRGB one is brighter in the middle.
    b.append(filled(rect(10, 10, 380, 80),
                    linear("10,0", "390,0", st, 'MappingMode="Absolute"')))
    b.append(filled(rect(10, 100, 380, 80),
                    linear("10,0", "390,0", st,
                           'MappingMode="Absolute" '
                           'ColorInterpolationMode="ScRgbLinearInterpolation"')))
    # Stops outside 0..1 shape the colours inside; equal offsets make a hard
    # edge; brush Opacity and Transform (a shear).
    b.append(filled(rect(10, 190, 380, 100),
                    linear("10,0", "390,0", stops(("#FFFF0000", "-0.5"),
                                                  ("#FF00FF00", "0.5"),
                                                  ("#FF0000FF", "0.5"),
                                                  ("#800000FF", "1.5")),
                           'MappingMode="Absolute" Opacity="0.8" '
                           'Transform="1,0,0.3,1,-60,0"')))
    return "".join(b)


def radial_gradients():
    st = stops(("#FFFFFF00", "0"), ("#FFFF0000", "0.5"), ("#FF000080", "1"))
    b = []
    b.append(filled(rect(10, 10, 180, 130),
                    radial("100,75", "100,75", "80", "50", st)))
    b.append(filled(rect(210, 10, 180, 130),
                    radial("300,75", "340,50", "60", "60", st,
                           'SpreadMethod="Reflect"')))
    b.append(filled(rect(10, 160, 180, 130),
                    radial("100,225", "85,225", "30", "20", st,
                           'SpreadMethod="Repeat"')))
    b.append(filled(rect(210, 160, 180, 130),
                    radial("300,225", "270,200", "90", "65", st,
                           'MappingMode="Absolute" '
                           'ColorInterpolationMode="ScRgbLinearInterpolation" '
                           'Transform="0.9,0.2,-0.2,0.9,75,-40"')))
    return "".join(b)


def visual_brushes():
    vis = ('<Canvas><Path Fill="#FF2060C0" Data="M 0,0 L 20,0 0,20 Z"/>'
           '<Path Fill="#FFE0A000" Data="M 20,20 L 20,8 8,20 Z"/></Canvas>')
    b = []
    for i, mode in enumerate(["None", "Tile", "FlipX", "FlipY", "FlipXY"]):
        x = 10 + (i % 3) * 130
        y = 10 + (i // 3) * 145
        b.append(filled(rect(x, y, 120, 135),
                        '<VisualBrush Viewbox="0,0,20,20" ViewboxUnits="Absolute"'
                        ' Viewport="%d,%d,30,30" ViewportUnits="Absolute" '
                        'TileMode="%s"><VisualBrush.Visual>%s'
                        '</VisualBrush.Visual></VisualBrush>'
                        % (x, y, mode, vis)))
    return "".join(b)


RES_KEY = "http://schemas.microsoft.com/xps/2005/06/resourcedictionary-key"


def resources_page():
    return ('<FixedPage.Resources><ResourceDictionary>'
            '<SolidColorBrush x:Key="red" Color="#FFC00000"/>'
            '<PathGeometry x:Key="box" Figures="M 0,0 L 80,0 80,80 0,80 Z"/>'
            '<MatrixTransform x:Key="move" Matrix="1,0,0,1,20,20"/>'
            '</ResourceDictionary></FixedPage.Resources>'
            '<Path Data="{StaticResource box}" Fill="{StaticResource red}" '
            'RenderTransform="{StaticResource move}"/>'
            '<Canvas RenderTransform="1,0,0,1,120,0"><Canvas.Resources>'
            '<ResourceDictionary>'
            '<SolidColorBrush x:Key="red" Color="#FF00A000"/>'
            '</ResourceDictionary></Canvas.Resources>'
            '<Path Data="{StaticResource box}" Fill="{StaticResource red}" '
            'RenderTransform="{StaticResource move}"/></Canvas>'
            '<Canvas RenderTransform="1,0,0,1,240,0"><Canvas.Resources>'
            '<ResourceDictionary Source="../../../Resources/shared.dict"/>'
            '</Canvas.Resources>'
            '<Path Data="{StaticResource tri}" Fill="{StaticResource blue}"/>'
            '</Canvas>')


SHARED_DICT = ('<ResourceDictionary xmlns="%s" xmlns:x="%s">'
               '<SolidColorBrush x:Key="blue" Color="#FF0040C0"/>'
               '<PathGeometry x:Key="tri" Figures="M 20,100 L 100,100 60,20 Z"/>'
               '</ResourceDictionary>\n' % (xpsgen.XPS_NS, RES_KEY))


def markup_compat():
    return ('<mc:AlternateContent xmlns:mc="%s" '
            'xmlns:future="urn:example:future">'
            '<mc:Choice Requires="future">'
            '<Path Fill="#FFFF0000" Data="%s"/></mc:Choice>'
            '<mc:Fallback><Path Fill="#FF00A000" Data="%s"/></mc:Fallback>'
            '</mc:AlternateContent>'
            '<Canvas xmlns:mc="%s" xmlns:v2="urn:example:v2" '
            'mc:Ignorable="v2" v2:Hint="1">'
            '<Path Fill="#FF0040C0" Data="%s"/></Canvas>'
            % (MC_NS, rect(20, 20, 150, 100), rect(20, 20, 150, 100), MC_NS,
               rect(200, 20, 150, 100)))


def transforms():
    return ('<Canvas><Canvas.RenderTransform>'
            '<MatrixTransform Matrix="0.866,0.5,-0.5,0.866,200,20"/>'
            '</Canvas.RenderTransform>'
            '<Path Fill="#FF2060C0" Data="%s"/>'
            '<Canvas RenderTransform="0.5,0,0,0.5,0,0">'
            '<Path Fill="#FFE0A000" Data="%s"><Path.RenderTransform>'
            '<MatrixTransform Matrix="1,0,0,1,20,20"/>'
            '</Path.RenderTransform></Path></Canvas></Canvas>'
            % (rect(0, 0, 120, 80), rect(0, 0, 120, 80)))


def colors():
    b = []
    cols = ["#FF0000", "#8000FF00", "sc#1,0,0,1", "sc#0.5,0.2140,0.2140,0.2140",
            "sc#1,0.5,0.5,0"]
    for i, c in enumerate(cols):
        b.append('<Path Fill="%s" Data="%s"/>' % (c, rect(10 + i * 75, 20, 70,
                                                           70)))
    b.append('<Path Data="%s"><Path.Fill><SolidColorBrush Color="#0000FF" '
             'Opacity="0.5"/></Path.Fill></Path>' % rect(10, 120, 380, 60))
    return "".join(b)


FEATURES = [
    ("arcs", arcs), ("geometry", geometry), ("strokes", strokes),
    ("opacity_group", opacity_group), ("opacity_mask", opacity_mask),
    ("clips", clips), ("edge_mode", edge_mode),
    ("linear_spread", linear_spread), ("linear_interp", linear_interp),
    ("radial_gradients", radial_gradients),
    ("visual_brushes", visual_brushes), ("resources", resources_page),
    ("markup_compat", markup_compat), ("transforms", transforms),
    ("colors", colors),
]


def main(out):
    d = os.path.join(out, "vector")
    os.makedirs(d, exist_ok=True)
    for name, fn in FEATURES:
        p = xpsgen.Package()
        p.add_page(fn(), W, H)
        if name == "resources":
            p.add_resource("/Resources/shared.dict", SHARED_DICT.encode())
            p.page_rels[0] = [("/Resources/shared.dict", xpsgen.RES_XPS)]
        p.write(os.path.join(d, name + ".xps"))
    # The same gradients in OpenXPS.
    p = xpsgen.Package(oxps=True)
    p.add_page(radial_gradients(), W, H)
    p.write(os.path.join(d, "radial_gradients.oxps"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.dirname(os.path.abspath(__file__)))
