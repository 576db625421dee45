#!/bin/bash
# xpstoraster run directly as cupsd would run it (filter(7)): arguments,
# stdin, FINAL_CONTENT_TYPE, PPD, option precedence, exit codes, SIGTERM
# and SIGPIPE. The output is checked with tests/filter/rastercheck.py.
set -u
SRC=${XR_SOURCE_DIR:?}
BIN=${XR_BINARY_DIR:?}
F="$BIN/xpstoraster"
CHECK="python3 $SRC/tests/filter/rastercheck.py"
D="$SRC/corpus/ticket"
T=$(mktemp -d /tmp/xr-x2r.XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0
fail() {
  echo "FAIL: $*"
  FAILS=$((FAILS + 1))
}
[ -x "$F" ] || {
  echo "FAIL: $F not built"
  exit 1
}

# run NAME [ENV=..] -- ARGS...: output in $T/NAME.out, stderr $T/NAME.err,
# rastercheck in $T/NAME.txt, status in RC.
run() {
  local name=$1
  shift
  local envs=()
  while [ "$1" != -- ]; do
    envs+=("$1")
    shift
  done
  shift
  env "${envs[@]}" "$F" "$@" >"$T/$name.out" 2>"$T/$name.err"
  RC=$?
  $CHECK "$T/$name.out" >"$T/$name.txt" 2>&1
}

pages_are() {
  grep -q "^pages $2\$" "$T/$1.txt" || fail "$1: want $2 pages: $(cat "$T/$1.txt")"
}
page_has() {
  local name=$1 page=$2 line
  shift 2
  line=$(grep "^page $page " "$T/$name.txt")
  for kv in "$@"; do
    echo " $line " | grep -q " $kv " || fail "$name page $page: want $kv in '$line'"
  done
}

# Usage errors: exit 1, a message, no output.
"$F" >/dev/null 2>"$T/usage.err"
[ $? = 1 ] || fail "no arguments: want exit 1"
grep -q "Usage:" "$T/usage.err" || fail "no usage message"
run badcopies -- 1 u t x "" "$D/levels.xps"
[ $RC = 1 ] || fail "copies 'x': want exit 1, got $RC"
run missing -- 1 u t 1 "" "$T/nope.xps"
[ $RC = 1 ] || fail "missing file: want exit 1, got $RC"
grep -q "^ERROR: .*nope.xps" "$T/missing.err" || fail "missing file: no ERROR line"

# File argument vs stdin give the same raster.
run file FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "" "$D/job_ticket.xps"
[ $RC = 0 ] || fail "file: exit $RC: $(cat "$T/file.err")"
pages_are file 4
env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 1 "" <"$D/job_ticket.xps" \
  >"$T/stdin.out" 2>"$T/stdin.err" || fail "stdin: exit $?"
cmp -s "$T/file.out" "$T/stdin.out" || fail "stdin output differs from file output"
[ -z "$(ls "${TMPDIR:-/tmp}"/xpstoraster-* 2>/dev/null)" ] ||
  fail "stdin spool file left behind"
grep -q "^PAGE: " "$T/file.err" || fail "no PAGE: lines"
grep -q "^ATTR: job-media-progress=" "$T/file.err" || fail "no progress"

# A pipe on stdin is rendered as it arrives (no spool file): page 1 comes
# out while the end of the document is still held back, and the result is
# the file argument's, pixel for pixel.
S="$D/stream_ticket.xps"
run sfile FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "" "$S"
[ $RC = 0 ] || fail "sfile: exit $RC"
cut=$(python3 -c 'import sys, zipfile
print(zipfile.ZipFile(sys.argv[1]).getinfo("Documents/2/FixedDoc.fdoc").header_offset)' "$S")
mkfifo "$T/fifo"
env FINAL_CONTENT_TYPE=image/pwg-raster TMPDIR="$T/spool" "$F" 1 u t 1 "" \
  <"$T/fifo" >"$T/fifo.out" 2>"$T/fifo.err" &
fpid=$!
mkdir -p "$T/spool"
exec 3>"$T/fifo"
head -c "$cut" "$S" >&3
for _ in $(seq 200); do
  grep -q "^PAGE: 1 " "$T/fifo.err" 2>/dev/null && break
  sleep 0.05
done
grep -q "^PAGE: 1 " "$T/fifo.err" ||
  fail "stream: no page before the end of the input: $(cat "$T/fifo.err")"
kill -0 $fpid 2>/dev/null || fail "stream: filter ended before its input did"
grep -q "^PAGE: 3 " "$T/fifo.err" && fail "stream: page 3 out before it arrived"
[ -s "$T/fifo.out" ] || fail "stream: no raster bytes before the end of the input"
[ -z "$(ls -A "$T/spool")" ] || fail "stream: stdin was spooled: $(ls "$T/spool")"
tail -c +"$((cut + 1))" "$S" >&3
exec 3>&-
wait $fpid
rc=$?
[ $rc = 0 ] || fail "stream: exit $rc: $(cat "$T/fifo.err")"
cmp -s "$T/sfile.out" "$T/fifo.out" || fail "stream output differs from file output"
$CHECK "$T/fifo.out" >"$T/fifo.txt" 2>&1
pages_are fifo 3
page_has fifo 2 dpi=100x100 bpp=8 w=1100
page_has fifo 3 dpi=100x100 bpp=8 w=1100
# cat | filter gives the same too.
cat "$S" | env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 1 "" >"$T/cat.out" 2>"$T/cat.err" ||
  fail "cat | filter: exit $?"
cmp -s "$T/sfile.out" "$T/cat.out" || fail "cat | filter differs from file output"

# SIGTERM while a piped job waits for input, then the pipe closes (cupsd
# stops the filters before us): the pages out stay a valid stream, exit 0.
mkfifo "$T/fifo2"
env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 1 "" \
  <"$T/fifo2" >"$T/sterm.out" 2>"$T/sterm.err" &
fpid=$!
exec 3>"$T/fifo2"
head -c "$cut" "$S" >&3
for _ in $(seq 200); do
  grep -q "^PAGE: 1 " "$T/sterm.err" 2>/dev/null && break
  sleep 0.05
done
kill -TERM $fpid
sleep 0.2
exec 3>&-
wait $fpid
rc=$?
[ $rc = 0 ] || fail "streamed SIGTERM: want exit 0, got $rc: $(cat "$T/sterm.err")"
$CHECK "$T/sterm.out" >"$T/sterm.txt" 2>&1 || fail "streamed SIGTERM: raster stream broken"
n=$(sed -n 's/^pages //p' "$T/sterm.txt")
[ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le 2 ] || fail "streamed SIGTERM: want 1 or 2 pages, got '$n'"
grep -q "^INFO: Cancelled after" "$T/sterm.err" || fail "streamed SIGTERM: no cancel message"

# What a stream cannot do is said, not silently dropped: a page ticket's
# other resolution (mixed.xps page 2) and a job ticket stored after the
# pages. The pages still come out, at the job's settings.
cat "$D/mixed.xps" | env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 1 "" \
  >"$T/smixed.out" 2>"$T/smixed.err"
[ $? = 0 ] || fail "streamed mixed: exit $?"
$CHECK "$T/smixed.out" >"$T/smixed.txt" 2>&1
pages_are smixed 3
page_has smixed 2 dpi=300x300 bpp=24
[ "$(grep -c "^WARNING: Page 2 asks for another resolution" "$T/smixed.err")" = 1 ] ||
  fail "streamed mixed: want one pass warning: $(cat "$T/smixed.err")"
grep -q "^WARNING: The job's PrintTicket comes after the first page" "$T/smixed.err" ||
  fail "streamed mixed: no late job ticket warning"
# Copies the filter must render need passes: a piped job is spooled then.
cat "$S" | env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 2 "" >"$T/scopies.out" 2>"$T/scopies.err" ||
  fail "streamed copies: exit $?"
$CHECK "$T/scopies.out" >"$T/scopies.txt" 2>&1
pages_are scopies 6
# DiscardControl on a stream: parts are forgotten, the job still prints.
cat "$D/discard_stream.xps" | env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 1 "Resolution=20" \
  >"$T/sdiscard.out" 2>"$T/sdiscard.err" || fail "streamed discard: exit $?"
$CHECK "$T/sdiscard.out" >"$T/sdiscard.txt" 2>&1
pages_are sdiscard 2

# FINAL_CONTENT_TYPE: CUPS raster unless image/pwg-raster is asked for.
run cups -- 1 u t 1 "" "$D/levels.xps"
[ $RC = 0 ] || fail "cups raster: exit $RC"
pages_are cups 5
head -c 13 "$T/cups.out" | grep -q PwgRaster && fail "CUPS raster asked, PWG written"
head -c 13 "$T/file.out" | grep -q PwgRaster || fail "PWG asked, no PwgRaster header"

# Precedence: defaults < PPD < ticket < options.
cat >"$T/test.ppd" <<'EOF'
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "T.PPD"
*Manufacturer: "x"
*Product: "(x)"
*ModelName: "x"
*ShortNickName: "x"
*NickName: "x"
*ColorDevice: False
*cupsFilter2: "image/pwg-raster image/pwg-raster 0 -"
*OpenUI *PageSize: PickOne
*DefaultPageSize: A4
*PageSize Letter: "<</PageSize[612 792]>>setpagedevice"
*PageSize A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageSize
*DefaultPaperDimension: A4
*PaperDimension Letter: "612 792"
*PaperDimension A4: "595 842"
*DefaultImageableArea: A4
*ImageableArea Letter: "0 0 612 792"
*ImageableArea A4: "0 0 595 842"
*DefaultResolution: 50dpi
EOF
# No ticket (a malformed one): built-in defaults would be 300 dpi RGB; the
# PPD says 50 dpi, A4, gray (ColorDevice False).
run ppd FINAL_CONTENT_TYPE=image/pwg-raster PPD="$T/test.ppd" -- 1 u t 1 "" \
  "$D/bad_ticket.xps"
[ $RC = 0 ] || fail "ppd: exit $RC"
page_has ppd 1 dpi=50x50 bpp=8 cs=18 name=iso_a4_210x297mm w=413 h=585
grep -q "^WARNING: .*PrintTicket" "$T/ppd.err" || fail "bad ticket: no WARNING"
# Without the PPD: built-in defaults.
run nodefaults FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "" "$D/bad_ticket.xps"
page_has nodefaults 1 dpi=300x300 bpp=24 cs=19 w=2550 h=3300
# The ticket beats the PPD (A4 150 dpi gray from the ticket, not 50 dpi).
run ticket FINAL_CONTENT_TYPE=image/pwg-raster PPD="$T/test.ppd" -- 1 u t 1 "" \
  "$D/job_ticket.xps"
page_has ticket 1 dpi=150x150 name=iso_a4_210x297mm duplex=1
pages_are ticket 4
# CUPS raster for a PPD driver: the PPD's option code fills the driver
# fields of every page header (MediaType -> cupsMediaType), and its
# Resolution and ColorModel code, not the choices' names, give resolution
# and colour space.
sed -e 's/^\*DefaultResolution: 50dpi$//' "$T/test.ppd" >"$T/driver.ppd"
cat >>"$T/driver.ppd" <<'EOF'
*OpenUI *Resolution: PickOne
*DefaultResolution: Low
*Resolution Low: "<</HWResolution[40 40]>>setpagedevice"
*Resolution High: "<</HWResolution[80 80]>>setpagedevice"
*CloseUI: *Resolution
*OpenUI *ColorModel: PickOne
*DefaultColorModel: Ink
*ColorModel Ink: "<</cupsColorSpace 3/cupsBitsPerColor 1>>setpagedevice"
*ColorModel Photo: "<</cupsColorSpace 1/cupsBitsPerColor 8>>setpagedevice"
*CloseUI: *ColorModel
*OpenUI *MediaType: PickOne
*DefaultMediaType: Plain
*MediaType Plain: "<</MediaType(Plain)/cupsMediaType 0>>setpagedevice"
*MediaType Glossy: "<</MediaType(Glossy)/cupsMediaType 7>>setpagedevice"
*CloseUI: *MediaType
EOF
run driver PPD="$T/driver.ppd" -- 1 u t 1 "MediaType=Glossy media=A4 print-color-mode=color" \
  "$D/bad_ticket.xps"
[ $RC = 0 ] || fail "driver: exit $RC: $(tail -n 3 "$T/driver.err")"
page_has driver 1 mediatype=7 dpi=40x40 bpp=1 cs=3
head -c 13 "$T/driver.out" | grep -q PwgRaster && fail "driver: PWG written"
run driverpwg FINAL_CONTENT_TYPE=image/pwg-raster PPD="$T/driver.ppd" -- 1 u t 1 \
  "MediaType=Glossy" "$D/bad_ticket.xps"
page_has driverpwg 1 mediatype=0

# Options beat the ticket; print-color-mode=color does not (cupsd always
# sends it); unusable options warn. This PPD has no cupsManualCopies, so
# the printer makes the job's copies (3) itself: only the ticket's 2 are
# rendered.
run opts FINAL_CONTENT_TYPE=image/pwg-raster PPD="$T/test.ppd" -- 1 u t 3 \
  "Resolution=60dpi print-color-mode=color media=Letter sides=one-sided printer-resolution=oops" \
  "$D/job_ticket.xps"
[ $RC = 0 ] || fail "opts: exit $RC"
pages_are opts 4
page_has opts 1 copies=3
page_has opts 1 dpi=60x60 bpp=8 cs=18 name=na_letter_8.5x11in duplex=0 w=510 h=660
grep -q "^WARNING: .*printer-resolution=oops" "$T/opts.err" ||
  fail "no warning for printer-resolution=oops"
# Without a PPD the filter makes the copies: job copies 3 replace the
# ticket's 2; copies 1 (what cupsd sends by default) does not.
run copies FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 3 "Resolution=20" "$D/job_ticket.xps"
pages_are copies 6
# Uncollated: each page repeated in place (1,1,1,2,2,2).
run uncoll FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 3 "Resolution=20 collate=false" \
  "$D/job_ticket.xps"
pages_are uncoll 6
ink1=$(sed -n 's/^page 1 .* ink=//p' "$T/copies.txt")
ink2=$(sed -n 's/^page 2 .* ink=//p' "$T/copies.txt")
[ "$ink1" != "$ink2" ] || fail "pages 1 and 2 cannot be told apart"
got=$(sed -n 's/^page [0-9]* .* ink=//p' "$T/uncoll.txt" | tr '\n' ' ')
[ "$got" = "$ink1 $ink1 $ink1 $ink2 $ink2 $ink2 " ] || fail "uncollated order: $got"
run copies1 FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "Resolution=20" "$D/job_ticket.xps"
pages_are copies1 4
run landscape FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 \
  "Resolution=20 orientation-requested=4 ColorModel=CMYK" "$D/bad_ticket.xps"
page_has landscape 1 w=220 h=170 bpp=32 cs=6

# A page larger than its media shrinks to fit by default (IPP
# print-scaling=auto); print-scaling=none centres and crops it instead.
# levels.xps page 2 (11x8.5 in, turned) on A5: scaled, the black bar along
# its top edge survives, so more ink.
run fit FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "page-ranges=2" "$D/levels.xps"
run clip FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "page-ranges=2 print-scaling=none" \
  "$D/levels.xps"
page_has fit 1 w=583 h=827
page_has clip 1 w=583 h=827
# Scaled, the content's top edge (a black bar) lies along the left edge;
# clipped, it is cut off.
px() { $CHECK "$T/$1.out" --pixel 1 "$2" "$3" | sed -n 's/^pixel [0-9]* [0-9]* [0-9]* //p'; }
[ "$(px fit 10 500)" = 000000 ] || fail "scale to fit: (10,500) is $(px fit 10 500), want black"
[ "$(px clip 10 500)" = ffffff ] || fail "clip: (10,500) is $(px clip 10 500), want white"
grep -q "^INFO: Pages larger than the media will be" "$T/fit.err" &&
  fail "the CUPS filter asked a question nobody can answer"

# Page tickets may change resolution and colour: page 2 in its own pass.
# The job ticket asks for uncollated copies: 1,1,2,2,3,3.
run mixed FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 2 "" "$D/mixed.xps"
[ $RC = 0 ] || fail "mixed: exit $RC"
pages_are mixed 6
for p in 1 2 5 6; do page_has mixed $p dpi=100x100 bpp=24 w=850; done
for p in 3 4; do page_has mixed $p dpi=50x50 bpp=8 cs=18 w=425; done
# collate=true in the job beats the ticket: 1,2,3,1,2,3.
run mixedc FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 2 "collate=true" "$D/mixed.xps"
for p in 2 5; do page_has mixedc $p dpi=50x50; done

# page-ranges: nothing selected is an error; a selection is honoured.
run norange -- 1 u t 1 "page-ranges=9" "$D/levels.xps"
[ $RC = 1 ] || fail "empty page range: want exit 1, got $RC"
grep -q "^ERROR: No pages" "$T/norange.err" || fail "empty page range: no ERROR"
run range FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "page-ranges=3" "$D/levels.xps"
pages_are range 1

# A broken page: exit 1, ERROR names the part, the stream stays valid with
# the pages before it.
run broken FINAL_CONTENT_TYPE=image/pwg-raster -- 1 u t 1 "" "$D/broken.xps"
[ $RC = 1 ] || fail "broken: want exit 1, got $RC"
grep -q "^ERROR: /Documents/1/Pages/2.fpage" "$T/broken.err" ||
  fail "broken: no ERROR naming the part: $(cat "$T/broken.err")"
pages_are broken 1

# SIGPIPE ignored: a reader that goes away is a write error, exit 1.
env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 1 "Resolution=300" \
  "$D/job_ticket.xps" 2>"$T/pipe.err" | head -c 1000 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" = 1 ] || fail "closed pipe: want exit 1, got $rc (141 = killed by SIGPIPE)"
grep -q "^ERROR: " "$T/pipe.err" || fail "closed pipe: no ERROR line"

# SIGTERM: finish the page, end the stream cleanly, exit 0.
env FINAL_CONTENT_TYPE=image/pwg-raster "$F" 1 u t 200 "Resolution=150" \
  "$D/job_ticket.xps" >"$T/term.out" 2>"$T/term.err" &
pid=$!
for _ in $(seq 600); do
  grep -q "^PAGE: " "$T/term.err" 2>/dev/null && break
  sleep 0.05
done
kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] || fail "SIGTERM: want exit 0, got $rc"
$CHECK "$T/term.out" >"$T/term.txt" 2>&1 || fail "SIGTERM: raster stream broken: $(tail -n 2 "$T/term.txt")"
n=$(sed -n 's/^pages //p' "$T/term.txt")
[ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -lt 400 ] ||
  fail "SIGTERM: want between 1 and 399 pages, got '$n'"
grep -q "^INFO: Cancelled after" "$T/term.err" || fail "SIGTERM: no cancel message"
# Every page that came out is whole: same ink as in the uncancelled run.
for i in $(seq "${n:-0}"); do
  ref=$(sed -n "s/^page $(((i - 1) % 2 + 1)) .* ink=//p" "$T/file.txt")
  got=$(sed -n "s/^page $i .* ink=//p" "$T/term.txt")
  [ "$got" = "$ref" ] || fail "SIGTERM: page $i ink $got, want $ref (page cut short?)"
done
echo "SIGTERM stopped after $n of 400 pages"

if [ $FAILS -ne 0 ]; then
  echo "$FAILS check(s) failed"
  exit 1
fi
echo "all xpstoraster checks passed"
