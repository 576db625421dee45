#!/bin/bash
# Text through the CLI: every corpus/text document renders with exit 0 and
# no warning; a document with a missing and a truncated font part renders
# with exit 3, one WARNING per bad part naming it, and the text drawn with
# the fallback font.
set -eu
export PYTHONDONTWRITEBYTECODE=1 # gen_text is imported from the source tree
src=${XR_SOURCE_DIR:?} bin=${XR_BINARY_DIR:?}
cli=$bin/xpsraster
[ -x "$cli" ] || { echo "no $cli (build the xpsraster target)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xr-text-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for doc in "$src"/corpus/text/*.xps; do
  name=$(basename "$doc" .xps)
  if ! "$cli" --notify cups -r 150 -F pgm -o "$tmp/$name.pgm" "$doc" \
      2>"$tmp/$name.err"; then
    echo "FAIL: $name exited non-zero"; cat "$tmp/$name.err"; exit 1
  fi
  if grep -q '^WARNING:\|^ERROR:' "$tmp/$name.err"; then
    echo "FAIL: $name warned"; cat "$tmp/$name.err"; exit 1
  fi
done

# Text pixels do not depend on threads or band height (the glyph cache is
# shared by the band threads; masks are keyed, not band-dependent).
page=$src/corpus/text/page.xps
"$cli" --notify cups -r 200 -j 1 -B 7 -F pgm -o "$tmp/p1.pgm" "$page" 2>/dev/null
"$cli" --notify cups -r 200 -j 3 -B 64 -F pgm -o "$tmp/p3.pgm" "$page" 2>/dev/null
cmp "$tmp/p1.pgm" "$tmp/p3.pgm" ||
  { echo "FAIL: page.xps differs between -j 1 -B 7 and -j 3 -B 64"; exit 1; }

# A page using a missing font, a truncated font and a good one.
python3 - "$src" "$tmp/bad.xps" <<'PY'
import sys
sys.path.insert(0, sys.argv[1] + "/corpus")
import gen_text
good = "/Resources/Fonts/sans.ttf"
font, _, _ = gen_text.subset(gen_text.DEJAVU + "DejaVuSans.ttf", "Fallback")
body = "\n".join([
    gen_text.glyphs("/Resources/Fonts/none.ttf", 10, 50, 30, "Fallback"),
    gen_text.glyphs("/Resources/Fonts/cut.ttf", 10, 120, 30, "Fallback"),
    gen_text.glyphs("/Resources/Fonts/none.ttf", 10, 190, 30, "Fallback"),
    gen_text.glyphs(good, 10, 260, 30, "Fallback")])
p = gen_text.package({good: font, "/Resources/Fonts/cut.ttf": font[:300]},
                     body)
gen_text.write(p, sys.argv[2])
PY
rc=0
"$cli" --notify cups -F pgm -o "$tmp/bad.pgm" "$tmp/bad.xps" 2>"$tmp/bad.err" \
  || rc=$?
cat "$tmp/bad.err"
[ "$rc" = 3 ] || { echo "FAIL: exit $rc, want 3 (warnings)"; exit 1; }
[ "$(grep -c '^WARNING: /Resources/Fonts/none.ttf' "$tmp/bad.err")" = 1 ] ||
  { echo "FAIL: want one warning for none.ttf"; exit 1; }
[ "$(grep -c '^WARNING: /Resources/Fonts/cut.ttf' "$tmp/bad.err")" = 1 ] ||
  { echo "FAIL: want one warning for cut.ttf"; exit 1; }
grep -q 'used by /Documents/1/Pages/1.fpage line 2' "$tmp/bad.err" ||
  { echo "FAIL: the warning does not say where the font is used"; exit 1; }
# Every row has ink: the fallback drew the text of the bad fonts.
python3 - "$tmp/bad.pgm" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
head, px = d.split(b"\n", 3)[:3], d.split(b"\n", 3)[3]
w, h = map(int, head[1].split())
for base in (50, 120, 190, 260):
    ink = sum(255 - px[y * w + x] for y in range(base - 25, base + 5)
              for x in range(w))
    if ink < 255 * 300:
        sys.exit("FAIL: no text on the row at y=%d (ink %d)" % (base, ink))
print("rows drawn")
PY
echo PASS
