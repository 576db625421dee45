/* Per-job font table, ODTTF de-obfuscation and the fallback (font.h). */
#include "xps/font.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xps/ctx.h"

#define NBUCKETS 256
/* A fallback font file larger than this is not a font we ship. */
#define FALLBACK_MAX (64u << 20)

typedef struct entry {
  struct entry *next;
  ras_font *font; /* NULL: the part was bad, the fallback stands in */
  int index;
  char name[];
} entry;

struct xps_fonts {
  pthread_mutex_t lock;
  entry *buckets[NBUCKETS];
  int count;
  size_t bytes; /* font data loaded for the job, against JOB_MEMORY */
  ras_font *fallback;
  int fallback_tried;
  char *fallback_path;
};

int xps_fonts_new(const char *fallback, xps_fonts **out) {
  *out = NULL;
  xps_fonts *t = calloc(1, sizeof *t);
  if (!t)
    return XR_E_NOMEM;
  t->fallback_path = strdup(fallback ? fallback : XPS_FALLBACK_FONT);
  if (!t->fallback_path)
    goto fail_path;
  if (pthread_mutex_init(&t->lock, NULL))
    goto fail_mutex;
  *out = t;
  return 0;
fail_mutex:
  free(t->fallback_path);
fail_path:
  free(t);
  return XR_E_NOMEM;
}

void xps_fonts_drop(xps_fonts *t) {
  if (!t)
    return;
  for (int i = 0; i < NBUCKETS; i++) {
    for (entry *e = t->buckets[i], *n; e; e = n) {
      n = e->next;
      ras_font_drop(e->font);
      free(e);
    }
  }
  ras_font_drop(t->fallback);
  pthread_mutex_destroy(&t->lock);
  free(t->fallback_path);
  free(t);
}

int xps_fonts_count(xps_fonts *t) {
  pthread_mutex_lock(&t->lock);
  int n = t->count;
  pthread_mutex_unlock(&t->lock);
  return n;
}

static unsigned hash_name(const char *s, int index) {
  unsigned h = 2166136261u ^ (unsigned)index;
  for (; *s; s++)
    h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 16777619u;
  return h % NBUCKETS;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int xps_font_is_obfuscated(const char *part) {
  size_t n = strlen(part);
  return n >= 6 && !strcasecmp(part + n - 6, ".odttf");
}

int xps_font_guid_key(const char *part, unsigned char key[16]) {
  const char *base = strrchr(part, '/');
  base = base ? base + 1 : part;
  const char *dot = strrchr(base, '.');
  size_t n = dot ? (size_t)(dot - base) : strlen(base);
  if (n >= 2 && base[0] == '{' && base[n - 1] == '}') {
    base++;
    n -= 2;
  }
  /* 8-4-4-4-12 hex digits. */
  static const int dash[] = {8, 13, 18, 23};
  if (n != 36)
    return XR_E_FORMAT;
  unsigned char g[16];
  int k = 0, d = 0;
  for (size_t i = 0; i < n; i++) {
    if (d < 4 && (int)i == dash[d]) {
      if (base[i] != '-')
        return XR_E_FORMAT;
      d++;
      continue;
    }
    int v = hexval((unsigned char)base[i]);
    if (v < 0)
      return XR_E_FORMAT;
    if (k % 2 == 0)
      g[k / 2] = (unsigned char)(v << 4);
    else
      g[k / 2] |= (unsigned char)v;
    k++;
  }
  /* The key is the GUID's bytes, as written in the name, in reverse. */
  for (int i = 0; i < 16; i++)
    key[i] = g[15 - i];
  return 0;
}

int xps_font_deobfuscate(const unsigned char key[16], unsigned char *data,
                         size_t size) {
  if (size < 32)
    return XR_E_FORMAT;
  for (int i = 0; i < 32; i++)
    data[i] ^= key[i % 16];
  return 0;
}

static int read_file(const char *path, unsigned char **out, size_t *size) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return XR_E_IO;
  int rc = XR_E_IO;
  unsigned char *buf = NULL;
  long n;
  if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 ||
      (unsigned long)n > FALLBACK_MAX || fseek(fp, 0, SEEK_SET))
    goto done;
  buf = malloc(n ? (size_t)n : 1);
  if (!buf) {
    rc = XR_E_NOMEM;
    goto done;
  }
  if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
    free(buf);
    buf = NULL;
    goto done;
  }
  *out = buf;
  *size = (size_t)n;
  rc = 0;
done:
  fclose(fp);
  return rc;
}

/* Caller holds the lock. */
static ras_font *fallback(xps_fonts *t, const xps_ctx *ctx) {
  if (!t->fallback_tried) {
    t->fallback_tried = 1;
    unsigned char *d = NULL;
    size_t n = 0;
    xr_errinfo e;
    xr_errinfo_clear(&e);
    int rc = read_file(t->fallback_path, &d, &n);
    if (!rc)
      rc = ras_font_new(d, n, 0, t->fallback_path, &t->fallback, &e);
    if (rc)
      xps_warn(ctx, rc, t->fallback_path, -1,
               "fallback font unusable (%s): text is not drawn",
               xr_strerror(rc));
  }
  return ras_font_keep(t->fallback);
}

/* Loads part face index; on failure warns and returns NULL. */
static ras_font *load_part(xps_pkg *pkg, const char *part, int index,
                           const xps_ctx *ctx, const char *from, long line) {
  xr_errinfo e;
  xr_errinfo_clear(&e);
  xps_part *p = NULL;
  int rc;
  unsigned char key[16];
  if (!pkg) {
    rc = XR_E_NOTFOUND;
  } else {
    rc = xps_pkg_read_part(pkg, part, &p, &e);
  }
  if (rc) {
    xps_warn(ctx, rc, part, -1,
             "font part unreadable: %s (used by %s line %ld); using the "
             "fallback font",
             e.msg[0] ? e.msg : xr_strerror(rc), from, line);
    return NULL;
  }
  unsigned char *d = p->data;
  size_t n = p->size;
  p->data = NULL;
  xps_part_drop(p);
  /* Obfuscated: named .odttf, or so typed in [Content_Types].xml. */
  const char *ct = xps_pkg_content_type(pkg, part);
  int obf = xps_font_is_obfuscated(part) ||
            (ct && !strcasecmp(ct, XPS_CT_OBFUSCATED_FONT));
  if (obf && xps_font_guid_key(part, key)) {
    free(d);
    xps_warn(ctx, XR_E_FORMAT, part, -1,
             "obfuscated font part name holds no GUID (used by %s line "
             "%ld); using the fallback font",
             from, line);
    return NULL;
  }
  if (obf && xps_font_deobfuscate(key, d, n)) {
    free(d);
    xps_warn(ctx, XR_E_FORMAT, part, -1,
             "obfuscated font part is truncated (%zu bytes, used by %s line "
             "%ld); using the fallback font",
             n, from, line);
    return NULL;
  }
  ras_font *f = NULL;
  rc = ras_font_new(d, n, index, part, &f, &e);
  if (rc) {
    xps_warn(ctx, rc, part, -1,
             "bad font: %s (used by %s line %ld); using the fallback font",
             e.msg[0] ? e.msg : xr_strerror(rc), from, line);
    return NULL;
  }
  /* Usable through Indices, but characters cannot be mapped: say so once
   * per part (FreeType drops a cmap that points outside the font). */
  if (!ras_font_has_cmap(f))
    xps_warn(ctx, XR_E_FORMAT, part, -1,
             "font has no usable cmap (used by %s line %ld): characters "
             "without glyph indices draw as .notdef",
             from, line);
  return f;
}

ras_font *xps_fonts_load(xps_fonts *t, xps_pkg *pkg, const char *part,
                         int index, const xps_ctx *ctx, const char *from,
                         long line, int *used_fallback) {
  ras_font *f = NULL;
  if (used_fallback)
    *used_fallback = 0;
  pthread_mutex_lock(&t->lock);
  unsigned h = hash_name(part, index);
  entry *e = t->buckets[h];
  while (e && (e->index != index || strcasecmp(e->name, part)))
    e = e->next;
  if (e) {
    f = ras_font_keep(e->font);
  } else {
    f = load_part(pkg, part, index, ctx, from ? from : "?", line);
    size_t budget = (size_t)xps_limit(ctx, XR_LIMIT_JOB_MEMORY);
    if (f &&
        ras_font_size(f) > budget - (t->bytes < budget ? t->bytes : budget)) {
      xps_warn(ctx, XR_E_LIMIT, part, -1,
               "fonts of this job would exceed JOB_MEMORY (%zu bytes "
               "loaded); using the fallback font",
               t->bytes);
      ras_font_drop(f);
      f = NULL;
    } else if (f) {
      t->bytes += ras_font_size(f);
    }
    if (t->count < XPS_FONTS_MAX) {
      size_t len = strlen(part);
      e = malloc(sizeof *e + len + 1);
      if (e) {
        memcpy(e->name, part, len + 1);
        e->index = index;
        e->font = ras_font_keep(f);
        e->next = t->buckets[h];
        t->buckets[h] = e;
        t->count++;
      }
    }
  }
  if (!f) {
    f = fallback(t, ctx);
    if (used_fallback)
      *used_fallback = 1;
  }
  pthread_mutex_unlock(&t->lock);
  return f;
}
