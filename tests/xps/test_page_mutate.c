/* Hostile input, deterministically: every corpus/vector page, mutated a
 * few thousand times (bytes flipped, spans cut, duplicated or swapped,
 * markup fragments spliced in), must come back with 0 or a known error
 * status, never crash (the sanitizers watch), and leave every clip, group,
 * mask and tile the device saw balanced. A seeded generator makes each
 * run identical, so a failure reproduces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_trace.h"
#include "xps/page.h"
#include "xps/pkg.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

static const char *frags[] = {
    "<Canvas>",
    "</Canvas>",
    "<Canvas Opacity=\"0.5\">",
    "<Path Data=\"M0,0 A 5,5 0 1 1 9,9 Z\" Fill=\"#80FF0000\"/>",
    "Fill=\"{StaticResource v}\"",
    "Clip=\"M0,0 L9,0 9,9 Z\"",
    "<mc:AlternateContent><mc:Choice Requires=\"x\">",
    "</mc:Choice></mc:AlternateContent>",
    "x:Key=\"v\"",
    "<VisualBrush Viewbox=\"0,0,1,1\" Viewport=\"0,0,2,2\" TileMode=\"Tile\">",
    "<Canvas.OpacityMask>",
    "</Canvas.OpacityMask>",
    "&amp;",
    "<!--",
    "-->",
    "\"",
    "<",
    ">",
    "/>",
    "1e308",
    "-",
    ",",
    "NaN",
};

/* Page 1 of a corpus document, through the package layer. */
static char *load_page(const char *doc, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/vector/%s", XR_SOURCE_DIR, doc);
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  xr_errinfo err;
  xps_pkg *pkg = NULL;
  xps_part *part = NULL;
  char *buf = NULL;
  if (xps_pkg_open(path, &ctx, &pkg, &err) == 0 &&
      xps_pkg_read_part(pkg, "/Documents/1/Pages/1.fpage", &part, &err) == 0 &&
      (buf = malloc(part->size + 1))) {
    memcpy(buf, part->data, part->size);
    buf[part->size] = '\0';
    *len = part->size;
  }
  xps_part_drop(part);
  xps_pkg_close(pkg);
  return buf;
}

static const char *values[] = {
    "",
    " ",
    "0",
    "-1",
    "1e308",
    "-1e308",
    "1e-320",
    "0.5",
    "1,2",
    "1,0,0,1,0,0",
    "0,0,0,0,0,0",
    "1,0,0,1,1e308,0",
    "#FF0000",
    "#80000000",
    "#GG0000",
    "sc#1,0.5,0.5,0.5",
    "sc#2,-1,9,0",
    "{StaticResource v}",
    "{StaticResource}",
    "{}#00FF00",
    "M 0,0 L 1,1",
    "F1 M0,0 A 1,1 0 1 1 0,0",
    "M 0,0 A 1e-300,1e300 45 1 0 1,1",
    "M0,0 C 1,1 2,2 3,3 S 4,4 5,5 Z m 1,1",
    "Z Z Z",
    "M 1 1 H V",
    "0,0,0,0",
    "0,0,1,1",
    "-5,-5,10,10",
    "Tile",
    "FlipXY",
    "None",
    "Reflect",
    "Repeat",
    "Absolute",
    "RelativeToBoundingBox",
    "ScRgbLinearInterpolation",
    "Triangle",
    "Round",
    "Aliased",
    "true",
    "false",
    "x",
    "xps",
    "1 2 3",
    "0 0",
    "-1 2",
};

/* Replaces one attribute value with a hostile one: stays well-formed XML,
 * so the interpreter, not the XML parser, meets the damage. */
static size_t mutate_value(char *out, size_t len, size_t cap) {
  size_t q[512], nq = 0;
  for (size_t i = 0; i < len && nq < 512; i++)
    if (out[i] == '"')
      q[nq++] = i;
  if (nq < 2)
    return len;
  size_t k = (next() % (nq / 2)) * 2;
  size_t a = q[k] + 1, b = q[k + 1];
  const char *v = values[next() % (sizeof values / sizeof *values)];
  size_t vl = strlen(v);
  if (len - (b - a) + vl >= cap)
    return len;
  memmove(out + a + vl, out + b, len - b);
  memcpy(out + a, v, vl);
  return len - (b - a) + vl;
}

static size_t mutate(const char *in, size_t n, char *out, size_t cap) {
  size_t len = n < cap ? n : cap;
  memcpy(out, in, len);
  int edits = 1 + (int)(next() % 4);
  if (next() % 2) {
    for (int e = 0; e < edits; e++)
      len = mutate_value(out, len, cap);
    return len;
  }
  for (int e = 0; e < edits && len > 2; e++) {
    size_t at = next() % len, span = 1 + next() % 64;
    if (at + span > len)
      span = len - at;
    switch (next() % 5) {
    case 0: /* flip a byte */
      out[at] = (char)(next() & 0xFF);
      break;
    case 1: /* cut a span */
      memmove(out + at, out + at + span, len - at - span);
      len -= span;
      break;
    case 2: /* duplicate a span */
      if (len + span < cap) {
        memmove(out + at + span, out + at, len - at);
        len += span;
      }
      break;
    case 3: { /* splice in a fragment */
      const char *f = frags[next() % (sizeof frags / sizeof *frags)];
      size_t fl = strlen(f);
      if (len + fl < cap) {
        memmove(out + at + fl, out + at, len - at);
        memcpy(out + at, f, fl);
        len += fl;
      }
      break;
    }
    default: { /* swap with another span */
      size_t b = next() % len;
      if (b + span <= len && (b + span <= at || at + span <= b)) {
        char tmp[64];
        memcpy(tmp, out + at, span);
        memcpy(out + at, out + b, span);
        memcpy(out + b, tmp, span);
      }
      break;
    }
    }
  }
  return len;
}

static int known(int rc) {
  return rc == 0 || rc == XR_E_FORMAT || rc == XR_E_LIMIT ||
         rc == XR_E_UNSUPPORTED || rc == XR_E_NOMEM;
}

static void mutations(void **state) {
  (void)state;
  static const char *docs[] = {
      "arcs.xps",          "geometry.xps",         "strokes.xps",
      "opacity_group.xps", "opacity_mask.xps",     "clips.xps",
      "linear_spread.xps", "radial_gradients.xps", "visual_brushes.xps",
      "resources.xps",     "markup_compat.xps",    "transforms.xps",
  };
  size_t cap = 1 << 17;
  char *buf = malloc(cap);
  assert_non_null(buf);
  trace t;
  trace_init(&t);
  xps_ctx ctx;
  warns w;
  trace_ctx(&ctx, &w);
  /* Small limits keep the sanitized run quick and reach them often. */
  xr_limits_set(&ctx.limits, XR_LIMIT_PATH_POINTS, 20000);
  xr_limits_set(&ctx.limits, XR_LIMIT_ELEMENTS_PER_PAGE, 5000);
  int ran = 0, clean = 0;
  for (size_t d = 0; d < sizeof docs / sizeof *docs; d++) {
    size_t n;
    char *page = load_page(docs[d], &n);
    if (!page || !n) {
      free(page);
      skip();
    }
    for (int i = 0; i < 250; i++) {
      size_t len = mutate(page, n, buf, cap - 1);
      buf[len] = '\0';
      xr_errinfo err;
      trace_clear(&t);
      memset(&w, 0, sizeof w);
      int rc = xps_page_run_buffer(NULL, "/m.fpage", buf, len, &ctx, &trace_fns,
                                   &t, &err);
      if (!known(rc) || t.depth || t.unbalanced) {
        print_message("%s mutation %d: rc %d depth %d\n", docs[d], i, rc,
                      t.depth);
        fail();
      }
      if (rc)
        assert_string_equal(err.part, "/m.fpage");
      clean += rc == 0;
      ran++;
    }
    free(page);
  }
  trace_free(&t);
  free(buf);
  print_message("%d mutated pages, %d rendered without error\n", ran, clean);
  /* Sanity: mutations are neither all harmless nor all fatal. */
  assert_true(clean > ran / 4 && clean < ran);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(mutations)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
