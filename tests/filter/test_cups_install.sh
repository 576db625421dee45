#!/bin/bash
# CUPS side of `cmake --install` (into a DESTDIR): xpstoraster where cupsd
# looks for filters, with the mode (and, as root, the owner) cupsd requires,
# the MIME rules, and the man pages.
set -u
BIN=${XR_BINARY_DIR:?}
D=$(mktemp -d /tmp/xr-inst.XXXXXX)
trap 'rm -rf "$D"' EXIT
FAILS=0
fail() {
  echo "FAIL: $*"
  FAILS=$((FAILS + 1))
}
if ! DESTDIR="$D" cmake --install "$BIN" >"$D.log" 2>&1; then
  cat "$D.log"
  rm -f "$D.log"
  echo "FAIL: cmake --install failed (is everything built?)"
  exit 1
fi
rm -f "$D.log"
SB=$(sed -n 's/^XR_CUPS_SERVERBIN:[A-Z]*=//p' "$BIN/CMakeCache.txt")
DD=$(sed -n 's/^XR_CUPS_DATADIR:[A-Z]*=//p' "$BIN/CMakeCache.txt")
PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:[A-Z]*=//p' "$BIN/CMakeCache.txt")
[ -n "$SB" ] || fail "XR_CUPS_SERVERBIN not in the cache"
case "$SB" in /*) ;; *) SB="$PREFIX/$SB" ;; esac
case "$DD" in /*) ;; *) DD="$PREFIX/$DD" ;; esac
f="$D$SB/filter/xpstoraster"
[ -x "$f" ] || fail "$f not installed"
[ "$(stat -c %a "$f")" = 755 ] || fail "$f mode $(stat -c %a "$f"), want 755"
if [ "$(id -u)" = 0 ]; then
  [ "$(stat -c %U:%G "$f")" = root:root ] || fail "$f owned by $(stat -c %U:%G "$f")"
fi
for m in xpstoraster.types xpstoraster.convs; do
  [ -f "$D$DD/mime/$m" ] || fail "$DD/mime/$m not installed"
done
grep -q "^application/oxps" "$D$DD/mime/xpstoraster.types" || fail "no application/oxps type"
for m in man1/xpsraster.1 man1/xpsnotify.1 man8/xpstoraster.8; do
  [ -n "$(find "$D" -path "*/$m")" ] || fail "man page $m not installed"
done
[ -e "$D$PREFIX/bin/xpstoraster" ] && fail "xpstoraster also installed in bin/"
[ $FAILS = 0 ] && echo "install layout ok: $SB/filter/xpstoraster"
exit $((FAILS != 0))
