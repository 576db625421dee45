#!/bin/bash
# The embedding example (filter/main_embed_example.c): path and stream input
# give the same PPM pages; Ctrl-C shuts the filter down from its watcher
# thread and the program exits 130.
set -u
BIN=${XR_BINARY_DIR:?}
SRC=${XR_SOURCE_DIR:?}
E="$BIN/embed_example"
DOC="$SRC/corpus/ticket/job_ticket.xps"
T=$(mktemp -d /tmp/xr-embed.XXXXXX)
trap 'rm -rf "$T"' EXIT
FAILS=0
fail() {
  echo "FAIL: $*"
  FAILS=$((FAILS + 1))
}
[ -x "$E" ] || { echo "FAIL: $E not built"; exit 1; }
"$E" "$DOC" "$T/a.ppm" 48 2>"$T/a.err" || fail "path input: exit $?"
"$E" - "$T/b.ppm" 48 <"$DOC" 2>"$T/b.err" || fail "stdin input: exit $?"
cmp -s "$T/a.ppm" "$T/b.ppm" || fail "path and stream outputs differ"
page=$((15 + 408 * 528 * 3))
[ "$(head -c 15 "$T/a.ppm" | tr '\n' ' ')" = "P6 408 528 255 " ] || fail "page 1 header"
[ "$(tail -c +$((page + 1)) "$T/a.ppm" | head -c 15 | tr '\n' ' ')" = "P6 408 528 255 " ] ||
  fail "page 2 header"
# 408x528 at 48 dpi: two headers plus 2 * 408*528*3 bytes.
size=$(stat -c %s "$T/a.ppm")
[ "$size" = $((2 * (15 + 408 * 528 * 3))) ] || fail "PPM size $size"
grep -q "^PAGE: 2 " "$T/a.err" || fail "no PAGE events from the notifier"
"$E" "$DOC" "$T/big.ppm" 600 2>"$T/c.err" &
pid=$!
for _ in $(seq 400); do
  [ -s "$T/big.ppm" ] && break
  sleep 0.05
done
kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] || fail "SIGINT: want exit 130, got $rc"
size=$(stat -c %s "$T/big.ppm")
[ "$size" -lt $((2 * 5100 * 6600 * 3)) ] || fail "SIGINT did not stop rendering"
[ $FAILS = 0 ] && echo "embedding example ok"
exit $((FAILS != 0))
