#!/bin/bash
# xpsraster --notify socket:PATH end to end with xpsnotify: the listener
# sees the job's events and answers the real "scale to fit or clip?" query,
# and the answer changes the pixels. The document arrives on a FIFO that is
# held open until the listener is connected, so no timing decides whether it
# is asked.
set -u
bin="${XR_BINARY_DIR:?}"
corpus="${XR_SOURCE_DIR:?}/corpus"
rcheck="python3 $XR_SOURCE_DIR/tests/filter/rastercheck.py"
for p in xpsraster xpsnotify; do
  [ -x "$bin/$p" ] || { echo "FAIL $p not built in $bin"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${hold:-}" ] && kill "$hold" 2>/dev/null' EXIT
fails=0
check() { # description, command...
  local what=$1
  shift
  if "$@"; then echo "ok - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}

# One job: square.xps (200 x 200 px at 96 dpi, 2.08 in) on 1 x 1 in media,
# --fit ask, the listener answering choice $1 (0 scale, 1 clip).
job() {
  local answer=$1 out=$2 sock="$tmp/job$1.sock" fifo="$tmp/in$1"
  mkfifo "$fifo"
  timeout 60 "$bin/xpsraster" --notify "socket:$sock" --media 1x1 --fit ask -c gray \
    -r 96 -F pwg -o "$out" - <"$fifo" 2>"$tmp/err$answer" &
  local xpid=$!
  sleep 1000 >"$fifo" & # holds the FIFO open: no input yet
  hold=$!
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
  timeout 60 "$bin/xpsnotify" --json --answer "$answer" "$sock" >"$tmp/json$answer" \
    2>"$tmp/nerr$answer" &
  local npid=$!
  for _ in $(seq 100); do grep -q '"type":"hello"' "$tmp/json$answer" && break; sleep 0.05; done
  # Bounded: should xpsraster have died, opening the FIFO would block.
  timeout 30 sh -c 'cat "$1" >"$2"' sh "$corpus/basic/square.xps" "$fifo"
  kill "$hold"
  wait "$hold" 2>/dev/null
  hold=
  wait "$xpid"
  xrc=$?
  wait "$npid"
  nrc=$?
}

job 1 "$tmp/clip.pwg"
check "clip job exits 0" test "$xrc" -eq 0
check "listener exits 0 at the job's end" test "$nrc" -eq 0
check "listener saw the hello" grep -q '"type":"hello"' "$tmp/json1"
check "listener was asked scale or clip" grep -q '"kind":"query".*scale to fit or clip' "$tmp/json1"
check "its answer was accepted" grep -q '"type":"reply".*"XR_OK"' "$tmp/json1"
check "listener saw the page" grep -q '"kind":"page",.*"page":1,' "$tmp/json1"
check "listener saw 100 % progress" grep -q '"kind":"progress".*"percent":100' "$tmp/json1"
check "CUPS lines say clipped" grep -q '^INFO: Pages larger than the media will be clipped' "$tmp/err1"
# PWG pages are placed on the media: 96 x 96 at 96 dpi either way.
check "clipped page is 1 in at 96 dpi" bash -c "$rcheck $tmp/clip.pwg | grep -q '^page 1 w=96 h=96 '"

job 0 "$tmp/scale.pwg"
check "scale job exits 0" test "$xrc" -eq 0
check "CUPS lines say scaled" grep -q '^INFO: Pages larger than the media will be scaled to fit' "$tmp/err0"
check "scaled page is 1 in at 96 dpi" bash -c "$rcheck $tmp/scale.pwg | grep -q '^page 1 w=96 h=96 '"
# The square (50..150 of 200 px) fills the page's middle. Clipped, the
# page is centred on the media, which then shows only the square's middle:
# all ink. Scaled, the whole page fits: a quarter of it is ink.
ink() { $rcheck "$1" | sed -n 's/.* ink=\([0-9.]*\).*/\1/p'; }
check "clipped: the square's middle only" python3 -c "import sys; sys.exit(not float('$(ink "$tmp/clip.pwg")') > 0.95)"
check "scaled: the whole page" python3 -c "import sys; sys.exit(not abs(float('$(ink "$tmp/scale.pwg")') - 0.25) < 0.03)"

exit $((fails > 0))
