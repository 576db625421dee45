/* Span, mask and layer compositing (see comp.h). */
#include "render/comp.h"

#include <string.h>

/* Clips a span to [x0, x1); returns the new length, adjusting x and cov. */
static int clip_span(int *x, int len, const uint8_t **cov, int x0, int x1) {
  if (*x < x0) {
    if (*cov)
      *cov += x0 - *x;
    len -= x0 - *x;
    *x = x0;
  }
  if (*x + len > x1)
    len = x1 - *x;
  return len;
}

static void fill_solid(ras_surf *d, uint8_t *p, int len, const uint8_t *c) {
  if (d->nc == 1) {
    memset(p, c[0], (size_t)len);
    return;
  }
  /* RGB: copy a 16-pixel pattern, then the tail. */
  if (len >= 16) {
    uint8_t pat[48];
    for (int i = 0; i < 16; i++) {
      pat[3 * i] = c[0];
      pat[3 * i + 1] = c[1];
      pat[3 * i + 2] = c[2];
    }
    for (; len >= 16; len -= 16, p += 48)
      memcpy(p, pat, 48);
  }
  for (; len > 0; len--, p += 3) {
    p[0] = c[0];
    p[1] = c[1];
    p[2] = c[2];
  }
}

/* Per-pixel alpha onto an opaque base, vectorised:
 * p = round((p * (255 - a) + c * a) / 255) per byte. The vector loops work
 * on 16-bit lanes (the sum is at most 65153, rounded exactly as
 * ras_div255), so their bytes equal the scalar loop's. GCC vector
 * extensions give SSE2 code, plus an AVX2 version picked at run time;
 * other compilers and XR_NO_SIMD builds use the scalar loops. Runs of 16 pixels
 * with alpha all 0 or all 255 skip the arithmetic, as glyph masks are mostly
 * such runs. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(XR_NO_SIMD) &&        \
    defined(__x86_64__)
#define VEC_BLEND 1
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef uint16_t v16u16 __attribute__((vector_size(32)));

/* 0: all zero, 2: all 255, 1: mixed. */
static inline int kind16(const uint8_t *a) {
  uint64_t lo, hi;
  memcpy(&lo, a, 8);
  memcpy(&hi, a + 8, 8);
  if (!(lo | hi))
    return 0;
  return (lo & hi) == UINT64_MAX ? 2 : 1;
}

/* The loops, instantiated for baseline SSE2 and for AVX2 (chosen at run
 * time with __builtin_cpu_supports; no ifunc, which sanitizer runtimes
 * cannot run before they start). */
#define BLEND_LOOPS(SUF, ATTR)                                                 \
  ATTR static inline v16u8 mix16##SUF(v16u8 vp, v16u8 va, v16u8 vc) {          \
    v16u16 P = __builtin_convertvector(vp, v16u16);                            \
    v16u16 A = __builtin_convertvector(va, v16u16);                            \
    v16u16 C = __builtin_convertvector(vc, v16u16);                            \
    v16u16 x = P * (255 - A) + C * A + 128;                                    \
    x = (x + (x >> 8)) >> 8;                                                   \
    return __builtin_convertvector(x, v16u8);                                  \
  }                                                                            \
  ATTR static int gray_vec##SUF(uint8_t *p, const uint8_t *a, uint8_t c,       \
                                int n) {                                       \
    int i = 0;                                                                 \
    v16u8 vc = {0};                                                            \
    vc += c;                                                                   \
    for (; i + 16 <= n; i += 16) {                                             \
      int k = kind16(a + i);                                                   \
      if (k == 0)                                                              \
        continue;                                                              \
      if (k == 2) {                                                            \
        memset(p + i, c, 16);                                                  \
        continue;                                                              \
      }                                                                        \
      v16u8 vp, va;                                                            \
      memcpy(&vp, p + i, 16);                                                  \
      memcpy(&va, a + i, 16);                                                  \
      vp = mix16##SUF(vp, va, vc);                                             \
      memcpy(p + i, &vp, 16);                                                  \
    }                                                                          \
    return i;                                                                  \
  }                                                                            \
  ATTR static int rgb_vec##SUF(uint8_t *p, const uint8_t *a,                   \
                               const uint8_t *pat, int n) {                    \
    const v16u8 m0 = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5};         \
    const v16u8 m1 = {5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10};       \
    const v16u8 m2 = {10, 11, 11, 11, 12, 12, 12, 13,                          \
                      13, 13, 14, 14, 14, 15, 15, 15};                         \
    v16u8 c0, c1, c2;                                                          \
    memcpy(&c0, pat, 16);                                                      \
    memcpy(&c1, pat + 16, 16);                                                 \
    memcpy(&c2, pat + 32, 16);                                                 \
    int i = 0;                                                                 \
    for (; i + 16 <= n; i += 16) {                                             \
      int k = kind16(a + i);                                                   \
      if (k == 0)                                                              \
        continue;                                                              \
      uint8_t *q = p + 3 * i;                                                  \
      if (k == 2) {                                                            \
        memcpy(q, pat, 48);                                                    \
        continue;                                                              \
      }                                                                        \
      v16u8 va, v0, v1, v2;                                                    \
      memcpy(&va, a + i, 16);                                                  \
      memcpy(&v0, q, 16);                                                      \
      memcpy(&v1, q + 16, 16);                                                 \
      memcpy(&v2, q + 32, 16);                                                 \
      v0 = mix16##SUF(v0, __builtin_shuffle(va, m0), c0);                      \
      v1 = mix16##SUF(v1, __builtin_shuffle(va, m1), c1);                      \
      v2 = mix16##SUF(v2, __builtin_shuffle(va, m2), c2);                      \
      memcpy(q, &v0, 16);                                                      \
      memcpy(q + 16, &v1, 16);                                                 \
      memcpy(q + 32, &v2, 16);                                                 \
    }                                                                          \
    return i;                                                                  \
  }

BLEND_LOOPS(_sse2, )
BLEND_LOOPS(_avx2, __attribute__((target("avx2"))))

/* Layer (premultiplied RGBA) onto an opaque RGB row, 4 pixels at a time,
 * with factor f (0..255) times the clip row m (NULL: none):
 * d = s*F/255 + d*(255 - a*F/255)/255, saturated, F = f*m/255, exactly as
 * the scalar loop in ras_comp_layer. Needs n >= 6 to read 16 destination
 * bytes safely; returns the pixels done. */
#define LAYER_LOOP(SUF, ATTR)                                                  \
  ATTR static int layer_rgb##SUF(uint8_t *dp, const uint8_t *sp, uint32_t f,   \
                                 const uint8_t *m, int n) {                    \
    const v16u8 ma = {3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15}; \
    const v16u8 mf = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};         \
    const v16u8 mx = {0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0};       \
    const v16u8 mc = {0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0};     \
    v16u16 F = {0};                                                            \
    F += (uint16_t)f;                                                          \
    int i = 0;                                                                 \
    for (; i + 6 <= n; i += 4, sp += 16, dp += 12) {                           \
      v16u8 vs, vd;                                                            \
      memcpy(&vs, sp, 16);                                                     \
      if (!(vs[3] | vs[7] | vs[11] | vs[15]))                                  \
        continue;                                                              \
      int full = f == 255;                                                     \
      if (m) {                                                                 \
        v16u8 vm = {0};                                                        \
        memcpy(&vm, m + i, 4);                                                 \
        F = __builtin_convertvector(__builtin_shuffle(vm, mf), v16u16);        \
        if (f != 255) {                                                        \
          F = F * (uint16_t)f + 128;                                           \
          F = (F + (F >> 8)) >> 8;                                             \
        }                                                                      \
        full = 0;                                                              \
      }                                                                        \
      memcpy(&vd, dp, 16);                                                     \
      v16u16 S = __builtin_convertvector(vs, v16u16);                          \
      v16u16 A = __builtin_convertvector(__builtin_shuffle(vs, ma), v16u16);   \
      v16u16 D = __builtin_convertvector(__builtin_shuffle(vd, mx), v16u16);   \
      if (!full) {                                                             \
        S = S * F + 128;                                                       \
        S = (S + (S >> 8)) >> 8;                                               \
        A = A * F + 128;                                                       \
        A = (A + (A >> 8)) >> 8;                                               \
      }                                                                        \
      v16u16 x = D * (255 - A) + 128;                                          \
      x = S + ((x + (x >> 8)) >> 8);                                           \
      v16u16 gt = (v16u16)(x > 255);                                           \
      x = (x & ~gt) | (gt & 255);                                              \
      v16u8 r = __builtin_shuffle(__builtin_convertvector(x, v16u8), mc);      \
      memcpy(dp, &r, 12);                                                      \
    }                                                                          \
    return i;                                                                  \
  }
LAYER_LOOP(_sse2, )
LAYER_LOOP(_avx2, __attribute__((target("avx2"))))

/* The same for a gray+alpha layer onto an opaque gray row, 8 pixels at a
 * time (gray in the even lanes, alpha in the odd ones). */
#define LAYER_GRAY_LOOP(SUF, ATTR)                                             \
  ATTR static int layer_gray##SUF(uint8_t *dp, const uint8_t *sp, uint32_t f,  \
                                  const uint8_t *m, int n) {                   \
    const v16u8 ma = {1, 1, 3, 3, 5, 5, 7, 7, 9, 9, 11, 11, 13, 13, 15, 15};   \
    const v16u8 mx = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7};         \
    const v16u8 mc = {0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0};      \
    v16u16 F = {0};                                                            \
    F += (uint16_t)f;                                                          \
    int i = 0;                                                                 \
    for (; i + 8 <= n; i += 8, sp += 16, dp += 8) {                            \
      v16u8 vs, vd = {0};                                                      \
      memcpy(&vs, sp, 16);                                                     \
      v16u8 va = __builtin_shuffle(vs, ma);                                    \
      uint64_t lo, hi;                                                         \
      memcpy(&lo, &va, 8);                                                     \
      memcpy(&hi, (const uint8_t *)&va + 8, 8);                                \
      if (!(lo | hi))                                                          \
        continue;                                                              \
      int full = f == 255;                                                     \
      if (m) {                                                                 \
        v16u8 vm = {0};                                                        \
        memcpy(&vm, m + i, 8);                                                 \
        F = __builtin_convertvector(__builtin_shuffle(vm, mx), v16u16);        \
        if (f != 255) {                                                        \
          F = F * (uint16_t)f + 128;                                           \
          F = (F + (F >> 8)) >> 8;                                             \
        }                                                                      \
        full = 0;                                                              \
      }                                                                        \
      memcpy(&vd, dp, 8);                                                      \
      v16u16 S = __builtin_convertvector(vs, v16u16);                          \
      v16u16 A = __builtin_convertvector(va, v16u16);                          \
      v16u16 D = __builtin_convertvector(__builtin_shuffle(vd, mx), v16u16);   \
      if (!full) {                                                             \
        S = S * F + 128;                                                       \
        S = (S + (S >> 8)) >> 8;                                               \
        A = A * F + 128;                                                       \
        A = (A + (A >> 8)) >> 8;                                               \
      }                                                                        \
      v16u16 x = D * (255 - A) + 128;                                          \
      x = S + ((x + (x >> 8)) >> 8);                                           \
      v16u16 gt = (v16u16)(x > 255);                                           \
      x = (x & ~gt) | (gt & 255);                                              \
      v16u8 r = __builtin_shuffle(__builtin_convertvector(x, v16u8), mc);      \
      memcpy(dp, &r, 8);                                                       \
    }                                                                          \
    return i;                                                                  \
  }
LAYER_GRAY_LOOP(_sse2, )
LAYER_GRAY_LOOP(_avx2, __attribute__((target("avx2"))))
#endif

/* Blends whole runs of 16 pixels; returns how many pixels it did. */
static int blend_gray_vec(uint8_t *p, const uint8_t *a, uint8_t c, int n) {
#ifdef VEC_BLEND
  return __builtin_cpu_supports("avx2") ? gray_vec_avx2(p, a, c, n)
                                        : gray_vec_sse2(p, a, c, n);
#else
  (void)p, (void)a, (void)c, (void)n;
  return 0;
#endif
}

static int blend_rgb_vec(uint8_t *p, const uint8_t *a, const uint8_t *pat,
                         int n) {
#ifdef VEC_BLEND
  return __builtin_cpu_supports("avx2") ? rgb_vec_avx2(p, a, pat, n)
                                        : rgb_vec_sse2(p, a, pat, n);
#else
  (void)p, (void)a, (void)pat, (void)n;
  return 0;
#endif
}

/* Blends colour c with per-pixel source alpha s[] (NULL: constant sa).
 * Specialised for the opaque gray and RGB bases, where pages spend their
 * time; layers take the general loop. */
static void blend(ras_surf *d, uint8_t *p, int len, const uint8_t *c,
                  const uint8_t *s, uint32_t sa, ras_fill *f) {
  int nc = d->nc;
  if (!d->alpha && s && len >= 16 && f) {
    /* The vector loop does whole runs of 16, the scalar one the rest. */
    if (nc == 3 && !f->pat_ok) {
      for (int k = 0; k < 48; k += 3)
        memcpy(f->pat + k, c, 3);
      f->pat_ok = 1;
    }
    int done = nc == 1   ? blend_gray_vec(p, s, c[0], len)
               : nc == 3 ? blend_rgb_vec(p, s, f->pat, len)
                         : 0;
    p += (size_t)done * (size_t)nc;
    s += done;
    len -= done;
  }
  if (!d->alpha && !s) {
    uint32_t ia = 255 - sa;
    if (nc == 1) {
      uint32_t cs = c[0] * sa;
      for (int i = 0; i < len; i++)
        p[i] = (uint8_t)ras_div255(p[i] * ia + cs);
    } else {
      uint32_t c0 = c[0] * sa, c1 = c[1] * sa, c2 = c[2] * sa;
      for (int i = 0; i < len; i++, p += 3) {
        p[0] = (uint8_t)ras_div255(p[0] * ia + c0);
        p[1] = (uint8_t)ras_div255(p[1] * ia + c1);
        p[2] = (uint8_t)ras_div255(p[2] * ia + c2);
      }
    }
    return;
  }
  if (!d->alpha && nc == 1) {
    for (int i = 0; i < len; i++) {
      uint32_t a = s[i];
      if (a == 255)
        p[i] = c[0];
      else if (a)
        p[i] = (uint8_t)ras_div255(p[i] * (255 - a) + c[0] * a);
    }
    return;
  }
  if (!d->alpha && nc == 3) {
    for (int i = 0; i < len; i++, p += 3)
      ras_over_rgb(p, c, s[i]);
    return;
  }
  /* Premultiplied layers. */
  if (nc == 3) {
    for (int i = 0; i < len; i++, p += 4) {
      uint32_t a = s ? s[i] : sa;
      if (a == 255) {
        p[0] = c[0];
        p[1] = c[1];
        p[2] = c[2];
        p[3] = 255;
      } else if (a) {
        uint32_t ia = 255 - a;
        p[0] = (uint8_t)ras_div255(p[0] * ia + c[0] * a);
        p[1] = (uint8_t)ras_div255(p[1] * ia + c[1] * a);
        p[2] = (uint8_t)ras_div255(p[2] * ia + c[2] * a);
        p[3] = (uint8_t)(a + ras_div255(p[3] * ia));
      }
    }
    return;
  }
  int bpp = nc + 1;
  for (int i = 0; i < len; i++, p += bpp) {
    uint32_t a = s ? s[i] : sa;
    if (!a)
      continue;
    uint32_t ia = 255 - a;
    for (int k = 0; k < nc; k++)
      p[k] = (uint8_t)ras_div255(p[k] * ia + c[k] * a);
    p[nc] = (uint8_t)(a + ras_div255(p[nc] * ia));
  }
}

void ras_comp_fill_span(void *ud, int y, int x, int len, const uint8_t *cov,
                        int a) {
  ras_fill *f = ud;
  ras_surf *d = f->dst;
  const ras_mask *m = f->clip;
  if (y < d->y0 || y >= d->y1)
    return;
  int x0 = d->x0, x1 = d->x1;
  if (m) {
    if (y < m->y0 || y >= m->y1)
      return;
    if (m->x0 > x0)
      x0 = m->x0;
    if (m->x1 < x1)
      x1 = m->x1;
  }
  len = clip_span(&x, len, &cov, x0, x1);
  if (len <= 0)
    return;
  int bpp = d->nc + d->alpha;
  uint8_t *p = d->data + (size_t)(y - d->y0) * d->stride +
               (size_t)(x - d->x0) * (size_t)bpp;
  if (!cov && !m) {
    uint32_t sa = ras_div255((uint32_t)a * f->a);
    if (sa == 255 && !d->alpha) {
      fill_solid(d, p, len, f->c);
    } else if (!d->alpha && len >= 32 && f->tmp) {
      /* Long translucent runs: the vector loop with a constant alpha. */
      memset(f->tmp, (int)sa, (size_t)len);
      blend(d, p, len, f->c, f->tmp, 0, f);
    } else {
      blend(d, p, len, f->c, NULL, sa, NULL);
    }
    return;
  }
  uint8_t *s = f->tmp;
  const uint8_t *mr =
      m ? m->data + (size_t)(y - m->y0) * m->stride + (size_t)(x - m->x0)
        : NULL;
  if (f->a == 255 && !mr) {
    blend(d, p, len, f->c, cov, 0, f);
    return;
  }
  if (f->a == 255 && !cov && a == 255) {
    /* Full coverage inside a clip: the clip row is the alpha. */
    blend(d, p, len, f->c, mr, 0, f);
    return;
  }
  for (int i = 0; i < len; i++) {
    uint32_t v = (uint32_t)(cov ? cov[i] : a);
    if (f->a != 255)
      v = ras_div255(v * f->a);
    s[i] = (uint8_t)(mr ? ras_div255(v * mr[i]) : v);
  }
  blend(d, p, len, f->c, s, 0, f);
}

void ras_comp_mask_span(void *ud, int y, int x, int len, const uint8_t *cov,
                        int a) {
  ras_mask_build *mb = ud;
  ras_mask *m = mb->m;
  const ras_mask *pm = mb->parent;
  if (y < m->y0 || y >= m->y1)
    return;
  len = clip_span(&x, len, &cov, m->x0, m->x1);
  if (len <= 0)
    return;
  uint8_t *p = m->data + (size_t)(y - m->y0) * m->stride + (size_t)(x - m->x0);
  for (int i = 0; i < len; i++) {
    uint32_t v = cov ? cov[i] : (uint32_t)a;
    if (pm)
      v = ras_div255(v * (uint32_t)ras_mask_at(pm, x + i, y));
    p[i] = (uint8_t)v;
  }
}

void ras_comp_layer(ras_surf *d, const ras_surf *s, int opacity,
                    const ras_mask *clip) {
  int x0 = s->x0 > d->x0 ? s->x0 : d->x0;
  int x1 = s->x1 < d->x1 ? s->x1 : d->x1;
  int y0 = s->y0 > d->y0 ? s->y0 : d->y0;
  int y1 = s->y1 < d->y1 ? s->y1 : d->y1;
  if (clip) {
    /* Outside the clip's rectangle nothing shows. */
    x0 = clip->x0 > x0 ? clip->x0 : x0;
    x1 = clip->x1 < x1 ? clip->x1 : x1;
    y0 = clip->y0 > y0 ? clip->y0 : y0;
    y1 = clip->y1 < y1 ? clip->y1 : y1;
  }
  int nc = d->nc, dbpp = nc + d->alpha, sbpp = s->nc + 1;
  for (int y = y0; y < y1; y++) {
    const uint8_t *sp = s->data + (size_t)(y - s->y0) * s->stride +
                        (size_t)(x0 - s->x0) * (size_t)sbpp;
    uint8_t *dp = d->data + (size_t)(y - d->y0) * d->stride +
                  (size_t)(x0 - d->x0) * (size_t)dbpp;
    const uint8_t *mr = clip ? clip->data +
                                   (size_t)(y - clip->y0) * clip->stride +
                                   (size_t)(x0 - clip->x0)
                             : NULL;
    int x = x0;
#ifdef VEC_BLEND
    if (nc == 3 && !d->alpha && s->nc == 3 && opacity > 0) {
      int done = __builtin_cpu_supports("avx2")
                     ? layer_rgb_avx2(dp, sp, (uint32_t)opacity, mr, x1 - x0)
                     : layer_rgb_sse2(dp, sp, (uint32_t)opacity, mr, x1 - x0);
      x += done;
      sp += (size_t)done * 4;
      dp += (size_t)done * 3;
    } else if (nc == 1 && !d->alpha && s->nc == 1 && opacity > 0) {
      int done = __builtin_cpu_supports("avx2")
                     ? layer_gray_avx2(dp, sp, (uint32_t)opacity, mr, x1 - x0)
                     : layer_gray_sse2(dp, sp, (uint32_t)opacity, mr, x1 - x0);
      x += done;
      sp += (size_t)done * 2;
      dp += (size_t)done;
    }
#endif
    for (; x < x1; x++, sp += sbpp, dp += dbpp) {
      uint32_t la = sp[s->nc];
      if (!la)
        continue;
      uint32_t f = (uint32_t)opacity;
      if (mr)
        f = ras_div255(f * mr[x - x0]);
      if (!f)
        continue;
      if (f == 255 && la == 255 && !d->alpha) {
        for (int k = 0; k < nc; k++)
          dp[k] = sp[k];
        continue;
      }
      uint32_t sa = f == 255 ? la : ras_div255(la * f), ia = 255 - sa;
      for (int k = 0; k < nc; k++) {
        uint32_t sc = f == 255 ? sp[k] : ras_div255(sp[k] * f);
        uint32_t v = sc + ras_div255(dp[k] * ia);
        dp[k] = (uint8_t)(v > 255 ? 255 : v);
      }
      if (d->alpha) {
        uint32_t v = sa + ras_div255(dp[nc] * ia);
        dp[nc] = (uint8_t)(v > 255 ? 255 : v);
      }
    }
  }
}
