/* Font fixtures for the text tests: reading the DejaVu fonts and building
 * a TrueType collection from two fonts in memory. Header-only so that the
 * render tests (which link no xps/ code) and the xps tests share it. */
#ifndef XR_TEXT_FIXTURE_H
#define XR_TEXT_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEJAVU_DIR "/usr/share/fonts/truetype/dejavu/"
#define DEJAVU_SANS DEJAVU_DIR "DejaVuSans.ttf"
#define DEJAVU_SERIF DEJAVU_DIR "DejaVuSerif.ttf"

static inline unsigned char *fx_read(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return b;
}

static inline uint32_t fx_be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static inline void fx_put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* A 'ttcf' v1 collection of fonts a and b: each font's table directory is
 * copied with its table offsets moved by where the font now starts. */
static inline unsigned char *fx_ttc(const unsigned char *a, size_t na,
                                    const unsigned char *b, size_t nb,
                                    size_t *size) {
  size_t hdr = 12 + 2 * 4;
  size_t oa = hdr, ob = (oa + na + 3) & ~(size_t)3;
  size_t n = ob + nb;
  unsigned char *t = calloc(1, n);
  if (!t)
    return NULL;
  memcpy(t, "ttcf", 4);
  fx_put32(t + 4, 0x00010000);
  fx_put32(t + 8, 2);
  fx_put32(t + 12, (uint32_t)oa);
  fx_put32(t + 16, (uint32_t)ob);
  memcpy(t + oa, a, na);
  memcpy(t + ob, b, nb);
  size_t bases[2] = {oa, ob};
  for (int f = 0; f < 2; f++) {
    unsigned char *d = t + bases[f];
    unsigned nt = (unsigned)d[4] << 8 | d[5];
    for (unsigned i = 0; i < nt; i++) {
      unsigned char *rec = d + 12 + 16 * i;
      fx_put32(rec + 8, fx_be32(rec + 8) + (uint32_t)bases[f]);
    }
  }
  *size = n;
  return t;
}

/* Table tag of a single-font sfnt, or NULL; *len receives its length. */
static inline const unsigned char *fx_table(const unsigned char *f, size_t n,
                                            const char *tag, uint32_t *len) {
  if (n < 12)
    return NULL;
  unsigned nt = (unsigned)f[4] << 8 | f[5];
  for (unsigned i = 0; i < nt && 12 + 16 * (size_t)(i + 1) <= n; i++) {
    const unsigned char *r = f + 12 + 16 * i;
    uint32_t off = fx_be32(r + 8), l = fx_be32(r + 12);
    if (!memcmp(r, tag, 4) && off <= n && l <= n - off) {
      *len = l;
      return f + off;
    }
  }
  return NULL;
}

/* A copy of single-font sfnt f with table tag (data t, length tl)
 * appended: the directory grows by one record, so every table moves by 16
 * bytes. */
static inline unsigned char *fx_add_table(const unsigned char *f, size_t n,
                                          const char *tag,
                                          const unsigned char *t, size_t tl,
                                          size_t *out_len) {
  unsigned nt = (unsigned)f[4] << 8 | f[5];
  size_t dir = 12 + 16 * (size_t)nt;
  size_t body = n - dir, at = (n + 16 + 3) & ~(size_t)3;
  unsigned char *o = calloc(1, at + tl + 4);
  if (!o)
    return NULL;
  memcpy(o, f, 12);
  o[4] = (unsigned char)((nt + 1) >> 8);
  o[5] = (unsigned char)(nt + 1);
  for (unsigned i = 0; i < nt; i++) {
    memcpy(o + 12 + 16 * i, f + 12 + 16 * i, 16);
    fx_put32(o + 12 + 16 * i + 8, fx_be32(f + 12 + 16 * i + 8) + 16);
  }
  unsigned char *r = o + 12 + 16 * nt;
  memcpy(r, tag, 4);
  fx_put32(r + 8, (uint32_t)at);
  fx_put32(r + 12, (uint32_t)tl);
  memcpy(o + dir + 16, f + dir, body);
  memcpy(o + at, t, tl);
  *out_len = at + tl;
  return o;
}

static inline int fx_s16(const unsigned char *p) {
  return (int16_t)(uint16_t)(p[0] << 8 | p[1]);
}

#endif
