#!/bin/bash
# cmake --install puts headers, libraries, pkg-config file, programs and the
# CUPS filter in place (staged with DESTDIR), and a program built only from
# the installed files with pkg-config renders the sample.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DESTDIR="$tmp/stage" cmake --install "$XR_BINARY_DIR" --prefix /usr/local >"$tmp/log"
root="$tmp/stage/usr/local"
for h in error.h limits.h document.h render.h notify.h; do
  test -f "$root/include/xpsraster/$h" || { echo "missing header $h"; exit 1; }
done
lib=$(ls -d "$root"/lib*/ | head -1)
test -f "$lib/libxpsraster.a" || { echo "missing static library"; exit 1; }
ls "$lib"/libxpsraster.so* >/dev/null || { echo "missing shared library"; exit 1; }
pc=$(find "$root" -name xpsraster.pc | head -1)
test -n "$pc" || { echo "missing xpsraster.pc"; exit 1; }
test -x "$root/bin/xpsraster" || { echo "missing bin/xpsraster"; exit 1; }
test -x "$(find "$tmp/stage" -path '*cups/filter/xpstoraster' | head -1)" || {
  echo "missing CUPS filter"; exit 1; }

# Every public header compiles on its own, as C11 and as C++.
for h in "$root"/include/xpsraster/*.h; do
  printf '#include "xpsraster/%s"\n' "$(basename "$h")" >"$tmp/h.c"
  cc -std=c11 -Wall -Wextra -Werror -I"$root/include" -c "$tmp/h.c" -o /dev/null
  c++ -Wall -Wextra -Werror -I"$root/include" -x c++ -c "$tmp/h.c" -o /dev/null
done

cat >"$tmp/consumer.c" <<'C'
#include <stdio.h>
#include <xpsraster/render.h>
static int pages;
static int end(void *ud, const xr_page_info *info) {
  (void)ud; (void)info; pages++; return 0;
}
int main(int argc, char **argv) {
  xr_doc *doc; xr_errinfo err; char buf[1024];
  xr_band_sink sink = {NULL, NULL, NULL, end};
  if (argc < 2 || xr_doc_open(argv[1], NULL, &doc, &err) < 0) {
    fprintf(stderr, "%s\n", xr_errinfo_format(&err, buf, sizeof buf));
    return 1;
  }
  int rc = xr_doc_render(doc, NULL, &sink, &err);
  xr_doc_close(doc);
  printf("%d\n", pages);
  return rc < 0;
}
C
export PKG_CONFIG_PATH=$(dirname "$pc")
# The prefix inside the .pc is /usr/local; point the compiler at the stage.
flags=$(pkg-config --cflags --libs xpsraster | sed "s#/usr/local#$root#g")
san=""
grep -q 'XR_SANITIZE:BOOL=ON' "$XR_BINARY_DIR/CMakeCache.txt" && san="-fsanitize=address,undefined"
cc -std=c11 $san "$tmp/consumer.c" $flags -o "$tmp/consumer"
n=$(LD_LIBRARY_PATH="$lib" "$tmp/consumer" "$XR_SOURCE_DIR/corpus/sample.xps")
[ "$n" = 2 ] || { echo "consumer rendered $n pages, wanted 2"; exit 1; }
echo "install ok"
