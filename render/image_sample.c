/* Image brush sampling: tiling, mip level choice, bilinear filtering, and
 * the span compositor (see image.h). */
#include <math.h>
#include <string.h>

#include "render/image.h"

int ras_image_brush_matrix(const ras_image *img, const double viewbox[4],
                           const double viewport[4], ras_matrix *out) {
  double xs = img->xdpi > 0 ? 96.0 / img->xdpi : 1;
  double ys = img->ydpi > 0 ? 96.0 / img->ydpi : 1;
  const double *vb = viewbox, *vp = viewport;
  if (!(vb[2] > 0 && vb[3] > 0 && vp[2] > 0 && vp[3] > 0))
    return -1;
  double sx = vp[2] / vb[2], sy = vp[3] / vb[3];
  ras_matrix m = {xs * sx,           0, 0, ys * sy, vp[0] - vb[0] * sx,
                  vp[1] - vb[1] * sy};
  if (!isfinite(m.a + m.d + m.e + m.f))
    return -1;
  *out = m;
  return 0;
}

void ras_image_sampler_init(ras_image_sampler *s, const ras_image *img,
                            const ras_matrix *to_dev, const double tile[4],
                            int tile_mode, float opacity) {
  memset(s, 0, sizeof *s);
  s->img = img;
  s->tile = tile_mode;
  if (!img || !img->nlevels)
    return;
  if (tile) {
    s->bx = tile[0], s->by = tile[1], s->bw = tile[2], s->bh = tile[3];
  } else {
    s->bw = img->w, s->bh = img->h;
    s->tile = RAS_IMAGE_TILE_NONE;
  }
  if (!(s->bw > 0 && s->bh > 0 && isfinite(s->bx + s->by + s->bw + s->bh)))
    return;
  if (ras_matrix_invert(to_dev, &s->inv) < 0)
    return;
  /* Image pixels covered by one device pixel step, along each axis; the
   * larger footprint picks the level so that nothing aliases. */
  double f1 = hypot(s->inv.a, s->inv.b);
  double f2 = hypot(s->inv.c, s->inv.d);
  double f = f1 > f2 ? f1 : f2;
  int level = 0;
  while (level + 1 < img->nlevels && f >= 2.0) {
    f *= 0.5;
    level++;
  }
  s->level = level;
  s->lsx = (double)img->lv[level].w / img->w;
  s->lsy = (double)img->lv[level].h / img->h;
  /* Between levels (1 <= f < 2 texels per pixel here), blend towards the
   * coarser one in proportion to log2 f. */
  if (level + 1 < img->nlevels && f > 1.0) {
    s->blend = (int)lrint(log2(f < 2 ? f : 2) * 256);
    s->lsx2 = (double)img->lv[level + 1].w / img->w;
    s->lsy2 = (double)img->lv[level + 1].h / img->h;
  }
  int a = (int)lrintf((opacity < 0 ? 0 : opacity > 1 ? 1 : opacity) * 255);
  s->alpha = a;
  s->ok = a > 0 && isfinite(s->inv.a + s->inv.b + s->inv.c + s->inv.d +
                            s->inv.e + s->inv.f);
}

/* Packed lerp of four 8-bit channels held in a uint32_t, weight w/256. */
static inline uint32_t lerp4(uint32_t a, uint32_t b, uint32_t w) {
  uint32_t iw = 256 - w;
  /* + 128 per lane rounds (a lane holds at most 255 * 256 + 128). */
  uint32_t rb =
      ((a & 0x00ff00ffu) * iw + (b & 0x00ff00ffu) * w + 0x00800080u) >> 8;
  uint32_t ag = ((a >> 8) & 0x00ff00ffu) * iw + ((b >> 8) & 0x00ff00ffu) * w +
                0x00800080u;
  return (rb & 0x00ff00ffu) | (ag & 0xff00ff00u);
}

static inline uint32_t load4(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Bilinear sample at 16.16 fixed-point level coordinates (texel centres
 * already subtracted), clamping to the edge. */
static inline uint32_t bilinear_fx(const ras_mip *m, int64_t fx, int64_t fy) {
  int64_t x0 = fx >> 16, y0 = fy >> 16;
  uint32_t wx = (uint32_t)(fx >> 8) & 255, wy = (uint32_t)(fy >> 8) & 255;
  int64_t x1 = x0 + 1, y1 = y0 + 1;
  if (x0 < 0 || y0 < 0 || x1 >= m->w || y1 >= m->h) {
    x0 = x0 < 0 ? 0 : x0 >= m->w ? m->w - 1 : x0;
    x1 = x1 < 0 ? 0 : x1 >= m->w ? m->w - 1 : x1;
    y0 = y0 < 0 ? 0 : y0 >= m->h ? m->h - 1 : y0;
    y1 = y1 < 0 ? 0 : y1 >= m->h ? m->h - 1 : y1;
  }
  const uint8_t *r0 = m->rgba + (size_t)y0 * (size_t)m->w * 4;
  const uint8_t *r1 = m->rgba + (size_t)y1 * (size_t)m->w * 4;
  uint32_t top = lerp4(load4(r0 + x0 * 4), load4(r0 + x1 * 4), wx);
  uint32_t bot = lerp4(load4(r1 + x0 * 4), load4(r1 + x1 * 4), wx);
  return lerp4(top, bot, wy);
}

/* One output pixel of an axis-aligned span: texels x0 and x1 of rows r0
 * and r1, blended across by wx, down by wy, then scaled by the opacity
 * weight aw (256: none); 0 where the pixel is outside the image. */
typedef struct row_tap {
  int32_t x0, x1; /* byte offsets of the two texels */
  uint8_t wx, ok;
} row_tap;

static inline uint32_t blend_tap(const uint8_t *r0, const uint8_t *r1,
                                 uint32_t wy, const row_tap *t, uint32_t aw) {
  if (!t->ok)
    return 0;
  uint32_t top = lerp4(load4(r0 + t->x0), load4(r0 + t->x1), t->wx);
  uint32_t bot = lerp4(load4(r1 + t->x0), load4(r1 + t->x1), t->wx);
  uint32_t v = lerp4(top, bot, wy);
  return aw != 256 ? lerp4(0, v, aw) : v;
}

#if defined(__GNUC__) && !defined(__clang__) && !defined(XR_NO_SIMD) &&        \
    defined(__x86_64__)
#define VEC_TAPS 1
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef uint16_t v16u16 __attribute__((vector_size(32)));
typedef uint32_t v4u32 __attribute__((vector_size(16)));
#endif

/* blend_tap over k pixels. The vector version does four pixels at a time
 * on 16-bit lanes: each lerp's sum a * (256 - w) + b * w + 128 is at most
 * 65408, so the lanes compute exactly what lerp4 does per channel and the
 * bytes are the same. */
static void blend_taps(const uint8_t *r0, const uint8_t *r1, uint32_t wy,
                       const row_tap *t, int k, uint32_t aw, uint8_t *o) {
  int i = 0;
#ifdef VEC_TAPS
  const v16u16 c128 = {128, 128, 128, 128, 128, 128, 128, 128,
                       128, 128, 128, 128, 128, 128, 128, 128};
  const v16u16 c256 = c128 + c128;
  v16u16 vwy = c128 - c128 + (uint16_t)wy, vaw = c128 - c128 + (uint16_t)aw;
  for (; i + 4 <= k; i += 4, o += 16) {
    const row_tap *p = t + i;
    /* Whole-lane inserts: byte stores read back as a vector would stall
     * store forwarding. */
    v4u32 a = {load4(r0 + p[0].x0), load4(r0 + p[1].x0), load4(r0 + p[2].x0),
               load4(r0 + p[3].x0)};
    v4u32 b = {load4(r0 + p[0].x1), load4(r0 + p[1].x1), load4(r0 + p[2].x1),
               load4(r0 + p[3].x1)};
    v4u32 c = {load4(r1 + p[0].x0), load4(r1 + p[1].x0), load4(r1 + p[2].x0),
               load4(r1 + p[3].x0)};
    v4u32 d = {load4(r1 + p[0].x1), load4(r1 + p[1].x1), load4(r1 + p[2].x1),
               load4(r1 + p[3].x1)};
    v4u32 wv = {p[0].wx * 0x01010101u, p[1].wx * 0x01010101u,
                p[2].wx * 0x01010101u, p[3].wx * 0x01010101u};
    v4u32 ok = {p[0].ok ? ~0u : 0, p[1].ok ? ~0u : 0, p[2].ok ? ~0u : 0,
                p[3].ok ? ~0u : 0};
    v16u16 w = __builtin_convertvector((v16u8)wv, v16u16);
    v16u16 iw = c256 - w;
    v16u16 top = (__builtin_convertvector((v16u8)a, v16u16) * iw +
                  __builtin_convertvector((v16u8)b, v16u16) * w + c128) >>
                 8;
    v16u16 bot = (__builtin_convertvector((v16u8)c, v16u16) * iw +
                  __builtin_convertvector((v16u8)d, v16u16) * w + c128) >>
                 8;
    v16u16 v = (top * (c256 - vwy) + bot * vwy + c128) >> 8;
    if (aw != 256)
      v = (v * vaw + c128) >> 8;
    v16u8 r = __builtin_convertvector(v, v16u8) & (v16u8)ok;
    memcpy(o, &r, 16);
  }
#endif
  for (; i < k; i++, o += 4) {
    uint32_t v = blend_tap(r0, r1, wy, t + i, aw);
    memcpy(o, &v, 4);
  }
}

/* Taps of k pixels along an axis-aligned row of level m: level x starts at
 * gx and steps by gdx (16.16, texel centres subtracted), level y is gy; a
 * pixel is inside while its level-0 x (fx, step dx) is in [l0x, l1x).
 * Sets the row pair and returns the vertical weight, clamping as
 * bilinear_fx does. */
static uint32_t axis_taps(const ras_mip *m, int64_t gx, int64_t gdx, int64_t gy,
                          int64_t fx, int64_t dx, int64_t l0x, int64_t l1x,
                          int k, row_tap *taps, const uint8_t **r0,
                          const uint8_t **r1) {
  int64_t y0 = gy >> 16, y1 = y0 + 1;
  y0 = y0 < 0 ? 0 : y0 >= m->h ? m->h - 1 : y0;
  y1 = y1 < 0 ? 0 : y1 >= m->h ? m->h - 1 : y1;
  *r0 = m->rgba + (size_t)y0 * (size_t)m->w * 4;
  *r1 = m->rgba + (size_t)y1 * (size_t)m->w * 4;
  int64_t wl = m->w - 1;
  for (int i = 0; i < k; i++, fx += dx, gx += gdx) {
    row_tap *t = taps + i;
    int64_t x0 = gx >> 16, x1 = x0 + 1;
    if (x0 < 0 || x1 > wl) {
      x0 = x0 < 0 ? 0 : x0 > wl ? wl : x0;
      x1 = x1 < 0 ? 0 : x1 > wl ? wl : x1;
    }
    t->x0 = (int32_t)(x0 * 4), t->x1 = (int32_t)(x1 * 4);
    t->wx = (uint8_t)(gx >> 8);
    t->ok = fx >= l0x && fx < l1x;
  }
  return (uint32_t)(gy >> 8) & 255;
}

/* o = lerp4(o, coarse, blend), then scaled by aw (256: none), over k
 * pixels: the trilinear step between two mip levels. */
static void mix_levels(uint8_t *o, const uint8_t *coarse, uint32_t blend,
                       uint32_t aw, int k) {
  int i = 0;
#ifdef VEC_TAPS
  const v16u16 c128 = {128, 128, 128, 128, 128, 128, 128, 128,
                       128, 128, 128, 128, 128, 128, 128, 128};
  v16u16 vb = c128 - c128 + (uint16_t)blend, vib = c128 + c128 - vb;
  v16u16 vaw = c128 - c128 + (uint16_t)aw;
  for (; i + 4 <= k; i += 4) {
    v16u8 a, b;
    memcpy(&a, o + i * 4, 16);
    memcpy(&b, coarse + i * 4, 16);
    v16u16 v = (__builtin_convertvector(a, v16u16) * vib +
                __builtin_convertvector(b, v16u16) * vb + c128) >>
               8;
    if (aw != 256)
      v = (v * vaw + c128) >> 8;
    v16u8 r = __builtin_convertvector(v, v16u8);
    memcpy(o + i * 4, &r, 16);
  }
#endif
  for (; i < k; i++) {
    uint32_t v = lerp4(load4(o + i * 4), load4(coarse + i * 4), blend);
    if (aw != 256)
      v = lerp4(0, v, aw);
    memcpy(o + i * 4, &v, 4);
  }
}

static inline int64_t to_fx(double v) {
  return (int64_t)floor(v * 65536.0);
}

/* Untiled sampling in fixed point, stepping along the row; positions are
 * recomputed from the exact transform every RESEED pixels so that the
 * stepping error stays far below a texel. */
#define RESEED 64
static void sample_plain(const ras_image_sampler *s, int x, int y, int n,
                         uint8_t *out) {
  const ras_image *img = s->img;
  const ras_mip *m = &img->lv[s->level];
  const ras_mip *m2 = s->blend ? m + 1 : NULL;
  /* Visible area: the tile rectangle inside the image, level-0 pixels. */
  double vx0 = s->bx > 0 ? s->bx : 0, vy0 = s->by > 0 ? s->by : 0;
  double vx1 = s->bx + s->bw < img->w ? s->bx + s->bw : img->w;
  double vy1 = s->by + s->bh < img->h ? s->by + s->bh : img->h;
  double py = y + 0.5;
  uint32_t alpha = (uint32_t)s->alpha;
  for (int i0 = 0; i0 < n; i0 += RESEED) {
    int k = n - i0 < RESEED ? n - i0 : RESEED;
    double px = x + i0 + 0.5;
    double ix = s->inv.a * px + s->inv.c * py + s->inv.e;
    double iy = s->inv.b * px + s->inv.d * py + s->inv.f;
    /* The whole chunk's extent must stay well inside int64 16.16. */
    double ex = ix + s->inv.a * k, ey = iy + s->inv.b * k;
    if (!(fabs(ix) < 1e9 && fabs(iy) < 1e9 && fabs(ex) < 1e9 &&
          fabs(ey) < 1e9)) {
      memset(out + (size_t)i0 * 4, 0, (size_t)k * 4);
      continue;
    }
    int64_t fx = to_fx(ix), fy = to_fx(iy);
    int64_t dx = to_fx(s->inv.a), dy = to_fx(s->inv.b);
    int64_t l0x = to_fx(vx0), l0y = to_fx(vy0), l1x = to_fx(vx1),
            l1y = to_fx(vy1);
    /* Level coordinates, texel centres at .5. */
    int64_t gx = to_fx(ix * s->lsx - 0.5), gy = to_fx(iy * s->lsy - 0.5);
    int64_t gdx = to_fx(s->inv.a * s->lsx), gdy = to_fx(s->inv.b * s->lsy);
    int64_t hx = 0, hy = 0, hdx = 0, hdy = 0;
    if (m2) {
      hx = to_fx(ix * s->lsx2 - 0.5), hy = to_fx(iy * s->lsy2 - 0.5);
      hdx = to_fx(s->inv.a * s->lsx2), hdy = to_fx(s->inv.b * s->lsy2);
    }
    uint8_t *o = out + (size_t)i0 * 4;
    if (dy == 0 && gdy == 0 && hdy == 0) {
      /* Axis-aligned: the source rows and their weight hold for the whole
       * chunk, on both levels; only x moves. */
      if (!(fy >= l0y && fy < l1y)) {
        memset(o, 0, (size_t)k * 4);
        continue;
      }
      uint32_t aw = alpha + (alpha >> 7); /* 255 -> 256 */
      row_tap taps[RESEED];
      const uint8_t *r0, *r1;
      uint32_t wy =
          axis_taps(m, gx, gdx, gy, fx, dx, l0x, l1x, k, taps, &r0, &r1);
      if (!m2) {
        blend_taps(r0, r1, wy, taps, k, aw, o);
        continue;
      }
      uint8_t coarse[RESEED * 4];
      blend_taps(r0, r1, wy, taps, k, 256, o);
      wy = axis_taps(m2, hx, hdx, hy, fx, dx, l0x, l1x, k, taps, &r0, &r1);
      blend_taps(r0, r1, wy, taps, k, 256, coarse);
      mix_levels(o, coarse, (uint32_t)s->blend, aw, k);
      continue;
    }
    for (int i = 0; i < k; i++, o += 4) {
      uint32_t v = 0;
      if (fx >= l0x && fx < l1x && fy >= l0y && fy < l1y) {
        v = bilinear_fx(m, gx, gy);
        if (m2)
          v = lerp4(v, bilinear_fx(m2, hx, hy), (uint32_t)s->blend);
        if (alpha != 255)
          v = lerp4(0, v, alpha + (alpha >> 7)); /* 255 -> 256 */
      }
      memcpy(o, &v, 4);
      fx += dx, fy += dy, gx += gdx, gy += gdy, hx += hdx, hy += hdy;
    }
  }
}

/* Floor division for a positive divisor. */
static inline int64_t fdiv(int64_t a, int64_t p) {
  int64_t q = a / p;
  return (a % p != 0 && a < 0) ? q - 1 : q;
}

/* Tiled sampling in fixed point: each pixel is folded into the base tile
 * (x, y, w, h in level-0 pixels), then sampled like sample_plain. */
static void sample_tiled(const ras_image_sampler *s, int x, int y, int n,
                         uint8_t *out) {
  const ras_image *img = s->img;
  const ras_mip *m = &img->lv[s->level];
  const ras_mip *m2 = s->blend ? m + 1 : NULL;
  int flipx =
      s->tile == RAS_IMAGE_TILE_FLIPX || s->tile == RAS_IMAGE_TILE_FLIPXY;
  int flipy =
      s->tile == RAS_IMAGE_TILE_FLIPY || s->tile == RAS_IMAGE_TILE_FLIPXY;
  int64_t bx = to_fx(s->bx), by = to_fx(s->by);
  int64_t pw = to_fx(s->bw), ph = to_fx(s->bh);
  int64_t iw = (int64_t)img->w << 16, ih = (int64_t)img->h << 16;
  int64_t sx = to_fx(s->lsx), sy = to_fx(s->lsy);
  int64_t sx2 = to_fx(s->lsx2), sy2 = to_fx(s->lsy2);
  uint32_t alpha = (uint32_t)s->alpha;
  double py = y + 0.5;
  if (pw <= 0 || ph <= 0 || s->bw > 1e9 || s->bh > 1e9 ||
      !(fabs(s->bx) < 1e9 && fabs(s->by) < 1e9)) {
    memset(out, 0, (size_t)n * 4);
    return;
  }
  for (int i0 = 0; i0 < n; i0 += RESEED) {
    int k = n - i0 < RESEED ? n - i0 : RESEED;
    double px = x + i0 + 0.5;
    double ix = s->inv.a * px + s->inv.c * py + s->inv.e;
    double iy = s->inv.b * px + s->inv.d * py + s->inv.f;
    double ex = ix + s->inv.a * k, ey = iy + s->inv.b * k;
    uint8_t *o = out + (size_t)i0 * 4;
    if (!(fabs(ix) < 1e9 && fabs(iy) < 1e9 && fabs(ex) < 1e9 &&
          fabs(ey) < 1e9)) {
      memset(o, 0, (size_t)k * 4);
      continue;
    }
    int64_t fx = to_fx(ix) - bx, fy = to_fx(iy) - by;
    int64_t dx = to_fx(s->inv.a), dy = to_fx(s->inv.b);
    /* Tile index and offset, carried along the row: a step shorter than
     * the tile crosses at most one seam, so no division per pixel. */
    int64_t kx = fdiv(fx, pw), ky = fdiv(fy, ph);
    int64_t rx = fx - kx * pw, ry = fy - ky * ph;
    int stepx = (dx > -pw) && (dx < pw);
    int stepy = (dy > -ph) && (dy < ph);
    if (dy == 0 && !m2 && stepx) {
      /* Axis-aligned: one folded source row pair for the whole chunk. */
      int64_t uy = ry;
      if (flipy && (ky & 1))
        uy = uy ? ph - uy : ph - 1;
      uy += by;
      if (!(uy >= 0 && uy < ih)) {
        memset(o, 0, (size_t)k * 4);
        continue;
      }
      int64_t gy = ((uy * sy) >> 16) - 32768;
      int64_t y0 = gy >> 16, y1 = y0 + 1;
      uint32_t wy = (uint32_t)(gy >> 8) & 255;
      y0 = y0 < 0 ? 0 : y0 >= m->h ? m->h - 1 : y0;
      y1 = y1 < 0 ? 0 : y1 >= m->h ? m->h - 1 : y1;
      const uint8_t *r0 = m->rgba + (size_t)y0 * (size_t)m->w * 4;
      const uint8_t *r1 = m->rgba + (size_t)y1 * (size_t)m->w * 4;
      int64_t wl = m->w - 1;
      row_tap taps[RESEED];
      for (int i = 0; i < k; i++) {
        row_tap *t = taps + i;
        int64_t ux = rx;
        if (flipx && (kx & 1))
          ux = ux ? pw - ux : pw - 1;
        ux += bx;
        rx += dx;
        if (rx >= pw)
          rx -= pw, kx++;
        else if (rx < 0)
          rx += pw, kx--;
        t->ok = ux >= 0 && ux < iw;
        if (!t->ok) {
          t->x0 = t->x1 = 0, t->wx = 0;
          continue;
        }
        int64_t gx = ((ux * sx) >> 16) - 32768;
        int64_t x0 = gx >> 16, x1 = x0 + 1;
        if (x0 < 0 || x1 > wl) {
          x0 = x0 < 0 ? 0 : x0 > wl ? wl : x0;
          x1 = x1 < 0 ? 0 : x1 > wl ? wl : x1;
        }
        t->x0 = (int32_t)(x0 * 4), t->x1 = (int32_t)(x1 * 4);
        t->wx = (uint8_t)(gx >> 8);
      }
      blend_taps(r0, r1, wy, taps, k, alpha + (alpha >> 7), o);
      continue;
    }
    for (int i = 0; i < k; i++, o += 4) {
      int64_t ux = rx, uy = ry;
      if (flipx && (kx & 1))
        ux = ux ? pw - ux : pw - 1;
      if (flipy && (ky & 1))
        uy = uy ? ph - uy : ph - 1;
      ux += bx;
      uy += by;
      fx += dx, fy += dy;
      if (stepx) {
        rx += dx;
        if (rx >= pw)
          rx -= pw, kx++;
        else if (rx < 0)
          rx += pw, kx--;
      } else {
        kx = fdiv(fx, pw), rx = fx - kx * pw;
      }
      if (stepy) {
        ry += dy;
        if (ry >= ph)
          ry -= ph, ky++;
        else if (ry < 0)
          ry += ph, ky--;
      } else {
        ky = fdiv(fy, ph), ry = fy - ky * ph;
      }
      uint32_t v = 0;
      /* A tile larger than the image shows transparency around it. */
      if (ux >= 0 && uy >= 0 && ux < iw && uy < ih) {
        v = bilinear_fx(m, ((ux * sx) >> 16) - 32768,
                        ((uy * sy) >> 16) - 32768);
        if (m2)
          v = lerp4(v,
                    bilinear_fx(m2, ((ux * sx2) >> 16) - 32768,
                                ((uy * sy2) >> 16) - 32768),
                    (uint32_t)s->blend);
        if (alpha != 255)
          v = lerp4(0, v, alpha + (alpha >> 7));
      }
      memcpy(o, &v, 4);
    }
  }
}

void ras_image_sample_span(const ras_image_sampler *s, int x, int y, int n,
                           uint8_t *out) {
  if (!s->ok) {
    memset(out, 0, (size_t)n * 4);
    return;
  }
  if (s->tile == RAS_IMAGE_TILE_NONE)
    sample_plain(s, x, y, n, out);
  else
    sample_tiled(s, x, y, n, out);
}

#ifdef VEC_TAPS
/* The fully covered, unclipped case of ras_image_fill_span onto an opaque
 * gray8 or rgb8 surface, four pixels at a time on 16-bit lanes: every sum
 * below stays under 65536, and ras_div255 is the same (x + 128) scaled
 * twice, so the bytes equal the scalar loop's. Returns the pixels done. */
static int over_opaque(uint8_t *p, const uint8_t *src, int len, int nc) {
  const v16u16 c128 = {128, 128, 128, 128, 128, 128, 128, 128,
                       128, 128, 128, 128, 128, 128, 128, 128};
  const v16u16 c255 = c128 + c128 - 1;
  const v16u8 rgb = {0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 3, 7, 11, 15};
  const v16u8 alp = {3, 3, 3, 7, 7, 7, 11, 11, 11, 15, 15, 15, 3, 7, 11, 15};
  int i = 0;
  for (; i + 4 <= len; i += 4, src += 16) {
    v16u8 sv, dv = {0};
    memcpy(&sv, src, 16);
    v16u8 sc = __builtin_shuffle(sv, rgb), sa = __builtin_shuffle(sv, alp);
    v16u16 x, s16 = __builtin_convertvector(sc, v16u16);
    v16u16 inv = c255 - __builtin_convertvector(sa, v16u16);
    if (nc == 3) {
      memcpy(&dv, p + i * 3, 12);
      x = __builtin_convertvector(dv, v16u16) * inv + c128;
      v16u8 r = __builtin_convertvector(s16 + ((x + (x >> 8)) >> 8), v16u8);
      memcpy(p + i * 3, &r, 12);
    } else {
      /* Luma per pixel from its r, g, b lanes. */
      uint8_t g[4];
      for (int j = 0; j < 4; j++)
        g[j] = (uint8_t)((s16[3 * j] * 77u + s16[3 * j + 1] * 150u +
                          s16[3 * j + 2] * 29u + 128) >>
                         8);
      for (int j = 0; j < 4; j++) {
        uint32_t y = p[i + j] * (uint32_t)inv[3 * j] + 128;
        p[i + j] = (uint8_t)(g[j] + ((y + (y >> 8)) >> 8));
      }
    }
  }
  return i;
}
#endif

void ras_image_fill_span(void *ud, int y, int x, int len, const uint8_t *cov,
                         int a) {
  ras_image_fill *f = ud;
  ras_surf *d = f->dst;
  if (y < d->y0 || y >= d->y1)
    return;
  if (x < d->x0) {
    int k = d->x0 - x;
    if (k >= len)
      return;
    if (cov)
      cov += k;
    x += k;
    len -= k;
  }
  if (x + len > d->x1)
    len = d->x1 - x;
  if (len <= 0)
    return;
  ras_image_sample_span(f->s, x, y, len, f->tmp);
  int nc = d->nc, bpp = nc + (d->alpha ? 1 : 0);
  uint8_t *p = d->data + (size_t)(y - d->y0) * d->stride +
               (size_t)(x - d->x0) * (size_t)bpp;
  /* Full coverage without a clip is the bulk of an image's interior. */
  int full = !cov && a == 255 && !f->clip;
  int i = 0;
#ifdef VEC_TAPS
  if (full && !d->alpha && (nc == 3 || nc == 1))
    i = over_opaque(p, f->tmp, len, nc);
  p += (size_t)i * (size_t)bpp;
#endif
  for (; i < len; i++, p += bpp) {
    const uint8_t *s = f->tmp + (size_t)i * 4;
    uint32_t sa, sr, sg, sb;
    if (full) {
      sa = s[3];
      if (!sa)
        continue;
      sr = s[0], sg = s[1], sb = s[2];
    } else {
      uint32_t c = cov ? cov[i] : (uint32_t)a;
      if (f->clip)
        c = ras_div255(c * (uint32_t)ras_mask_at(f->clip, x + i, y));
      if (!c)
        continue;
      sa = ras_div255(s[3] * c);
      if (!sa)
        continue;
      sr = ras_div255(s[0] * c), sg = ras_div255(s[1] * c),
      sb = ras_div255(s[2] * c);
    }
    uint32_t inv = 255 - sa;
    if (nc == 3) {
      if (inv) {
        sr += ras_div255(p[0] * inv);
        sg += ras_div255(p[1] * inv);
        sb += ras_div255(p[2] * inv);
      }
      p[0] = (uint8_t)sr, p[1] = (uint8_t)sg, p[2] = (uint8_t)sb;
    } else if (nc == 1) {
      /* Rec. 601 luma on the encoded values, as the gray surface does. */
      uint32_t g = (sr * 77 + sg * 150 + sb * 29 + 128) >> 8;
      p[0] = (uint8_t)(g + (inv ? ras_div255(p[0] * inv) : 0));
    }
    if (d->alpha)
      p[nc] = (uint8_t)(sa + ras_div255(p[nc] * inv));
  }
}
