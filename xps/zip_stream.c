/* The forward-only ZIP reader: local headers in order, stored or deflated
 * data (zlib), data descriptors with or without their signature, ZIP64
 * extras and descriptors. Every entry read is kept in the spill store; the
 * central directory, when it arrives, is checked against what the local
 * headers said. Nothing here seeks, so a pipe or a socket works. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "xps/partname.h"
#include "xps/pkg_imp.h"
#include "xps/spill.h"
#include "xps/zip_cd.h"
#include "xps/zip_fmt.h"

/* Big enough for the largest local header (30 + 65535 + 65535 bytes). */
#define BUF_SIZE (1u << 18)
#define OUT_SIZE (1u << 16)

/* What a local header said, for the central directory check. The name is
 * kept as a hash: the check needs equality only, and a copy per entry
 * would cost as much as the part table. */
typedef struct seen {
  uint64_t name_hash;
  int64_t offset;
  uint64_t size, csize;
  uint32_t crc;
  uint16_t method;
} seen;

typedef struct stream_impl {
  int fd, own_fd;
  unsigned char *buf;
  size_t pos, len; /* unread bytes are buf[pos..len) */
  uint64_t base;   /* stream offset of buf[0] */
  int eof;
  xps_spill *spill;
  unsigned char *out;
  z_stream z;
  int z_ready;
  seen *seen; /* local entries in stream order, so offsets ascend */
  size_t nseen, capseen;
  int phase; /* 0 local headers, 1 central directory, 2 done */
  size_t ncentral;
} stream_impl;

static uint64_t here(const stream_impl *s) {
  return s->base + s->pos;
}

/* Makes at least want bytes available; returns how many are. */
static int fill(stream_impl *s, size_t want, size_t *avail, xr_errinfo *err) {
  if (want > BUF_SIZE)
    want = BUF_SIZE;
  while (s->len - s->pos < want && !s->eof) {
    if (s->pos > 0) {
      memmove(s->buf, s->buf + s->pos, s->len - s->pos);
      s->base += s->pos;
      s->len -= s->pos;
      s->pos = 0;
    }
    ssize_t r = read(s->fd, s->buf + s->len, BUF_SIZE - s->len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return xr_errinfo_set(err, XR_E_IO, NULL, -1, (long long)here(s),
                            "read failed: %s", strerror(errno));
    if (r == 0)
      s->eof = 1;
    s->len += (size_t)r;
  }
  *avail = s->len - s->pos;
  return 0;
}

static int truncated(stream_impl *s, const char *name, int64_t off,
                     xr_errinfo *err) {
  return xr_errinfo_set(err, XR_E_FORMAT, name, -1, (long long)off,
                        "stream is truncated (ends at offset %llu)",
                        (unsigned long long)(s->base + s->len));
}

/* One entry's bookkeeping while its data streams by. */
typedef struct cur {
  const char *name;
  int64_t offset;
  uint16_t flags, method;
  uint64_t size, csize; /* from the header (unknown with a descriptor) */
  int known;            /* sizes known from the header */
  int zip64;            /* the header had a ZIP64 extra */
  uint32_t crc;         /* from the header */
  uint64_t in, out;     /* bytes consumed and produced */
  uint32_t run_crc;
} cur;

static int emit(xps_pkg *pkg, stream_impl *s, cur *c, const unsigned char *p,
                size_t n, xr_errinfo *err) {
  const xps_ctx *ctx = pkg->ctx;
  c->out += n;
  uint64_t part_max = (uint64_t)xps_limit(ctx, XR_LIMIT_PART_SIZE);
  if (c->out > part_max)
    return xr_errinfo_set(err, XR_E_LIMIT, c->name, -1, c->offset,
                          "entry inflates past PART_SIZE %llu",
                          (unsigned long long)part_max);
  uint64_t ratio = (uint64_t)xps_limit(ctx, XR_LIMIT_ZIP_RATIO);
  /* Checked as bytes arrive, so a bomb stops early; divide first. */
  if (c->out >= XPS_ZIP_RATIO_FLOOR && c->in > 0 &&
      (c->out / c->in > ratio ||
       (c->out / c->in == ratio && c->out % c->in != 0)))
    return xr_errinfo_set(err, XR_E_LIMIT, c->name, -1, c->offset,
                          "compression ratio above ZIP_RATIO %llu "
                          "(zip bomb?)",
                          (unsigned long long)ratio);
  if (c->known && c->out > c->size)
    return xr_errinfo_set(err, XR_E_FORMAT, c->name, -1, c->offset,
                          "entry holds more than its declared %llu bytes",
                          (unsigned long long)c->size);
  c->run_crc = (uint32_t)crc32(c->run_crc, p, (uInt)n);
  return xps_spill_append(s->spill, p, n, err);
}

static int inflate_entry(xps_pkg *pkg, stream_impl *s, cur *c,
                         xr_errinfo *err) {
  if (!s->z_ready) {
    memset(&s->z, 0, sizeof s->z);
    if (inflateInit2(&s->z, -MAX_WBITS) != Z_OK)
      return XR_E_NOMEM;
    s->z_ready = 1;
  } else if (inflateReset(&s->z) != Z_OK) {
    return XR_E_INTERNAL;
  }
  for (;;) {
    size_t avail;
    int rc = fill(s, 1, &avail, err);
    if (rc < 0)
      return rc;
    if (avail == 0)
      return truncated(s, c->name, c->offset, err);
    if (c->known) {
      if (c->in == c->csize)
        return xr_errinfo_set(err, XR_E_FORMAT, c->name, -1, c->offset,
                              "deflate data runs past the declared %llu "
                              "compressed bytes",
                              (unsigned long long)c->csize);
      if (avail > c->csize - c->in)
        avail = (size_t)(c->csize - c->in);
    }
    if (avail > (1u << 30))
      avail = 1u << 30;
    s->z.next_in = s->buf + s->pos;
    s->z.avail_in = (uInt)avail;
    s->z.next_out = s->out;
    s->z.avail_out = OUT_SIZE;
    int zr = inflate(&s->z, Z_NO_FLUSH);
    size_t used = avail - s->z.avail_in;
    s->pos += used;
    c->in += used;
    /* Empty deflate blocks make no output: bound the input as well, or an
     * endless stream of them would never hit an output limit. */
    if (c->in > (uint64_t)xps_limit(pkg->ctx, XR_LIMIT_PART_SIZE))
      return xr_errinfo_set(err, XR_E_LIMIT, c->name, -1, c->offset,
                            "compressed data exceeds PART_SIZE %lld",
                            (long long)xps_limit(pkg->ctx, XR_LIMIT_PART_SIZE));
    size_t made = OUT_SIZE - s->z.avail_out;
    if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT)
      return xr_errinfo_set(err, XR_E_FORMAT, c->name, -1, c->offset,
                            "corrupt deflate data near offset %llu",
                            (unsigned long long)here(s));
    if (zr == Z_MEM_ERROR)
      return XR_E_NOMEM;
    if (made) {
      rc = emit(pkg, s, c, s->out, made, err);
      if (rc < 0)
        return rc;
    }
    if (zr == Z_STREAM_END)
      break;
    if (xps_cancelled(pkg->ctx))
      return xr_errinfo_set(err, XR_E_CANCELLED, c->name, -1, c->offset,
                            "cancelled");
  }
  if (c->known && c->in != c->csize)
    return xr_errinfo_set(err, XR_E_FORMAT, c->name, -1, c->offset,
                          "deflate data ends after %llu of %llu compressed "
                          "bytes",
                          (unsigned long long)c->in,
                          (unsigned long long)c->csize);
  return 0;
}

static int stored_entry(xps_pkg *pkg, stream_impl *s, cur *c, xr_errinfo *err) {
  while (c->in < c->csize) {
    size_t avail;
    int rc = fill(s, 1, &avail, err);
    if (rc < 0)
      return rc;
    if (avail == 0)
      return truncated(s, c->name, c->offset, err);
    if (avail > c->csize - c->in)
      avail = (size_t)(c->csize - c->in);
    c->in += avail;
    rc = emit(pkg, s, c, s->buf + s->pos, avail, err);
    s->pos += avail;
    if (rc < 0)
      return rc;
  }
  return 0;
}

/* Stored data of unknown length: it ends at a data descriptor whose
 * signature, CRC and sizes all match the bytes before it. */
static int stored_scan(xps_pkg *pkg, stream_impl *s, cur *c, xr_errinfo *err) {
  for (;;) {
    size_t avail;
    int rc = fill(s, 24, &avail, err);
    if (rc < 0)
      return rc;
    if (avail < 16)
      return truncated(s, c->name, c->offset, err);
    const unsigned char *p = s->buf + s->pos;
    if (zip_u32(p) == ZIP_SIG_DD && zip_u32(p + 4) == c->run_crc) {
      if (zip_u32(p + 8) == c->in && zip_u32(p + 12) == c->out)
        return 0;
      if (avail >= 24 && zip_u64(p + 8) == c->in && zip_u64(p + 16) == c->out)
        return 0;
    }
    /* Hand over everything that cannot start a descriptor. */
    size_t n = 1;
    while (n < avail - 15 && s->buf[s->pos + n] != 'P')
      n++;
    c->in += n;
    rc = emit(pkg, s, c, s->buf + s->pos, n, err);
    s->pos += n;
    if (rc < 0)
      return rc;
  }
}

/* Reads the data descriptor after an entry: 4- or 8-byte sizes, with or
 * without the signature, whichever matches what was actually read. */
static int read_descriptor(stream_impl *s, cur *c, xr_errinfo *err) {
  size_t avail;
  int rc = fill(s, 24, &avail, err);
  if (rc < 0)
    return rc;
  const unsigned char *p = s->buf + s->pos;
  for (int sig = 1; sig >= 0; sig--) {
    const unsigned char *q = p + (sig ? 4 : 0);
    if (sig && (avail < 4 || zip_u32(p) != ZIP_SIG_DD))
      continue;
    for (int wide = c->zip64; wide >= 0 && wide <= 1;
         wide += c->zip64 ? -1 : 1) {
      size_t len = (sig ? 4 : 0) + 4 + (wide ? 16 : 8);
      if (avail < len)
        continue;
      uint64_t cs = wide ? zip_u64(q + 4) : zip_u32(q + 4);
      uint64_t us = wide ? zip_u64(q + 12) : zip_u32(q + 8);
      if (cs != c->in || us != c->out)
        continue;
      c->crc = zip_u32(q);
      c->csize = cs;
      c->size = us;
      s->pos += len;
      return 0;
    }
  }
  if (avail < 12)
    return truncated(s, c->name, c->offset, err);
  return xr_errinfo_set(err, XR_E_FORMAT, c->name, -1, c->offset,
                        "no data descriptor matching the %llu bytes read "
                        "(%llu compressed) at offset %llu",
                        (unsigned long long)c->out, (unsigned long long)c->in,
                        (unsigned long long)here(s));
}

static int remember(stream_impl *s, const cur *c, const char *raw,
                    size_t nlen) {
  if (s->nseen == s->capseen) {
    size_t nc = s->capseen ? s->capseen * 2 : 64;
    seen *v = realloc(s->seen, nc * sizeof *v);
    if (!v)
      return XR_E_NOMEM;
    s->seen = v;
    s->capseen = nc;
  }
  s->seen[s->nseen++] = (seen){xps_partname_hash(raw, nlen),
                               c->offset,
                               c->out,
                               c->in,
                               c->run_crc,
                               c->method};
  return 0;
}

static int local_entry(xps_pkg *pkg, stream_impl *s, xr_errinfo *err) {
  const xps_ctx *ctx = pkg->ctx;
  size_t avail;
  int64_t off = (int64_t)here(s);
  int rc = fill(s, ZIP_LOCAL_LEN, &avail, err);
  if (rc < 0)
    return rc;
  if (avail < ZIP_LOCAL_LEN)
    return truncated(s, NULL, off, err);
  const unsigned char *h = s->buf + s->pos;
  size_t nlen = zip_u16(h + 26), xlen = zip_u16(h + 28);
  if ((int64_t)nlen > xps_limit(ctx, XR_LIMIT_NAME_LEN))
    return xr_errinfo_set(err, XR_E_LIMIT, NULL, -1, off,
                          "entry name of %zu bytes exceeds NAME_LEN", nlen);
  if ((uint64_t)pkg->zip_entries >=
      (uint64_t)xps_limit(ctx, XR_LIMIT_ENTRY_COUNT))
    return xr_errinfo_set(err, XR_E_LIMIT, NULL, -1, off,
                          "more than ENTRY_COUNT %lld entries",
                          (long long)xps_limit(ctx, XR_LIMIT_ENTRY_COUNT));
  rc = fill(s, ZIP_LOCAL_LEN + nlen + xlen, &avail, err);
  if (rc < 0)
    return rc;
  if (avail < ZIP_LOCAL_LEN + nlen + xlen)
    return truncated(s, NULL, off, err);
  h = s->buf + s->pos;
  /* The name is copied: the buffer moves while the data streams. */
  char *name = malloc(nlen + 1);
  if (!name)
    return XR_E_NOMEM;
  memcpy(name, h + ZIP_LOCAL_LEN, nlen);
  name[nlen] = '\0';
  cur c = {.name = name, .offset = off};
  c.flags = zip_u16(h + 6);
  c.method = zip_u16(h + 8);
  c.crc = zip_u32(h + 14);
  c.csize = zip_u32(h + 18);
  c.size = zip_u32(h + 22);
  uint64_t cs32 = c.csize, us32 = c.size;
  const unsigned char *x = h + ZIP_LOCAL_LEN + nlen;
  for (size_t i = 0; i + 4 <= xlen;) {
    if (zip_u16(x + i) == 1)
      c.zip64 = 1;
    i += 4 + zip_u16(x + i + 2);
  }
  if (memchr(name, 0, nlen)) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, NULL, -1, off,
                        "entry name contains a NUL byte");
    goto done;
  }
  if (c.flags & ZIP_FLAG_ENCRYPTED) {
    rc = xr_errinfo_set(err, XR_E_UNSUPPORTED, name, -1, off,
                        "encrypted entries are not supported");
    goto done;
  }
  if (c.method != 0 && c.method != 8) {
    rc = xr_errinfo_set(err, XR_E_UNSUPPORTED, name, -1, off,
                        "compression method %u is not supported", c.method);
    goto done;
  }
  if (cs32 == 0xFFFFFFFFu || us32 == 0xFFFFFFFFu) {
    if (xps_zip64_extra(x, xlen, &c.size, &c.csize, NULL) < 0) {
      rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, off,
                          "bad ZIP64 extra field");
      goto done;
    }
  }
  c.known = !(c.flags & ZIP_FLAG_DD);
  if (c.known) {
    rc = xps_pkg_check_sizes(pkg, name, off, c.size, c.csize, err);
    if (rc < 0)
      goto done;
    if (c.method == 0 && c.size != c.csize) {
      rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, off,
                          "stored entry with different sizes");
      goto done;
    }
  }
  s->pos += ZIP_LOCAL_LEN + nlen + xlen;
  int64_t slot = xps_spill_begin(s->spill);
  if (slot < 0) {
    rc = (int)slot;
    goto done;
  }
  if (c.method == 8)
    rc = inflate_entry(pkg, s, &c, err);
  else if (c.known)
    rc = stored_entry(pkg, s, &c, err);
  else if (c.csize && c.csize != 0xFFFFFFFFu) {
    /* Stored with a descriptor, but the header has the size anyway. */
    c.known = 1;
    c.size = c.csize;
    rc = xps_pkg_check_sizes(pkg, name, off, c.size, c.csize, err);
    if (rc == 0)
      rc = stored_entry(pkg, s, &c, err);
  } else
    rc = stored_scan(pkg, s, &c, err);
  if (rc == 0 && (c.flags & ZIP_FLAG_DD))
    rc = read_descriptor(s, &c, err);
  if (rc == 0 && c.out != c.size)
    rc = xr_errinfo_set(err, XR_E_FORMAT, name, -1, off,
                        "entry has %llu bytes, its header says %llu",
                        (unsigned long long)c.out, (unsigned long long)c.size);
  if (rc == 0 && c.run_crc != c.crc)
    rc = xr_errinfo_set(err, XR_E_CRC, name, -1, off,
                        "CRC mismatch (computed %08x, stored %08x)",
                        (unsigned)c.run_crc, (unsigned)c.crc);
  if (rc < 0) {
    xps_spill_abort(s->spill);
    goto done;
  }
  xps_spill_end(s->spill);
  rc = remember(s, &c, name, nlen);
  if (rc < 0)
    goto done;
  if (nlen > 0 && name[nlen - 1] == '/' && c.out == 0) {
    pkg->zip_entries++; /* a directory entry still counts */
    rc = 1;
    goto done;
  }
  pkg_loc loc = {.ref = slot, .size = c.out, .csize = c.in, .offset = off};
  rc = xps_pkg_add(pkg, name, nlen, &loc, err);
  if (rc == 0)
    rc = 1;
done:
  free(name);
  return rc;
}

static int cmp_seen(const void *k, const void *e) {
  int64_t off = *(const int64_t *)k;
  const seen *s = e;
  return off < s->offset ? -1 : off > s->offset;
}

static int central_entry(xps_pkg *pkg, stream_impl *s, xr_errinfo *err) {
  size_t avail;
  int64_t off = (int64_t)here(s);
  int rc = fill(s, ZIP_CENTRAL_LEN, &avail, err);
  if (rc < 0)
    return rc;
  if (avail < ZIP_CENTRAL_LEN)
    return truncated(s, NULL, off, err);
  const unsigned char *p = s->buf + s->pos;
  size_t total = ZIP_CENTRAL_LEN + (size_t)zip_u16(p + 28) + zip_u16(p + 30) +
                 zip_u16(p + 32);
  rc = fill(s, total, &avail, err);
  if (rc < 0)
    return rc;
  if (avail < total)
    return truncated(s, NULL, off, err);
  xps_zip_cd_entry ce;
  long n = xps_zip_cd_parse_record(s->buf + s->pos, avail, pkg->ctx, &ce);
  if (n <= 0)
    return xr_errinfo_set(err, n == XR_E_LIMIT ? XR_E_LIMIT : XR_E_FORMAT, NULL,
                          -1, off, "bad central directory record");
  s->pos += (size_t)n;
  const seen *e =
      bsearch(&ce.local_offset, s->seen, s->nseen, sizeof *s->seen, cmp_seen);
  if (!e) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, ce.name, -1, ce.local_offset,
                        "central directory names an entry at offset %lld "
                        "where the stream has none (overlapping or outside "
                        "the file)",
                        (long long)ce.local_offset);
    goto done;
  }
  if (++s->ncentral > s->nseen) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, ce.name, -1, ce.local_offset,
                        "central directory lists more entries than the "
                        "stream held");
    goto done;
  }
  if (e->name_hash != xps_partname_hash(ce.name, strlen(ce.name)) ||
      e->crc != ce.crc || e->size != ce.size || e->csize != ce.csize ||
      e->method != ce.method)
    rc = xr_errinfo_set(err, XR_E_FORMAT, ce.name, -1, ce.local_offset,
                        "local header disagrees with the central directory");
done:
  free(ce.name);
  return rc;
}

/* The end records: counts must match what the stream held. */
static int end_record(stream_impl *s, uint32_t sig, xr_errinfo *err) {
  size_t avail;
  int64_t off = (int64_t)here(s);
  size_t need = sig == ZIP_SIG_EOCD64  ? 56
                : sig == ZIP_SIG_LOC64 ? 20
                                       : ZIP_EOCD_LEN;
  int rc = fill(s, need, &avail, err);
  if (rc < 0)
    return rc;
  if (avail < need)
    return truncated(s, NULL, off, err);
  const unsigned char *p = s->buf + s->pos;
  if (sig == ZIP_SIG_EOCD64) {
    uint64_t rlen = zip_u64(p + 4);
    /* The extensible data sector is unused by XPS; a large one is junk. */
    if (rlen < 44 || rlen > 65536 || zip_u64(p + 32) != s->ncentral)
      return xr_errinfo_set(err, XR_E_FORMAT, NULL, -1, off,
                            "ZIP64 end record disagrees with the central "
                            "directory");
    /* Skip the record and its extensible data without buffering it. */
    uint64_t left = rlen + 12;
    while (left > 0) {
      rc = fill(s, 1, &avail, err);
      if (rc < 0)
        return rc;
      if (avail == 0)
        return truncated(s, NULL, off, err);
      size_t k = avail < left ? avail : (size_t)left;
      s->pos += k;
      left -= k;
    }
    return 1;
  }
  if (sig == ZIP_SIG_LOC64) {
    s->pos += 20;
    return 1;
  }
  uint64_t count = zip_u16(p + 10);
  if (count != 0xFFFF && count != s->ncentral)
    return xr_errinfo_set(err, XR_E_FORMAT, NULL, -1, off,
                          "end record counts %llu entries, the central "
                          "directory %zu",
                          (unsigned long long)count, s->ncentral);
  if (s->ncentral != s->nseen)
    return xr_errinfo_set(err, XR_E_FORMAT, NULL, -1, off,
                          "the central directory lists %zu of the %zu "
                          "entries in the stream",
                          s->ncentral, s->nseen);
  s->pos += ZIP_EOCD_LEN;
  s->phase = 2;
  return 0;
}

static int st_advance(xps_pkg *pkg, xr_errinfo *err) {
  stream_impl *s = pkg->impl;
  for (;;) {
    if (s->phase == 2)
      return 0;
    size_t avail;
    int rc = fill(s, 4, &avail, err);
    if (rc < 0)
      return rc;
    if (avail < 4) {
      if (here(s) == 0 && avail == 0)
        return xr_errinfo_set(err, XR_E_FORMAT, pkg->label, -1, 0,
                              "empty input: not a ZIP file");
      return xr_errinfo_set(err, XR_E_FORMAT, pkg->label, -1,
                            (long long)here(s),
                            "stream is truncated: no end of central "
                            "directory");
    }
    uint32_t sig = zip_u32(s->buf + s->pos);
    if (sig == ZIP_SIG_LOCAL && s->phase == 0) {
      rc = xps_zip_err_part(local_entry(pkg, s, err), err);
      if (rc != 0)
        return rc;
      continue; /* a directory entry: nothing was added */
    }
    if (sig == ZIP_SIG_CENTRAL) {
      s->phase = 1;
      rc = xps_zip_err_part(central_entry(pkg, s, err), err);
      if (rc < 0)
        return rc;
      continue;
    }
    if (sig == ZIP_SIG_EOCD || sig == ZIP_SIG_EOCD64 || sig == ZIP_SIG_LOC64) {
      s->phase = 1;
      rc = end_record(s, sig, err);
      if (rc < 0)
        return rc;
      continue;
    }
    if (here(s) == 0)
      return xr_errinfo_set(err, XR_E_FORMAT, pkg->label, -1, 0,
                            "not a ZIP file (no local header signature)");
    return xr_errinfo_set(err, XR_E_FORMAT, pkg->label, -1, (long long)here(s),
                          "unexpected signature %08x in the ZIP stream",
                          (unsigned)sig);
  }
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int read_once(const char *name) {
  return has_suffix(name, ".fpage") || has_suffix(name, ".fdoc") ||
         has_suffix(name, ".fdseq") || has_suffix(name, ".rels") ||
         has_suffix(name, ".xml");
}

static int st_read(xps_pkg *pkg, const pkg_entry *e, const pkg_loc *loc,
                   unsigned char *dst, xr_errinfo *err) {
  stream_impl *s = pkg->impl;
  int rc = xps_spill_read(s->spill, loc->ref, 0, dst, (size_t)loc->size, err);
  if (rc < 0 && err && !err->part[0])
    snprintf(err->part, sizeof err->part, "%s", e->name);
  /* Pages and structure parts are read once: give their memory to the
   * resources that later pages share. Failing to demote costs nothing. */
  if (rc == 0 && read_once(e->name))
    xps_spill_demote(s->spill, loc->ref, NULL);
  return rc;
}

static void st_close(xps_pkg *pkg) {
  stream_impl *s = pkg->impl;
  if (!s)
    return;
  if (s->own_fd && s->fd >= 0)
    close(s->fd);
  if (s->z_ready)
    inflateEnd(&s->z);
  free(s->seen);
  xps_spill_drop(s->spill);
  free(s->buf);
  free(s->out);
  free(s);
  pkg->impl = NULL;
}

static const pkg_ops stream_ops = {st_read, st_advance, st_close, NULL};

int xps_zip_is_stream(const xps_pkg *pkg) {
  return pkg && pkg->ops == &stream_ops;
}

void xps_zip_stream_forget(xps_pkg *pkg, pkg_loc *loc) {
  stream_impl *s = pkg->impl;
  xps_spill_release(s->spill, loc->ref);
  loc->ref = -1;
}

/* '<', or a UTF-8 or UTF-16 byte order mark: markup, not a ZIP. */
static int looks_like_xml(const unsigned char *b, size_t n) {
  return b[0] == '<' || (n >= 3 && b[0] == 0xEF && b[1] == 0xBB) ||
         (n >= 2 &&
          ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)));
}

/* A lone FixedPage on the stream: all of it is the one part. */
static int lone_page(xps_pkg *pkg, stream_impl *s, xr_errinfo *err) {
  static const char name[] = "page.fpage";
  cur c = {.name = "/page.fpage", .offset = 0};
  int64_t slot = xps_spill_begin(s->spill);
  if (slot < 0)
    return (int)slot;
  for (;;) {
    size_t avail;
    int rc = fill(s, BUF_SIZE, &avail, err);
    if (rc == 0 && avail > 0) {
      /* in = out: the ratio limit cannot fire on stored bytes. */
      c.in += avail;
      rc = emit(pkg, s, &c, s->buf + s->pos, avail, err);
      s->pos += avail;
    }
    if (rc < 0) {
      xps_spill_abort(s->spill);
      return rc;
    }
    if (avail == 0)
      break;
  }
  xps_spill_end(s->spill);
  pkg_loc loc = {.ref = slot, .size = c.out, .csize = c.out, .offset = 0};
  int rc = xps_pkg_add(pkg, name, sizeof name - 1, &loc, err);
  if (rc < 0)
    return rc;
  pkg->lone_page = 1;
  s->phase = 2;
  return 0;
}

int xps_zip_open_stream(int fd, int own_fd, const char *label,
                        const xps_ctx *ctx, xps_pkg **out, xr_errinfo *err) {
  *out = NULL;
  xps_pkg *pkg = xps_pkg_new(ctx, &stream_ops, label);
  stream_impl *s = calloc(1, sizeof *s);
  if (!pkg || !s) {
    free(s);
    xps_pkg_close(pkg);
    if (own_fd)
      close(fd);
    return XR_E_NOMEM;
  }
  s->fd = fd;
  s->own_fd = own_fd;
  pkg->impl = s;
  pkg->streaming = 1;
  s->buf = malloc(BUF_SIZE);
  s->out = malloc(OUT_SIZE);
  int rc = XR_E_NOMEM;
  if (!s->buf || !s->out ||
      xps_spill_new((uint64_t)xps_limit(ctx, XR_LIMIT_SPILL_MEMORY), NULL,
                    &s->spill) < 0)
    goto fail;
  /* Look at the first bytes now, so that "not a ZIP" is an open error. */
  size_t avail;
  rc = fill(s, 4, &avail, err);
  if (rc < 0)
    goto fail;
  if (avail >= 1 && looks_like_xml(s->buf, avail)) {
    rc = lone_page(pkg, s, err);
    if (rc < 0)
      goto fail;
  } else if (avail < 4 || (zip_u32(s->buf) != ZIP_SIG_LOCAL &&
                           zip_u32(s->buf) != ZIP_SIG_EOCD)) {
    rc = xr_errinfo_set(err, XR_E_FORMAT, label, -1, 0,
                        "not a ZIP file (no local header signature)");
    goto fail;
  }
  *out = pkg;
  return 0;
fail:
  xps_pkg_close(pkg);
  return rc;
}

/* Spill statistics for tests and benchmarks. */
int xps_pkg_spill_stats(const xps_pkg *pkg, uint64_t *mem, uint64_t *peak,
                        uint64_t *file) {
  if (!pkg || pkg->ops != &stream_ops)
    return XR_E_INVAL;
  const stream_impl *s = pkg->impl;
  *mem = xps_spill_mem(s->spill);
  *peak = xps_spill_mem_peak(s->spill);
  *file = xps_spill_file_bytes(s->spill);
  return 0;
}
