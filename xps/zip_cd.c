#include "xps/zip_cd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xps/zip_fmt.h"

int xps_zip64_extra(const unsigned char *extra, size_t len, uint64_t *size,
                    uint64_t *csize, uint64_t *offset) {
  int need_size = size && *size == 0xFFFFFFFFu;
  int need_csize = csize && *csize == 0xFFFFFFFFu;
  int need_off = offset && *offset == 0xFFFFFFFFu;
  size_t i = 0;
  while (i + 4 <= len) {
    uint16_t id = zip_u16(extra + i), n = zip_u16(extra + i + 2);
    if (n > len - i - 4)
      return -1;
    if (id == 1) {
      const unsigned char *q = extra + i + 4, *end = q + n;
      if (need_size) {
        if (end - q < 8)
          return -1;
        *size = zip_u64(q);
        q += 8;
      }
      if (need_csize) {
        if (end - q < 8)
          return -1;
        *csize = zip_u64(q);
        q += 8;
      }
      if (need_off) {
        if (end - q < 8)
          return -1;
        *offset = zip_u64(q);
      }
      return 0;
    }
    i += 4 + (size_t)n;
  }
  return (need_size || need_csize || need_off) ? -1 : 0;
}

long xps_zip_cd_parse_record(const unsigned char *p, size_t avail,
                             const xps_ctx *ctx, xps_zip_cd_entry *e) {
  if (avail < ZIP_CENTRAL_LEN)
    return 0;
  if (zip_u32(p) != ZIP_SIG_CENTRAL)
    return XR_E_FORMAT;
  size_t nlen = zip_u16(p + 28), xlen = zip_u16(p + 30), clen = zip_u16(p + 32);
  size_t total = ZIP_CENTRAL_LEN + nlen + xlen + clen;
  if ((int64_t)nlen > xps_limit(ctx, XR_LIMIT_NAME_LEN))
    return XR_E_LIMIT;
  if (avail < total)
    return 0;
  memset(e, 0, sizeof *e);
  e->flags = zip_u16(p + 8);
  e->method = zip_u16(p + 10);
  e->crc = zip_u32(p + 16);
  e->csize = zip_u32(p + 20);
  e->size = zip_u32(p + 24);
  uint64_t off = zip_u32(p + 42);
  if (xps_zip64_extra(p + ZIP_CENTRAL_LEN + nlen, xlen, &e->size, &e->csize,
                      &off) < 0)
    return XR_E_FORMAT;
  if (off > INT64_MAX)
    return XR_E_FORMAT;
  e->local_offset = (int64_t)off;
  e->name = malloc(nlen + 1);
  if (!e->name)
    return XR_E_NOMEM;
  memcpy(e->name, p + ZIP_CENTRAL_LEN, nlen);
  e->name[nlen] = '\0';
  if (memchr(e->name, 0, nlen)) {
    free(e->name);
    e->name = NULL;
    return XR_E_FORMAT;
  }
  return (long)total;
}

void xps_zip_cd_free(xps_zip_cd *cd) {
  if (!cd)
    return;
  for (size_t i = 0; i < cd->n; i++)
    free(cd->v[i].name);
  free(cd->v);
  cd->v = NULL;
  cd->n = 0;
}

typedef struct mem_src {
  const unsigned char *base;
  uint64_t size;
} mem_src;

int xps_zip_err_part(int rc, xr_errinfo *err) {
  size_t n = rc < 0 && err ? strlen(err->part) : 0;
  if (n && err->part[0] != '/' && n + 1 < sizeof err->part) {
    memmove(err->part + 1, err->part, n + 1);
    err->part[0] = '/';
  }
  return rc;
}

static int read_at(const mem_src *f, uint64_t off, void *buf, size_t n) {
  if (off > f->size || n > f->size - off)
    return -1;
  memcpy(buf, f->base + off, n);
  return 0;
}

static int cmp_offset(const void *a, const void *b) {
  const xps_zip_cd_entry *x = *(xps_zip_cd_entry *const *)a;
  const xps_zip_cd_entry *y = *(xps_zip_cd_entry *const *)b;
  return x->local_offset < y->local_offset ? -1
                                           : x->local_offset > y->local_offset;
}

/* Finds the end records; fills the entry count and directory extent. */
static int find_eocd(const mem_src *f, const char *path, uint64_t fsize,
                     uint64_t *count, uint64_t *cd_off, uint64_t *cd_size,
                     uint64_t *cd_end, xr_errinfo *err) {
  unsigned char buf[ZIP_EOCD_LEN + 65535];
  size_t tail = fsize < sizeof buf ? (size_t)fsize : sizeof buf;
  if (tail < ZIP_EOCD_LEN || read_at(f, fsize - tail, buf, tail) < 0)
    return xr_errinfo_set(err, XR_E_FORMAT, path, -1, -1,
                          "not a ZIP file: too short for an end record");
  size_t i = tail - ZIP_EOCD_LEN + 1;
  int found = 0;
  while (i-- > 0) {
    if (zip_u32(buf + i) == ZIP_SIG_EOCD &&
        i + ZIP_EOCD_LEN + zip_u16(buf + i + 20) <= tail) {
      found = 1;
      break;
    }
  }
  if (!found)
    return xr_errinfo_set(err, XR_E_FORMAT, path, -1, -1,
                          "not a ZIP file: no end of central directory");
  const unsigned char *e = buf + i;
  uint64_t eocd = fsize - tail + i;
  *count = zip_u16(e + 10);
  *cd_size = zip_u32(e + 12);
  *cd_off = zip_u32(e + 16);
  *cd_end = eocd;
  if (zip_u16(e + 4) != 0 || zip_u16(e + 6) != 0)
    return xr_errinfo_set(err, XR_E_UNSUPPORTED, path, -1, (long long)eocd,
                          "multi-disk ZIP archives are not supported");
  if (*count == 0xFFFF || *cd_size == 0xFFFFFFFFu || *cd_off == 0xFFFFFFFFu) {
    unsigned char loc[20], r[56];
    if (eocd < 20 || read_at(f, eocd - 20, loc, 20) < 0 ||
        zip_u32(loc) != ZIP_SIG_LOC64)
      return xr_errinfo_set(err, XR_E_FORMAT, path, -1, (long long)eocd,
                            "ZIP64 end record locator missing");
    uint64_t r64 = zip_u64(loc + 8);
    if (r64 > eocd - 20 || eocd - 20 - r64 < 56 || read_at(f, r64, r, 56) < 0 ||
        zip_u32(r) != ZIP_SIG_EOCD64)
      return xr_errinfo_set(err, XR_E_FORMAT, path, -1, (long long)r64,
                            "bad ZIP64 end of central directory record");
    *count = zip_u64(r + 32);
    *cd_size = zip_u64(r + 40);
    *cd_off = zip_u64(r + 48);
    *cd_end = r64;
  }
  if (*cd_off > *cd_end || *cd_size > *cd_end - *cd_off)
    return xr_errinfo_set(err, XR_E_FORMAT, path, -1, (long long)*cd_off,
                          "central directory lies outside the file");
  return 0;
}

/* Checks one entry's local header against its central record. */
static int check_local(const mem_src *f, const char *path, uint64_t cd_off,
                       xps_zip_cd_entry *ce, const xps_ctx *ctx,
                       unsigned char *scratch, xr_errinfo *err) {
  unsigned char h[ZIP_LOCAL_LEN];
  long long off = (long long)ce->local_offset;
  (void)path;
  if ((uint64_t)ce->local_offset > cd_off ||
      cd_off - (uint64_t)ce->local_offset < ZIP_LOCAL_LEN ||
      read_at(f, (uint64_t)ce->local_offset, h, sizeof h) < 0)
    return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                          "entry's local header lies outside the file");
  if (zip_u32(h) != ZIP_SIG_LOCAL)
    return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                          "no local header at the entry's offset");
  size_t nlen = zip_u16(h + 26), xlen = zip_u16(h + 28);
  uint16_t flags = zip_u16(h + 6), method = zip_u16(h + 8);
  if (method != ce->method ||
      (flags & ZIP_FLAG_DD) != (ce->flags & ZIP_FLAG_DD))
    return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                          "local header disagrees with the central directory "
                          "(method or flags)");
  if (ce->flags & ZIP_FLAG_ENCRYPTED)
    return xr_errinfo_set(err, XR_E_UNSUPPORTED, ce->name, -1, off,
                          "encrypted entries are not supported");
  if ((int64_t)nlen > xps_limit(ctx, XR_LIMIT_NAME_LEN))
    return xr_errinfo_set(err, XR_E_LIMIT, ce->name, -1, off,
                          "local name exceeds NAME_LEN");
  unsigned char *name = scratch, *x = scratch + 65536;
  if (read_at(f, (uint64_t)ce->local_offset + ZIP_LOCAL_LEN, name, nlen) < 0 ||
      nlen != strlen(ce->name) || memcmp(name, ce->name, nlen) != 0)
    return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                          "local header name disagrees with the central "
                          "directory");
  if (!(flags & ZIP_FLAG_DD)) {
    uint64_t size = zip_u32(h + 22), csize = zip_u32(h + 18);
    if (xlen && read_at(f, (uint64_t)ce->local_offset + ZIP_LOCAL_LEN + nlen, x,
                        xlen) < 0)
      return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                            "local extra field lies outside the file");
    if (xps_zip64_extra(x, xlen, &size, &csize, NULL) < 0)
      return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                            "bad ZIP64 extra field in local header");
    if (zip_u32(h + 14) != ce->crc || size != ce->size || csize != ce->csize)
      return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                            "local header disagrees with the central "
                            "directory (CRC or sizes)");
  }
  uint64_t start = (uint64_t)ce->local_offset + ZIP_LOCAL_LEN + nlen + xlen;
  if (start > cd_off || ce->csize > cd_off - start)
    return xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, off,
                          "entry data of %llu bytes runs past the central "
                          "directory",
                          (unsigned long long)ce->csize);
  ce->data_offset = start;
  return 0;
}

int xps_zip_cd_read_mem(const unsigned char *base, uint64_t size,
                        const char *path, const xps_ctx *ctx, xps_zip_cd *cd,
                        xr_errinfo *err) {
  memset(cd, 0, sizeof *cd);
  int rc = 0;
  mem_src src = {base, size}, *f = &src;
  uint64_t count, cd_off, cd_size, cd_end;
  xps_zip_cd_entry **order = NULL;
  unsigned char *rec = NULL;
  rc = find_eocd(f, path, size, &count, &cd_off, &cd_size, &cd_end, err);
  if (rc < 0)
    goto done;
  uint64_t max = (uint64_t)xps_limit(ctx, XR_LIMIT_ENTRY_COUNT);
  if (count > max) {
    rc = xr_errinfo_set(err, XR_E_LIMIT, path, -1, (long long)cd_off,
                        "%llu entries exceed ENTRY_COUNT %llu",
                        (unsigned long long)count, (unsigned long long)max);
    goto done;
  }
  /* Each record is at least 46 bytes: a count the directory cannot hold
   * is a lie, caught before allocating for it. */
  if (count > cd_size / ZIP_CENTRAL_LEN) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, path, -1, (long long)cd_off,
                        "central directory too small for %llu entries",
                        (unsigned long long)count);
    goto done;
  }
  cd->v = calloc(count ? (size_t)count : 1, sizeof *cd->v);
  rec = malloc(ZIP_CENTRAL_LEN + 3 * 65535);
  if (!cd->v || !rec) {
    rc = XR_E_NOMEM;
    goto done;
  }
  cd->cd_offset = cd_off;
  uint64_t pos = cd_off, end = cd_off + cd_size;
  for (uint64_t i = 0; i < count; i++) {
    size_t avail = end - pos < ZIP_CENTRAL_LEN + 3 * 65535
                       ? (size_t)(end - pos)
                       : ZIP_CENTRAL_LEN + 3 * 65535;
    long n = -1;
    if (read_at(f, pos, rec,
                avail < ZIP_CENTRAL_LEN ? avail : ZIP_CENTRAL_LEN) == 0 &&
        avail >= ZIP_CENTRAL_LEN) {
      size_t need = ZIP_CENTRAL_LEN + (size_t)zip_u16(rec + 28) +
                    zip_u16(rec + 30) + zip_u16(rec + 32);
      if (need <= avail && read_at(f, pos, rec, need) == 0)
        n = xps_zip_cd_parse_record(rec, need, ctx, &cd->v[i]);
    }
    if (n <= 0) {
      rc = xr_errinfo_set(err, n == XR_E_LIMIT ? XR_E_LIMIT : XR_E_FORMAT, path,
                          -1, (long long)pos,
                          n == XR_E_LIMIT
                              ? "central directory record %llu has a name "
                                "over NAME_LEN"
                              : "bad central directory record %llu",
                          (unsigned long long)i);
      goto done;
    }
    cd->n++;
    pos += (uint64_t)n;
  }
  order = malloc((cd->n ? cd->n : 1) * sizeof *order);
  if (!order) {
    rc = XR_E_NOMEM;
    goto done;
  }
  for (size_t i = 0; i < cd->n; i++) {
    rc = xps_zip_err_part(
        check_local(f, path, cd_off, &cd->v[i], ctx, rec, err), err);
    if (rc < 0)
      goto done;
    order[i] = &cd->v[i];
  }
  /* Entries sorted by offset must not share bytes: overlapping entries
   * are how some zip bombs multiply one compressed stream. */
  qsort(order, cd->n, sizeof *order, cmp_offset);
  for (size_t i = 1; i < cd->n; i++) {
    const xps_zip_cd_entry *a = order[i - 1], *b = order[i];
    if (a->data_offset + a->csize > (uint64_t)b->local_offset) {
      rc = xr_errinfo_set(err, XR_E_FORMAT, b->name, -1,
                          (long long)b->local_offset,
                          "entry overlaps entry \"/%.100s\" at offset %lld",
                          a->name, (long long)a->local_offset);
      xps_zip_err_part(rc, err);
      goto done;
    }
  }
done:
  free(order);
  free(rec);
  if (rc < 0)
    xps_zip_cd_free(cd);
  return rc;
}
