/* libFuzzer harness for the abbreviated geometry syntax and what the
 * renderer does with the result: the input is a Data/Figures string
 * ("F1 M 0,0 L 10,0 A 5,5 0 0 1 0,10 Z"). It is parsed into a path, which
 * is then filled, used as a clip, and stroked (with dashes, caps and joins
 * picked from a hash of the input) into a display list, and the list is
 * rendered in bands. Arcs, huge or tiny coordinates and degenerate
 * segments thus reach the flattener, the stroker and the scan converter.
 * Seeds: tests/fuzz/seeds/pathdata/ (every Data and Figures value in
 * corpus/). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/dl.h"
#include "xps/pathdata.h"
#include "xpsraster/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FNV-1a: the drawing parameters follow from the input alone. */
static uint32_t mix(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static void draw(const ras_path *p, int fill_rule, uint32_t h) {
  static const ras_matrix ms[] = {
      {1, 0, 0, 1, 0, 0},           {0.5, 0, 0, 0.5, 10, 10},
      {0.7, 0.7, -0.7, 0.7, 48, 0}, {40, 0, 0, 0.02, -100, 3},
      {1e-6, 0, 0, 1e-6, 5, 5},     {1e6, 0, 0, 1e6, -1e6, -1e6}};
  static const double dashes[] = {1, 0.5, 0, 2, 1e-9, 3};
  xr_limits lim;
  xr_limits_init(&lim);
  xr_limits_set(&lim, XR_LIMIT_JOB_MEMORY, 128 << 20);
  ras_dl *dl = NULL;
  if (ras_dl_new(48, &lim, &dl))
    return;
  const ras_device_fns *f = &ras_dl_device;
  const ras_matrix *ctm = &ms[h % 6];
  ras_paint paint;
  memset(&paint, 0, sizeof paint);
  paint.kind = RAS_PAINT_SOLID;
  paint.solid = (ras_color){0.2f, 0.4f, 0.6f, (h & 16) ? 1.0f : 0.5f};
  ras_stroke st = {.width = ((h >> 8) % 7) * 0.75,
                   .start_cap = (int)((h >> 11) % 4),
                   .end_cap = (int)((h >> 13) % 4),
                   .dash_cap = (int)((h >> 15) % 4),
                   .join = (int)((h >> 17) % 3),
                   .miter_limit = (h & 32) ? 10 : 1,
                   .dashes = (h & 64) ? dashes + (h >> 19) % 3 : NULL,
                   .ndashes = 3,
                   .dash_offset = ((h >> 21) % 5) * 0.5};
  int rc = f->begin_page(dl, 96, 96);
  if (rc == 0) {
    f->set_aliased(dl, (h >> 5) & 1);
    f->fill_path(dl, p, ctm, fill_rule, &paint);
    if (f->push_clip(dl, p, ctm, fill_rule) == 0) {
      ras_path box;
      ras_path_init(&box, 16);
      if (!ras_path_move(&box, 0, 0) && !ras_path_line(&box, 96, 0) &&
          !ras_path_line(&box, 96, 96) && !ras_path_line(&box, 0, 96) &&
          !ras_path_close(&box))
        f->fill_path(dl, &box, NULL, RAS_NONZERO, &paint);
      ras_path_reset(&box);
      f->pop_clip(dl);
    }
    f->stroke_path(dl, p, ctm, &st, &paint);
    int w, hh;
    ras_dl_size(dl, &w, &hh);
    int format = (int)((h >> 24) % 4);
    size_t stride = ras_dl_stride(dl, format);
    uint8_t *buf = stride ? malloc(stride * 16) : NULL;
    for (int y = 0; buf && y < hh; y += 16)
      if (ras_dl_render_band(dl, format, y, hh - y < 16 ? hh - y : 16, buf,
                             stride) < 0)
        break;
    free(buf);
  }
  ras_dl_drop(dl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = 0;
  /* The number scanner on its own, at every offset of a short prefix. */
  for (size_t i = 0; i < size && i < 64; i++) {
    double v;
    size_t n = xps_number_scan(s + i, &v);
    if (n > size - i)
      abort(); /* consumed past the terminator */
  }
  ras_path p;
  ras_path_init(&p, 100000);
  int rule = RAS_EVENODD;
  xps_pathdata_err e = {0, NULL};
  int rc = xps_pathdata_parse(s, &p, &rule, &e);
  if ((rc == XR_E_SYNTAX || rc == XR_E_LIMIT) && (!e.what || e.offset > size))
    abort(); /* a failure must say what and where */
  if (rc == 0 && p.npts > 0)
    draw(&p, rule, mix(data, size));
  ras_path_reset(&p);
  free(s);
  return 0;
}
