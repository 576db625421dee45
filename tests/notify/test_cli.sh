#!/bin/bash
# xpsnotify and notify_example end to end: acknowledgements over the
# socket, --json output, and the exit statuses (refused, missing socket,
# usage).
set -u
bin="${XR_BINARY_DIR:?}"
fail=0
check() { # check NAME CONDITION...
  local name="$1"
  shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}
for p in xpsnotify notify_example; do
  [ -x "$bin/$p" ] || { echo "FAIL $p not built in $bin"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sock="$tmp/job.sock"

"$bin/notify_example" >"$tmp/self.out" 2>&1
check "example, both sides" test $? -eq 0
check "example acknowledged twice" \
  test "$(grep -c 'acknowledged$' "$tmp/self.out")" -eq 2

"$bin/notify_example" filter "$sock" >"$tmp/filter.out" 2>&1 &
fpid=$!
"$bin/xpsnotify" --json --answer 0 "$sock" >"$tmp/json.out" 2>"$tmp/json.err"
xrc=$?
# The listener may start before the socket exists: retry once it does.
if [ $xrc -ne 0 ]; then
  sleep 0.5
  "$bin/xpsnotify" --json --answer 0 "$sock" >"$tmp/json.out" 2>"$tmp/json.err"
  xrc=$?
fi
wait $fpid
frc=$?
check "xpsnotify exits 0 when the job ends" test $xrc -eq 0
check "filter got both acknowledgements" test $frc -eq 0
check "hello line" grep -q '^{"type":"hello","channel":0,"kind":"hello","job":1,' "$tmp/json.out"
check "two queries" test "$(grep -c '"kind":"query"' "$tmp/json.out")" -eq 2
check "two accepted replies" test "$(grep -c '"type":"reply".*"XR_OK"' "$tmp/json.out")" -eq 2
check "page events" grep -q '"kind":"page","job":1,"page":3,"copies":1' "$tmp/json.out"
check "closed last" test "$(tail -n1 "$tmp/json.out" | grep -c '"type":"closed"')" -eq 1

"$bin/xpsnotify" "$tmp/none.sock" 2>/dev/null
check "missing socket exits 3" test $? -eq 3
"$bin/xpsnotify" --bogus 2>/dev/null
check "usage error exits 1" test $? -eq 1

# Refused: a listener running as nobody on root's job.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
  id nobody >/dev/null 2>&1; then
  "$bin/notify_example" filter "$sock" >/dev/null 2>&1 &
  fpid=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  # nobody may not be able to reach the build tree: run a copy.
  chmod 755 "$tmp"
  cp "$bin/xpsnotify" "$tmp/xpsnotify"
  chmod 755 "$tmp/xpsnotify"
  setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
    "$tmp/xpsnotify" "$sock" >/dev/null 2>"$tmp/refused.err"
  rrc=$?
  check "refused listener exits 2" test $rrc -eq 2
  check "refusal explained" grep -q 'permission denied' "$tmp/refused.err"
  # A real listener lets the filter finish at once.
  "$bin/xpsnotify" --quiet --answer 0 "$sock" >/dev/null 2>&1
  wait $fpid
else
  echo "skip refused-listener check (needs root, setpriv and user nobody)"
fi
exit $fail
