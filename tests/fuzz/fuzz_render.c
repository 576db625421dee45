/* libFuzzer harness for the renderer core: the input is a little program
 * of device calls (fills, strokes with dashes, clips, groups, masks, tiles,
 * edge mode) with arbitrary doubles, including huge, tiny and non-finite
 * ones, recorded into a display list and rendered in bands of varying
 * height, in every output format. Checks: no crash, leak, hang or
 * sanitizer report; banded output equals one full-page band. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/band.h"
#include "render/dl.h"

typedef struct rd {
  const uint8_t *p;
  size_t n;
} rd;

static unsigned u8(rd *r) {
  if (!r->n)
    return 0;
  r->n--;
  return *r->p++;
}

/* A coordinate: mostly on the page, sometimes extreme. */
static double coord(rd *r) {
  unsigned k = u8(r);
  switch (k >> 5) {
  case 0: {
    static const double wild[] = {1e300,    -1e300, 1e15,   -1e15,
                                  INFINITY, NAN,    1e-300, 65536.5};
    return wild[k & 7];
  }
  case 1:
    return (double)(int8_t)u8(r) * 1000.0;
  default:
    return (double)u8(r) / 4.0 - 8 + (k & 31) / 32.0;
  }
}

static void build_path(rd *r, ras_path *p) {
  ras_path_clear(p);
  unsigned n = u8(r) % 12;
  for (unsigned i = 0; i < n; i++) {
    switch (u8(r) % 5) {
    case 0:
      ras_path_move(p, coord(r), coord(r));
      break;
    case 1:
      ras_path_line(p, coord(r), coord(r));
      break;
    case 2:
      ras_path_quad(p, coord(r), coord(r), coord(r), coord(r));
      break;
    case 3:
      ras_path_cubic(p, coord(r), coord(r), coord(r), coord(r), coord(r),
                     coord(r));
      break;
    default:
      ras_path_close(p);
      break;
    }
  }
}

static ras_matrix matrix(rd *r) {
  if (u8(r) & 1)
    return ras_matrix_identity();
  ras_matrix m = {coord(r) / 16, coord(r) / 16, coord(r) / 16,
                  coord(r) / 16, coord(r),      coord(r)};
  return m;
}

static ras_paint paint(rd *r, ras_gradient_stop *stops) {
  ras_paint p;
  memset(&p, 0, sizeof p);
  unsigned k = u8(r) % 4;
  p.solid = (ras_color){u8(r) / 255.0f, u8(r) / 255.0f, u8(r) / 255.0f,
                        u8(r) / 255.0f};
  if (k >= 2) {
    p.kind = k == 2 ? RAS_PAINT_LINEAR : RAS_PAINT_RADIAL;
    stops[0] = (ras_gradient_stop){u8(r) / 255.0f, p.solid};
    stops[1] = (ras_gradient_stop){1, {1, 0, 0, u8(r) / 255.0f}};
    p.grad = (ras_gradient){stops,
                            1 + (int)(u8(r) & 1),
                            (int)(u8(r) % 3),
                            (int)(u8(r) & 1),
                            u8(r) / 255.0f,
                            coord(r),
                            coord(r),
                            coord(r),
                            coord(r),
                            matrix(r)};
  }
  return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rd r = {data, size};
  ras_dl *dl = NULL;
  xr_limits lim;
  xr_limits_init(&lim);
  xr_limits_set(&lim, XR_LIMIT_JOB_MEMORY, 64 << 20);
  xr_limits_set(&lim, XR_LIMIT_NESTING, 16);
  xr_limits_set(&lim, XR_LIMIT_RESOURCE_DEPTH, 3);
  if (ras_dl_new(96, &lim, &dl))
    return 0;
  const ras_device_fns *D = &ras_dl_device;
  if (D->begin_page(dl, 1 + u8(&r) % 64, 1 + u8(&r) % 64)) {
    ras_dl_drop(dl);
    return 0;
  }
  ras_path p;
  ras_path_init(&p, 4096);
  ras_gradient_stop stops[2];
  double dashes[4];
  for (int ops = 0; r.n && ops < 64; ops++) {
    unsigned op = u8(&r) % 12;
    ras_matrix m = matrix(&r);
    switch (op) {
    case 0:
    case 1: {
      build_path(&r, &p);
      ras_paint pt = paint(&r, stops);
      D->fill_path(dl, &p, &m, (int)(u8(&r) & 1), &pt);
      break;
    }
    case 2: {
      build_path(&r, &p);
      ras_stroke s;
      memset(&s, 0, sizeof s);
      s.width = coord(&r) / 8;
      s.start_cap = (int)(u8(&r) % 4);
      s.end_cap = (int)(u8(&r) % 4);
      s.dash_cap = (int)(u8(&r) % 4);
      s.join = (int)(u8(&r) % 3);
      s.miter_limit = u8(&r) / 16.0;
      if (u8(&r) & 1) {
        s.ndashes = 1 + (int)(u8(&r) % 4);
        for (int i = 0; i < s.ndashes; i++)
          dashes[i] = u8(&r) / 32.0;
        s.dashes = dashes;
        s.dash_offset = coord(&r);
      }
      ras_paint pt = paint(&r, stops);
      D->stroke_path(dl, &p, &m, &s, &pt);
      break;
    }
    case 3:
      build_path(&r, &p);
      D->push_clip(dl, &p, &m, (int)(u8(&r) & 1));
      break;
    case 4:
      D->pop_clip(dl);
      break;
    case 5:
      D->begin_group(dl, u8(&r) / 255.0f);
      break;
    case 6:
      D->end_group(dl);
      break;
    case 7:
      D->begin_mask(dl);
      break;
    case 8:
      D->end_mask(dl);
      break;
    case 9:
      D->set_aliased(dl, (int)(u8(&r) & 1));
      break;
    case 10: {
      build_path(&r, &p);
      ras_tile t = {coord(&r),      coord(&r),  coord(&r) / 4,
                    coord(&r) / 4,  matrix(&r), (int)(u8(&r) % 5),
                    u8(&r) / 255.0f};
      D->begin_tile(dl, &p, &m, 0, NULL, &t);
      break;
    }
    default:
      D->end_tile(dl);
      break;
    }
  }
  int w, h;
  ras_dl_size(dl, &w, &h);
  for (int fmt = 0; fmt < 4; fmt++) {
    size_t st = ras_dl_stride(dl, fmt);
    uint8_t *full = malloc(st * (size_t)h), *band = malloc(st * (size_t)h);
    if (full && band && !ras_dl_render_band(dl, fmt, 0, h, full, st)) {
      int bh = 1 + (int)(size % 9);
      for (int y = 0; y < h; y += bh) {
        int n = h - y < bh ? h - y : bh;
        if (ras_dl_render_band(dl, fmt, y, n, band + (size_t)y * st, st))
          abort();
      }
      if (memcmp(full, band, st * (size_t)h))
        abort(); /* banding changed the output */
    }
    free(full);
    free(band);
  }
  ras_path_reset(&p);
  ras_dl_drop(dl);
  return 0;
}
