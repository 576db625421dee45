/* Seekable packages through libzip. The whole central directory is read at
 * open, so every part is known before the first page. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "xps/pkg_imp.h"
#include "xps/zip_cd.h"

typedef struct libzip_impl {
  zip_t *za;
  z_stream z; /* reused for every deflated entry */
  int z_ready;
  unsigned char *raw; /* compressed bytes on their way to inflate */
  void *map;          /* the file, mapped read-only */
  size_t map_size;
} libzip_impl;

static int zip_status(int ze) {
  switch (ze) {
  case ZIP_ER_NOENT:
  case ZIP_ER_OPEN:
  case ZIP_ER_READ:
  case ZIP_ER_SEEK:
    return XR_E_IO;
  case ZIP_ER_MEMORY:
    return XR_E_NOMEM;
  case ZIP_ER_CRC:
    return XR_E_CRC;
  case ZIP_ER_COMPNOTSUPP:
  case ZIP_ER_ENCRNOTSUPP:
    return XR_E_UNSUPPORTED;
  default:
    return XR_E_FORMAT;
  }
}

#define RAW_SIZE 65536

static int zfile_error(zip_file_t *zf, const char *name, int64_t offset,
                       xr_errinfo *err) {
  zip_error_t *ze = zip_file_get_error(zf);
  int st = zip_status(zip_error_code_zip(ze));
  if (st == XR_E_CRC)
    return xr_errinfo_set(err, st, name, -1, offset,
                          "the entry's data does not match its CRC checksum "
                          "(damaged or altered)");
  return xr_errinfo_set(err, st, name, -1, offset, "cannot read the entry (%s)",
                        zip_error_strerror(ze));
}

/* "cannot open entry", naming the compression method when it is the
 * reason: an administrator can then tell which tool wrote the file. */
static int open_error(libzip_impl *im, const char *name, const pkg_loc *loc,
                      xr_errinfo *err) {
  zip_error_t *ze = zip_get_error(im->za);
  int code = zip_error_code_zip(ze);
  if (code == ZIP_ER_COMPNOTSUPP)
    return xr_errinfo_set(err, zip_status(code), name, -1, loc->offset,
                          "compression method %u is not supported (%s)",
                          (unsigned)loc->method, zip_error_strerror(ze));
  if (code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_NOPASSWD)
    return xr_errinfo_set(err, zip_status(code), name, -1, loc->offset,
                          "the entry is encrypted (%s)",
                          zip_error_strerror(ze));
  return xr_errinfo_set(err, zip_status(code), name, -1, loc->offset,
                        "cannot open the entry, compression method %u (%s)",
                        (unsigned)loc->method, zip_error_strerror(ze));
}

/* Stored and deflated entries: libzip hands over the compressed bytes and
 * we inflate with one z_stream kept for the whole package. Thousands of
 * small interleaved pieces then cost little more than their bytes. */
static int lz_read_raw(libzip_impl *im, const char *name, const pkg_loc *loc,
                       unsigned char *dst, xr_errinfo *err) {
  /* Stored bytes land straight in dst, which holds size bytes. */
  if (loc->method == 0 && loc->csize != loc->size)
    return xr_errinfo_set(err, XR_E_FORMAT, name, -1, loc->offset,
                          "stored entry with %llu bytes declared as %llu",
                          (unsigned long long)loc->csize,
                          (unsigned long long)loc->size);
  zip_file_t *zf =
      zip_fopen_index(im->za, (zip_uint64_t)loc->ref, ZIP_FL_COMPRESSED);
  if (!zf)
    return open_error(im, name, loc, err);
  int rc = 0;
  uint64_t in = 0, out = 0;
  if (loc->method == 8) {
    if (!im->z_ready) {
      if (inflateInit2(&im->z, -MAX_WBITS) != Z_OK) {
        zip_fclose(zf);
        return XR_E_NOMEM;
      }
      im->z_ready = 1;
    } else if (inflateReset(&im->z) != Z_OK) {
      zip_fclose(zf);
      return XR_E_INTERNAL;
    }
  }
  int ended = loc->method == 0;
  while (rc == 0 && in < loc->csize) {
    uint64_t want = loc->csize - in;
    unsigned char *buf = loc->method == 0 ? dst + in : im->raw;
    if (loc->method != 0 && want > RAW_SIZE)
      want = RAW_SIZE;
    if (want > (1u << 30))
      want = 1u << 30;
    zip_int64_t n = zip_fread(zf, buf, want);
    if (n < 0) {
      rc = zfile_error(zf, name, loc->offset, err);
      break;
    }
    if (n == 0)
      break;
    in += (uint64_t)n;
    if (loc->method == 0) {
      out = in;
      continue;
    }
    im->z.next_in = buf;
    im->z.avail_in = (uInt)n;
    while (im->z.avail_in > 0 && !ended) {
      /* With dst full, a one-byte sink lets inflate reach the end of an
       * empty or exactly-full stream; a byte landing there is excess. */
      unsigned char sink;
      uint64_t room = loc->size - out;
      im->z.next_out = room ? dst + out : &sink;
      im->z.avail_out = room == 0           ? 1
                        : room > (1u << 30) ? (1u << 30)
                                            : (uInt)room;
      uInt before = im->z.avail_out;
      int zr = inflate(&im->z, Z_NO_FLUSH);
      if (room == 0 && im->z.avail_out == 0) {
        rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, loc->offset,
                            "entry holds more than its declared %llu bytes",
                            (unsigned long long)loc->size);
        break;
      }
      if (room)
        out += before - im->z.avail_out;
      if (zr == Z_STREAM_END)
        ended = 1;
      else if (zr != Z_OK && zr != Z_BUF_ERROR)
        rc = xr_errinfo_set(err, zr == Z_MEM_ERROR ? XR_E_NOMEM : XR_E_FORMAT,
                            name, -1, loc->offset, "corrupt deflate data");
      else if (zr == Z_BUF_ERROR && before == im->z.avail_out &&
               im->z.avail_in > 0)
        rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, loc->offset,
                            "corrupt deflate data");
      if (rc < 0)
        break;
    }
  }
  zip_fclose(zf);
  if (rc < 0)
    return rc;
  if (!ended || in != loc->csize || out != loc->size)
    return xr_errinfo_set(err, XR_E_FORMAT, name, -1, loc->offset,
                          "entry is truncated: %llu of %llu bytes",
                          (unsigned long long)out,
                          (unsigned long long)loc->size);
  uLong crc = 0;
  for (uint64_t off = 0; off < out;) {
    uInt k = out - off > (1u << 30) ? (1u << 30) : (uInt)(out - off);
    crc = crc32(crc, dst + off, k);
    off += k;
  }
  if ((uint32_t)crc != loc->crc)
    return xr_errinfo_set(err, XR_E_CRC, name, -1, loc->offset,
                          "CRC mismatch (computed %08x, stored %08x)",
                          (unsigned)crc, (unsigned)loc->crc);
  return 0;
}

static int lz_read(xps_pkg *pkg, const pkg_entry *e, const pkg_loc *loc,
                   unsigned char *dst, xr_errinfo *err) {
  libzip_impl *im = pkg->impl;
  const char *name = e->name;
  if (loc->method == 0 || loc->method == 8)
    return lz_read_raw(im, name, loc, dst, err);
  /* Anything else goes through libzip's own decoders, if it has them. */
  zip_file_t *zf = zip_fopen_index(im->za, (zip_uint64_t)loc->ref, 0);
  if (!zf)
    return open_error(im, name, loc, err);
  uint64_t got = 0;
  int rc = 0;
  /* Read until libzip reports the end, so that it verifies the CRC. */
  for (;;) {
    unsigned char extra;
    unsigned char *p = got < loc->size ? dst + got : &extra;
    uint64_t want = got < loc->size ? loc->size - got : 1;
    if (want > (1u << 30))
      want = 1u << 30;
    zip_int64_t n = zip_fread(zf, p, want);
    if (n < 0) {
      rc = zfile_error(zf, name, loc->offset, err);
      break;
    }
    if (n == 0)
      break;
    if (got >= loc->size) {
      rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, loc->offset,
                          "entry holds more than its declared %llu bytes",
                          (unsigned long long)loc->size);
      break;
    }
    got += (uint64_t)n;
  }
  if (rc == 0 && got != loc->size)
    rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, loc->offset,
                        "entry is truncated: %llu of %llu bytes",
                        (unsigned long long)got, (unsigned long long)loc->size);
  zip_fclose(zf);
  return rc;
}

static void lz_close(xps_pkg *pkg) {
  libzip_impl *im = pkg->impl;
  if (!im)
    return;
  if (im->za)
    zip_discard(im->za);
  if (im->z_ready)
    inflateEnd(&im->z);
  free(im->raw);
  if (im->map)
    munmap(im->map, im->map_size);
  free(im);
  pkg->impl = NULL;
}

static const pkg_ops libzip_ops = {lz_read, NULL, lz_close, NULL};

int xps_zip_open_libzip(const char *path, const xps_ctx *ctx, xps_pkg **out,
                        xr_errinfo *err) {
  int rc, ze = 0;
  *out = NULL;
  xps_pkg *pkg = xps_pkg_new(ctx, &libzip_ops, path);
  if (!pkg)
    return XR_E_NOMEM;
  libzip_impl *im = calloc(1, sizeof *im);
  if (!im) {
    rc = XR_E_NOMEM;
    goto fail;
  }
  pkg->impl = im;
  im->raw = malloc(RAW_SIZE);
  if (!im->raw) {
    rc = XR_E_NOMEM;
    goto fail;
  }
  /* The file is mapped and libzip reads it from memory: opening one of
   * thousands of interleaved pieces then costs no seek or stat call. (A
   * file truncated by someone else while mapped would fault; spool files
   * are not rewritten under a running filter.) */
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    rc = xr_errinfo_set(err, XR_E_IO, path, -1, -1, "cannot open: %s",
                        strerror(errno));
    if (fd >= 0)
      close(fd);
    goto fail;
  }
  im->map_size = (size_t)st.st_size;
  im->map = im->map_size
                ? mmap(NULL, im->map_size, PROT_READ, MAP_PRIVATE, fd, 0)
                : MAP_FAILED;
  close(fd);
  if (im->map == MAP_FAILED) {
    im->map = NULL;
    rc = xr_errinfo_set(err, im->map_size ? XR_E_IO : XR_E_FORMAT, path, -1, -1,
                        "cannot map: %s",
                        im->map_size ? strerror(errno) : "empty file");
    goto fail;
  }
  /* Our own pass over the central directory first: it gives entry offsets
   * for messages and catches overlapping entries, entries outside the file
   * and local headers that disagree, which libzip 1.7 lets through. */
  xps_zip_cd cd;
  rc = xps_zip_cd_read_mem(im->map, im->map_size, path, ctx, &cd, err);
  if (rc < 0)
    goto fail;
  zip_error_t zerr0;
  zip_error_init(&zerr0);
  zip_source_t *src =
      zip_source_buffer_create(im->map, im->map_size, 0, &zerr0);
  if (src) {
    im->za = zip_open_from_source(src, ZIP_RDONLY, &zerr0);
    if (!im->za)
      zip_source_free(src);
  }
  ze = zip_error_code_zip(&zerr0);
  zip_error_fini(&zerr0);
  if (!im->za) {
    zip_error_t zerr;
    zip_error_init_with_code(&zerr, ze);
    rc = xr_errinfo_set(err, zip_status(ze), path, -1, -1, "%s%s",
                        ze == ZIP_ER_NOZIP ? "not a ZIP file: " : "",
                        zip_error_strerror(&zerr));
    zip_error_fini(&zerr);
    xps_zip_cd_free(&cd);
    goto fail;
  }
  zip_int64_t n = zip_get_num_entries(im->za, 0);
  if (n < 0 || (uint64_t)n != cd.n) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, path, -1, -1,
                        "central directory lists %llu entries, libzip %lld",
                        (unsigned long long)cd.n, (long long)n);
    xps_zip_cd_free(&cd);
    goto fail;
  }
  for (zip_int64_t i = 0; i < n; i++) {
    const xps_zip_cd_entry *ce = &cd.v[i];
    zip_stat_t st;
    if (zip_stat_index(im->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW, &st) != 0 ||
        !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
      rc = xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, ce->local_offset,
                          "cannot stat entry %lld", (long long)i);
      break;
    }
    if (st.size != ce->size || st.comp_size != ce->csize) {
      rc = xr_errinfo_set(err, XR_E_FORMAT, ce->name, -1, ce->local_offset,
                          "entry sizes disagree with the central directory");
      break;
    }
    size_t len = strlen(ce->name);
    if (len > 0 && ce->name[len - 1] == '/' && st.size == 0)
      continue; /* a directory entry */
    pkg_loc loc = {.ref = i,
                   .size = st.size,
                   .csize = st.comp_size,
                   .offset = ce->local_offset,
                   .crc = ce->crc,
                   .method = ce->method};
    rc = xps_pkg_add(pkg, ce->name, len, &loc, err);
    if (rc < 0)
      break;
  }
  xps_zip_cd_free(&cd);
  if (rc < 0)
    goto fail;
  *out = pkg;
  return 0;
fail:
  xps_pkg_close(pkg);
  return rc;
}
