/* Private to the package layer: the part table shared by every backend
 * (libzip, stream, directory, lone page) and the backend function table. */
#ifndef XPS_PKG_IMP_H
#define XPS_PKG_IMP_H

#include <stdint.h>

#include "xps/pkg.h"

/* Where one entry's bytes live; each backend reads its own fields. */
typedef struct pkg_loc {
  int64_t ref;     /* libzip index, spill slot, or -1 */
  uint64_t size;   /* uncompressed bytes */
  uint64_t csize;  /* compressed bytes (size when stored) */
  int64_t offset;  /* local header offset in the archive, -1 if unknown */
  char *path;      /* directory backend: file path (owned) */
  uint32_t n;      /* piece number (pieces only) */
  uint32_t crc;    /* libzip backend: CRC-32 from the central directory */
  uint16_t method; /* libzip backend: compression method */
  int present;
} pkg_loc;

/* One part, whole or made of pieces. */
typedef struct pkg_entry {
  char *name; /* normalised name (owned) */
  char *key;  /* folded name (owned) */
  uint64_t hash;
  int status; /* < 0 once the entry is known broken */
  char *why;  /* what is broken, for the error message (owned) */
  int pieced;
  uint32_t have; /* pieces stored (duplicates included) */
  int64_t last;  /* index of the last piece, -1 until it is seen */
  uint32_t cap;  /* slots in pieces */
  int ordered;   /* pieces[i] is piece i, checked complete */
  pkg_loc whole;
  /* In arrival order until the part is complete, then in piece order:
   * memory follows the pieces present, never the largest number seen. */
  pkg_loc *pieces;
  uint64_t size; /* total bytes (sum of pieces) */
  int used;      /* read at least once: later damage must fail the job */
  int forgotten; /* released by xps_pkg_forget: no longer readable */
  size_t seq;    /* position in the archive order (entries) */
} pkg_entry;

typedef struct pkg_ops {
  /* Copies loc's loc->size bytes into dst. */
  int (*read)(xps_pkg *pkg, const pkg_entry *e, const pkg_loc *loc,
              unsigned char *dst, xr_errinfo *err);
  /* Streams only: reads the next entry into the table. 1 when an entry was
   * added, 0 at the end of the archive, < 0 on error. NULL when every entry
   * is known at open. */
  int (*advance)(xps_pkg *pkg, xr_errinfo *err);
  /* Frees backend state (pkg->impl and whatever hangs off locs' ref). */
  void (*close)(xps_pkg *pkg);
  /* Optional: called for a name that is not in the table (lone page). */
  int (*probe)(xps_pkg *pkg, const char *name, xr_errinfo *err);
} pkg_ops;

struct xps_pkg {
  const xps_ctx *ctx;
  const pkg_ops *ops;
  void *impl;
  char label[256];     /* input path, for messages */
  pkg_entry **entries; /* in archive order */
  size_t n, cap;
  pkg_entry **slots; /* open addressing, power of two */
  size_t nslots;
  size_t zip_entries;  /* archive entries counted (pieces count singly) */
  uint64_t total_size; /* uncompressed bytes seen */
  int lone_page;
  int streaming;
  int ended;  /* stream: no more entries will arrive */
  int failed; /* stream: a fatal error stopped the reader */
  xr_errinfo fail_err;
  struct xps_ctypes *ctypes;
  int ctypes_tried;
  size_t buflen;         /* NAME_LEN + 2 */
  char *nbuf, *kbuf;     /* xps_pkg_add's scratch */
  char *qbuf, *qkey;     /* lookups' scratch (advance may call add) */
  char *hkey;            /* has_part_soon's horizon */
  pkg_entry *last_added; /* the part the latest archive entry went to */
  pkg_entry *last_page;  /* the FixedPage that started to arrive last */
};

/* A new, empty package using ops; impl is set by the caller. */
xps_pkg *xps_pkg_new(const xps_ctx *ctx, const pkg_ops *ops, const char *label);

/* Adds an archive entry with raw item name (len bytes). The name is
 * normalised; pieces join their part. A limit exceeded or an unusable name
 * is an error naming entry and offset (fatal to the package); problems of
 * one part (duplicates, bad pieces) mark the part broken instead. loc is
 * moved into the table (its path included) on success and on failure. */
int xps_pkg_add(xps_pkg *pkg, const char *raw, size_t len, pkg_loc *loc,
                xr_errinfo *err);

/* Looks a normalised-or-not name up; NULL when absent. */
pkg_entry *xps_pkg_lookup(const xps_pkg *pkg, const char *name);

/* Checks an entry's declared sizes against the limits. */
int xps_pkg_check_sizes(xps_pkg *pkg, const char *name, int64_t offset,
                        uint64_t size, uint64_t csize, xr_errinfo *err);

/* Backends. */
int xps_zip_open_libzip(const char *path, const xps_ctx *ctx, xps_pkg **out,
                        xr_errinfo *err);
int xps_pkg_open_dir(const char *path, const xps_ctx *ctx, xps_pkg **out,
                     xr_errinfo *err);
int xps_pkg_open_lone(const char *path, const xps_ctx *ctx, xps_pkg **out,
                      xr_errinfo *err);
int xps_zip_open_stream(int fd, int own_fd, const char *label,
                        const xps_ctx *ctx, xps_pkg **out, xr_errinfo *err);
/* 1 when pkg is a stream, whose spill slots xps_zip_stream_forget frees. */
int xps_zip_is_stream(const xps_pkg *pkg);
void xps_zip_stream_forget(xps_pkg *pkg, pkg_loc *loc);

/* Entries whose uncompressed size is below this are exempt from the
 * compression ratio limit: zlib reaches ratios near 1000 on small runs of
 * one byte, which are harmless. */
#define XPS_ZIP_RATIO_FLOOR 65536

#endif
