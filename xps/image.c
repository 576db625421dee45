/* ImageSource resolution, decoding glue and the job image cache (see
 * image.h). */
#include "xps/image.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render/cms.h"
#include "render/image_decode.h"

typedef struct entry {
  char *key;      /* "image-part\nprofile-part" */
  ras_image *img; /* NULL: decoding failed (status says why) */
  int status;
  char msg[256]; /* the failure, repeated in later warnings */
  size_t bytes;
  unsigned long long used; /* LRU clock */
} entry;

struct xps_images {
  pthread_mutex_t mu;
  entry *e;
  int n;
  size_t bytes;
  unsigned long long clock;
  atomic_int decoded;
};

int xps_images_new(xps_images **out) {
  *out = NULL;
  xps_images *c = calloc(1, sizeof *c);
  if (!c)
    return XR_E_NOMEM;
  c->e = calloc(XPS_IMAGE_CACHE_ENTRIES, sizeof *c->e);
  if (!c->e || pthread_mutex_init(&c->mu, NULL)) {
    free(c->e);
    free(c);
    return XR_E_NOMEM;
  }
  *out = c;
  return 0;
}

void xps_images_drop(xps_images *c) {
  if (!c)
    return;
  for (int i = 0; i < c->n; i++) {
    free(c->e[i].key);
    ras_image_drop(c->e[i].img);
  }
  free(c->e);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

int xps_images_decoded(xps_images *c) {
  return c ? atomic_load(&c->decoded) : 0;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies the next whitespace-delimited token of *s (stopping at end) into
 * out; returns its length, 0 when none, -1 when it does not fit. */
static int token(const char **s, const char *end, char *out, size_t size) {
  const char *p = *s;
  while (p < end && is_space(*p))
    p++;
  const char *q = p;
  while (q < end && !is_space(*q))
    q++;
  *s = q;
  if ((size_t)(q - p) >= size)
    return -1;
  memcpy(out, p, (size_t)(q - p));
  out[q - p] = '\0';
  return (int)(q - p);
}

int xps_image_source_parse(const char *source, char *image, size_t isize,
                           char *profile, size_t psize) {
  const char *s = source;
  while (is_space(*s))
    s++;
  size_t n = strlen(s);
  while (n && is_space(s[n - 1]))
    n--;
  profile[0] = '\0';
  if (n && s[0] == '{') {
    static const char kw[] = "ColorConvertedBitmap";
    if (s[n - 1] != '}')
      return XR_E_SYNTAX;
    const char *p = s + 1, *end = s + n - 1;
    char word[32];
    if (token(&p, end, word, sizeof word) <= 0 || strcmp(word, kw) != 0)
      return XR_E_SYNTAX;
    if (token(&p, end, image, isize) <= 0 ||
        token(&p, end, profile, psize) <= 0)
      return XR_E_SYNTAX;
    char extra[2];
    if (token(&p, end, extra, sizeof extra) != 0)
      return XR_E_SYNTAX;
    return 0;
  }
  const char *p = s;
  if (token(&p, s + n, image, isize) <= 0 || p != s + n)
    return XR_E_SYNTAX;
  return 0;
}

/* Looks key up; on a hit returns the entry index (cache locked by the
 * caller). */
static int find(xps_images *c, const char *key) {
  for (int i = 0; i < c->n; i++)
    /* Part names compare case-insensitively (OPC). */
    if (strcasecmp(c->e[i].key, key) == 0)
      return i;
  return -1;
}

static void evict_one(xps_images *c) {
  int victim = 0;
  for (int i = 1; i < c->n; i++)
    if (c->e[i].used < c->e[victim].used)
      victim = i;
  c->bytes -= c->e[victim].bytes;
  free(c->e[victim].key);
  ras_image_drop(c->e[victim].img);
  c->e[victim] = c->e[--c->n];
}

/* Stores a result (img may be NULL for a failure). The cache takes its own
 * reference. Out of memory only means the result is not cached. */
static void store(xps_images *c, const char *key, ras_image *img, int status,
                  const char *msg) {
  size_t bytes = 0;
  if (img)
    for (int l = 0; l < img->nlevels; l++)
      bytes += (size_t)img->lv[l].w * (size_t)img->lv[l].h * 4;
  if (bytes > XPS_IMAGE_CACHE_BYTES)
    return; /* bigger than the whole cache: decode per use */
  pthread_mutex_lock(&c->mu);
  if (find(c, key) >= 0)
    goto out; /* another thread was first */
  while (c->n && (c->n == XPS_IMAGE_CACHE_ENTRIES ||
                  c->bytes + bytes > XPS_IMAGE_CACHE_BYTES))
    evict_one(c);
  char *k = strdup(key);
  if (!k)
    goto out;
  entry *e = &c->e[c->n++];
  memset(e, 0, sizeof *e);
  e->key = k;
  e->img = ras_image_keep(img);
  e->status = status;
  snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "");
  e->bytes = bytes;
  e->used = ++c->clock;
  c->bytes += bytes;
out:
  pthread_mutex_unlock(&c->mu);
}

/* 1 and *out (a new reference, or NULL with *status and msg for a cached
 * failure) on a hit; 0 on a miss. */
static int lookup(xps_images *c, const char *key, ras_image **out, int *status,
                  char *msg, size_t msize) {
  pthread_mutex_lock(&c->mu);
  int i = find(c, key);
  if (i >= 0) {
    entry *e = &c->e[i];
    e->used = ++c->clock;
    *out = ras_image_keep(e->img);
    *status = e->status;
    snprintf(msg, msize, "%s", e->msg);
  }
  pthread_mutex_unlock(&c->mu);
  return i >= 0;
}

/* Reads, decodes and prepares one image. On failure fills err (part =
 * the image part). */
static int decode(const xps_ctx *ctx, xps_pkg *pkg, const char *ipart,
                  const char *ppart, long line, const char *base,
                  ras_image **out, xr_errinfo *err) {
  *out = NULL;
  xps_part *part = NULL;
  int rc = xps_pkg_read_part(pkg, ipart, &part, err);
  if (rc < 0) {
    if (rc == XR_E_NOMEM || rc == XR_E_CANCELLED || rc == XR_E_IO)
      return rc;
    char why[sizeof err->msg];
    snprintf(why, sizeof why, "%s", err && err->msg[0] ? err->msg : "");
    return xr_errinfo_set(err, rc, ipart, -1, -1, "cannot read the image%s%s",
                          why[0] ? ": " : "", why);
  }
  ras_image *img = NULL;
  rc = ras_image_decode(part->data, part->size, &ctx->limits, &img, err);
  xps_part_drop(part);
  if (rc < 0) {
    if (err)
      snprintf(err->part, sizeof err->part, "%s", ipart);
    return rc;
  }
  xps_part *prof = NULL;
  if (ppart[0]) {
    xr_errinfo perr;
    xr_errinfo_clear(&perr);
    int prc = xps_pkg_read_part(pkg, ppart, &prof, &perr);
    if (prc == XR_E_NOMEM || prc == XR_E_CANCELLED) {
      ras_image_drop(img);
      return prc;
    }
    if (prc < 0)
      xps_warn(ctx, prc, ppart, -1,
               "ColorConvertedBitmap profile for %s (%s:%ld): %s; using the "
               "image's own colour space",
               ipart, base, line, perr.msg);
  }
  int warned = 0;
  rc = ras_image_prepare(img, ctx->cms, prof ? prof->data : NULL,
                         prof ? prof->size : 0, &warned);
  if (rc == 0 && warned)
    xps_warn(ctx, XR_E_FORMAT, prof ? ppart : ipart, -1,
             "%s ICC profile of image %s not usable; read in the default "
             "%s space",
             prof ? "source" : "embedded", ipart,
             img->n == 1   ? "gray"
             : img->n == 3 ? "sRGB"
                           : "CMYK");
  xps_part_drop(prof);
  if (rc < 0) {
    ras_image_drop(img);
    return rc;
  }
  *out = img;
  return 0;
}

int xps_image_load(const xps_ctx *ctx, xps_pkg *pkg, const char *base,
                   const char *source, long line, ras_image **out) {
  *out = NULL;
  char iref[1024], pref[1024], ipart[1024], ppart[1024] = "";
  if (xps_image_source_parse(source, iref, sizeof iref, pref, sizeof pref) <
          0 ||
      xps_resolve_uri(base, iref, ipart, sizeof ipart) < 0 ||
      (pref[0] && xps_resolve_uri(base, pref, ppart, sizeof ppart) < 0)) {
    xps_warn(ctx, XR_E_SYNTAX, base, line, "bad ImageSource '%.80s'", source);
    return XR_E_SYNTAX;
  }
  if (xps_cancelled(ctx))
    return XR_E_CANCELLED;
  char key[2100];
  snprintf(key, sizeof key, "%s\n%s", ipart, ppart);
  int status = 0;
  char msg[256] = "";
  ras_image *img = NULL;
  if (ctx->images && lookup(ctx->images, key, &img, &status, msg, sizeof msg)) {
    if (img) {
      *out = img;
      return 0;
    }
    xps_warn(ctx, status, ipart, -1, "%s (used at %s:%ld); element skipped",
             msg, base, line);
    return XR_E_SYNTAX;
  }
  xr_errinfo err;
  xr_errinfo_clear(&err);
  int rc = decode(ctx, pkg, ipart, ppart, line, base, &img, &err);
  if (ctx->images)
    atomic_fetch_add(&ctx->images->decoded, 1);
  if (rc == XR_E_NOMEM || rc == XR_E_CANCELLED || rc == XR_E_IO)
    return rc;
  if (rc < 0) {
    /* Remember the failure: the same broken image may be used again. */
    if (ctx->images)
      store(ctx->images, key, NULL, rc, err.msg);
    xps_warn(ctx, rc, ipart, -1, "%s (used at %s:%ld); element skipped",
             err.msg, base, line);
    return XR_E_SYNTAX;
  }
  if (ctx->images)
    store(ctx->images, key, img, 0, NULL);
  *out = img;
  return 0;
}
