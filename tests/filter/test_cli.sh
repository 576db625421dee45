#!/bin/bash
# The xpsraster CLI: formats, output naming, stdout, exit codes, and one-line
# errors naming the part for each kind of bad input.
set -u
bin="$XR_BINARY_DIR/xpsraster"
corpus="$XR_SOURCE_DIR/corpus"
info="python3 $XR_SOURCE_DIR/tests/filter/pnginfo.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok - $what"; else echo "FAIL - $what"; fails=$((fails+1)); fi
}
expect_exit() { # code, command...
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  [ "$got" = "$want" ] || { echo "  exit $got, wanted $want"; cat "$tmp/err"; return 1; }
}

check "sample renders to two PNGs" expect_exit 0 "$bin" "$corpus/sample.xps" -o "$tmp/s-%d.png"
check "page 1 exists" test -s "$tmp/s-1.png"
check "page 2 exists" test -s "$tmp/s-2.png"
check "no page 3" test ! -e "$tmp/s-3.png"
check "letter size at 96 dpi" bash -c "[ \"\$($info $tmp/s-1.png | cut -d' ' -f1-2)\" = '816 1056' ]"
check "progress and page lines on stderr" bash -c "$bin $corpus/sample.xps -F null 2>&1 | grep -q '^PAGE: 2 1' && $bin $corpus/sample.xps -F null 2>&1 | grep -q '^INFO: Rendering page 2 of 2'"

check "square: dark centre, white corner" bash -c "
  $bin $corpus/basic/square.xps -o $tmp/sq.png -c gray &&
  [ \"\$($info $tmp/sq.png 100 100)\" = '200 200 8 0 0' ] &&
  [ \"\$($info $tmp/sq.png 5 5)\" = '200 200 8 0 255' ]"
check "-r 300 scales the page" bash -c "
  $bin $corpus/basic/square.xps -r 300 -o $tmp/sq300.png &&
  [ \"\$($info $tmp/sq300.png | cut -d' ' -f1-2)\" = '625 625' ]"
check "rgb PNG has colour type 2" bash -c "
  $bin $corpus/basic/colors.xps -o $tmp/c.png -c rgb &&
  [ \"\$($info $tmp/c.png 50 50)\" = '200 200 8 2 255,0,0' ]"

check "PNG without %d refuses a second page" expect_exit 2 "$bin" "$corpus/basic/multipage.xps" -o "$tmp/one.png"
check "PNG without %d: first page still written" test -s "$tmp/one.png"
check "PNG without %d is fine for one page" expect_exit 0 "$bin" "$corpus/basic/multipage.xps" -p 2 -o "$tmp/p2.png"

check "PGM pages follow one another in one stream" bash -c "
  $bin $corpus/basic/multipage.xps -F pgm -o $tmp/all.pgm &&
  [ \"\$(for o in 0 20015 40030; do tail -c +\$((o+1)) $tmp/all.pgm | head -c 2; done)\" = P5P5P5 ] &&
  [ \$(stat -c %s $tmp/all.pgm) = \$((3 * (15 + 200*100))) ]"
check "PAM to stdout" bash -c "
  $bin $corpus/basic/square.xps -F pam -o - > $tmp/sq.pam &&
  head -c 2 $tmp/sq.pam | grep -q P7 &&
  grep -a -q 'TUPLTYPE RGB' $tmp/sq.pam"
check "-F null writes nothing" bash -c "cd $tmp && mkdir nul && cd nul && $bin $corpus/sample.xps -F null 2>/dev/null && [ -z \"\$(ls)\" ]"
check "%03d page names" bash -c "$bin $corpus/basic/multipage.xps -o $tmp/m-%03d.pgm && test -s $tmp/m-003.pgm"
check "-p selects pages" bash -c "$bin $corpus/basic/multipage.xps -p 1,3 -o $tmp/r-%d.png && test -s $tmp/r-1.png && test ! -e $tmp/r-2.png && test -s $tmp/r-3.png"
check "two %d is a usage error" expect_exit 2 "$bin" "$corpus/sample.xps" -o "$tmp/%d-%d.png"
check "unknown format is a usage error" expect_exit 2 "$bin" "$corpus/sample.xps" -F gif -o x
check "--help" expect_exit 0 "$bin" --help
check "--version" bash -c "$bin --version | grep -q '^xpsraster '"

check "-F pwg writes a PWG raster stream" bash -c "
  $bin $corpus/basic/multipage.xps -F pwg -o $tmp/m.pwg 2>/dev/null &&
  [ \"\$(head -c 4 $tmp/m.pwg)\" = RaS2 ] &&
  [ \$(grep -a -c PwgRaster $tmp/m.pwg) -ge 1 ]"
check "-F cups writes a CUPS raster stream" bash -c "
  $bin $corpus/basic/square.xps -F cups -o - 2>/dev/null > $tmp/s.ras &&
  head -c 4 $tmp/s.ras | grep -q -E '^(RaS2|2SaR|RaS3|3SaR)$'"
check "-c mono writes a 1-bit PNG, black inside" bash -c "
  $bin $corpus/basic/square.xps -c mono -o $tmp/mono.png 2>/dev/null &&
  [ \"\$($info $tmp/mono.png 100 100)\" = '200 200 1 0 0' ] &&
  [ \"\$($info $tmp/mono.png 5 5)\" = '200 200 1 0 1' ]"
check "-c cmyk writes a CMYK PAM" bash -c "
  $bin $corpus/basic/square.xps -c cmyk -F pam -o $tmp/k.pam 2>/dev/null &&
  grep -a -q 'TUPLTYPE CMYK' $tmp/k.pam && grep -a -q 'DEPTH 4' $tmp/k.pam"
check "-c cmyk to PNG is a usage error" expect_exit 2 "$bin" "$corpus/sample.xps" -c cmyk -o "$tmp/x.png"
check "stdin renders the same pixels as the file" bash -c "
  $bin $corpus/sample.xps -F pam -o $tmp/file.pam 2>/dev/null &&
  cat $corpus/sample.xps | $bin - -F pam -o $tmp/pipe.pam 2>/dev/null &&
  cmp -s $tmp/file.pam $tmp/pipe.pam"
# Every corpus document, good or damaged: a pipe gives the same exit status
# and the same pixels as the file (issue 4), at a low resolution for speed.
pipe_parity() {
  local f bad=0
  while IFS= read -r f; do
    "$bin" "$f" -r 24 -F pam -o "$tmp/pf.pam" >/dev/null 2>&1; local a=$?
    "$bin" - -r 24 -F pam -o "$tmp/pp.pam" <"$f" >/dev/null 2>&1; local b=$?
    if [ "$a" != "$b" ]; then echo "  $f: file exit $a, pipe exit $b"; bad=1
    elif [ "$a" = 0 ] && ! cmp -s "$tmp/pf.pam" "$tmp/pp.pam"; then
      echo "  $f: pixels differ"; bad=1; fi
  done < <(find "$corpus" -name '*.xps' -o -name '*.oxps' | sort)
  return $bad
}
check "pipe and file agree on every corpus document" pipe_parity
check "-j 1 and -j 2 and band heights give the same bytes" bash -c "
  $bin $corpus/sample.xps -F pam -j 1 -o $tmp/j1.pam 2>/dev/null &&
  $bin $corpus/sample.xps -F pam -j 2 -B 7 -o $tmp/j2.pam 2>/dev/null &&
  cmp -s $tmp/j1.pam $tmp/j2.pam"

check "--media a5: letter pages scaled onto A5 raster pages, once-per-job notice" bash -c "
  $bin $corpus/sample.xps --media a5 -F pwg -o $tmp/a5.pwg 2>$tmp/a5.err &&
  python3 $XR_SOURCE_DIR/tests/filter/rastercheck.py $tmp/a5.pwg | grep -c 'w=559 h=794 .*name=iso_a5' | grep -q '^2$' &&
  [ \$(grep -c 'scaled to fit' $tmp/a5.err) = 1 ]"
check "--fit clip keeps full-size content, cropped onto the media" bash -c "
  $bin $corpus/sample.xps --media a5 --fit clip -F pwg -o $tmp/a5c.pwg 2>/dev/null &&
  python3 $XR_SOURCE_DIR/tests/filter/rastercheck.py $tmp/a5c.pwg | grep -q 'page 1 w=559 h=794'"
check "bad --media is a usage error" expect_exit 2 "$bin" "$corpus/sample.xps" --media 5x -F null

one_line_error() { # file, pattern, wanted exit
  "$bin" "$1" -o "$tmp/e-%d.png" >"$tmp/out" 2>"$tmp/err"; local got=$?
  [ "$got" = "$3" ] || { echo "  exit $got"; cat "$tmp/err"; return 1; }
  [ "$(grep -c '^ERROR: ' "$tmp/err")" = 1 ] || { cat "$tmp/err"; return 1; }
  grep '^ERROR: ' "$tmp/err" | grep -q -- "$2" || { cat "$tmp/err"; return 1; }
}
check "missing file" one_line_error "$tmp/nope.xps" "nope.xps" 1
check "not a ZIP" one_line_error "$corpus/bad/notzip.xps" "notzip.xps" 1
check "no _rels/.rels" one_line_error "$corpus/bad/norels.xps" "_rels/.rels" 1
rm -f "$tmp"/e-*.png
check "malformed XML names part and line" one_line_error "$corpus/bad/badxml.xps" "2.fpage:[0-9]" 1
check "pages before a bad page are written" test -s "$tmp/e-1.png"
check "the bad page is not" test ! -e "$tmp/e-2.png"
rm -f "$tmp"/e-*.png
"$bin" "$corpus/bad/badpath.xps" -o "$tmp/e-%d.png" >"$tmp/out" 2>"$tmp/err"; got=$?
check "bad path data: non-zero exit" test "$got" -ne 0
check "bad path data: message names part and line" grep -q -E '^(WARNING|ERROR): .*2\.fpage:[0-9]+' "$tmp/err"
check "bad path data: page 1 written" test -s "$tmp/e-1.png"

echo "$fails failure(s)"
[ "$fails" = 0 ]
