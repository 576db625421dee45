#!/bin/bash
# The corpus is reproducible and valid XPS:
# 1. corpus/generate, run on a copy, rewrites every checked-in document byte
#    for byte (the generators are deterministic and need only python3);
# 2. mutool draw (Debian's mupdf-tools) renders every valid document without
#    an error. Left out, each on purpose: the broken packages (bad/,
#    pkg/bad/), names MuPDF rejects but OPC allows (pkg/quirks/), the
#    broken-image and JPEG XR documents (image/bad.xps; mutool has no JPEG XR
#    codec) and the broken page of ticket/broken.xps.
set -u
corpus="$XR_SOURCE_DIR/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

cp -r "$corpus" "$tmp/corpus"
if sh "$tmp/corpus/generate" >"$tmp/gen.log" 2>&1 &&
   diff -r "$corpus" "$tmp/corpus" >"$tmp/diff"; then
  echo "ok - corpus/generate reproduces the corpus"
else
  echo "FAIL - corpus/generate differs:"; head -20 "$tmp/gen.log" "$tmp/diff"
  fails=$((fails + 1))
fi

if ! command -v mutool >/dev/null; then
  echo "SKIP - mutool not installed (mupdf-tools)"
else
  n=0
  while IFS= read -r f; do
    case "$f" in
      */bad/* | */quirks/* | */image/bad.xps | */image/jxr.xps | */ticket/broken.xps) continue ;;
    esac
    n=$((n + 1))
    out=$(mutool draw -q -r 20 -o /dev/null -F pnm "$f" 2>&1 | grep -v 'ICC support is not available')
    if [ -n "$out" ]; then
      echo "FAIL - mutool on ${f#$corpus/}: $out"; fails=$((fails + 1))
    fi
  done < <(find "$corpus" -name '*.xps' -o -name '*.oxps' | sort)
  echo "mutool rendered $n corpus documents"
  [ "$n" -ge 50 ] || { echo "FAIL - too few documents found"; fails=$((fails + 1)); }
fi
[ "$fails" = 0 ]
