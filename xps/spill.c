#include "xps/spill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct slot {
  unsigned char *mem; /* in memory: the bytes */
  size_t cap;
  uint64_t size;
  int64_t file_off; /* in the file: where the bytes start, else -1 */
} slot;

struct xps_spill {
  slot *v;
  size_t n, cap;
  uint64_t mem_limit, mem_used, mem_peak;
  int fd; /* -1 until the first slot overflows */
  uint64_t file_end;
  char *tmpdir;
  int open_slot; /* 1 while the last slot is being written */
};

int xps_spill_new(uint64_t mem_limit, const char *tmpdir, xps_spill **out) {
  *out = NULL;
  xps_spill *s = calloc(1, sizeof *s);
  if (!s)
    return XR_E_NOMEM;
  if (!tmpdir)
    tmpdir = getenv("TMPDIR");
  s->tmpdir = strdup(tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (!s->tmpdir) {
    free(s);
    return XR_E_NOMEM;
  }
  s->mem_limit = mem_limit;
  s->fd = -1;
  *out = s;
  return 0;
}

int64_t xps_spill_begin(xps_spill *s) {
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 64;
    slot *v = realloc(s->v, nc * sizeof *v);
    if (!v)
      return XR_E_NOMEM;
    s->v = v;
    s->cap = nc;
  }
  s->v[s->n] = (slot){NULL, 0, 0, -1};
  s->open_slot = 1;
  return (int64_t)s->n++;
}

static int write_all(int fd, const void *p, size_t n, uint64_t off) {
  const unsigned char *b = p;
  while (n > 0) {
    ssize_t w = pwrite(fd, b, n, (off_t)off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    b += w;
    n -= (size_t)w;
    off += (uint64_t)w;
  }
  return 0;
}

static int open_file(xps_spill *s, xr_errinfo *err) {
  size_t n = strlen(s->tmpdir) + 32;
  char *path = malloc(n);
  if (!path)
    return XR_E_NOMEM;
  snprintf(path, n, "%s/xpsraster-spill-XXXXXX", s->tmpdir);
  s->fd = mkstemp(path);
  if (s->fd < 0) {
    int rc =
        xr_errinfo_set(err, XR_E_IO, path, -1, -1,
                       "cannot create the spill file: %s", strerror(errno));
    free(path);
    return rc;
  }
  /* Unlinked at once: the file disappears with the process. */
  unlink(path);
  free(path);
  return 0;
}

/* Moves the open slot's bytes from memory to the end of the file. */
static int to_file(xps_spill *s, slot *sl, xr_errinfo *err) {
  if (s->fd < 0) {
    int rc = open_file(s, err);
    if (rc < 0)
      return rc;
  }
  sl->file_off = (int64_t)s->file_end;
  if (sl->size && write_all(s->fd, sl->mem, (size_t)sl->size, s->file_end))
    return xr_errinfo_set(err, XR_E_IO, NULL, -1, -1,
                          "cannot write the spill file: %s", strerror(errno));
  s->file_end += sl->size;
  s->mem_used -= sl->cap;
  free(sl->mem);
  sl->mem = NULL;
  sl->cap = 0;
  return 0;
}

int xps_spill_append(xps_spill *s, const void *data, size_t n,
                     xr_errinfo *err) {
  if (!s->open_slot || n == 0)
    return 0;
  slot *sl = &s->v[s->n - 1];
  if (sl->file_off < 0) {
    if (sl->size + n > sl->cap) {
      size_t nc = sl->cap ? sl->cap : 4096;
      while (nc < sl->size + n)
        nc *= 2;
      if (s->mem_used - sl->cap + nc <= s->mem_limit) {
        unsigned char *m = realloc(sl->mem, nc);
        if (!m)
          return XR_E_NOMEM;
        s->mem_used += nc - sl->cap;
        sl->mem = m;
        sl->cap = nc;
        if (s->mem_used > s->mem_peak)
          s->mem_peak = s->mem_used;
      } else {
        int rc = to_file(s, sl, err);
        if (rc < 0)
          return rc;
      }
    }
    if (sl->file_off < 0) {
      memcpy(sl->mem + sl->size, data, n);
      sl->size += n;
      return 0;
    }
  }
  if (write_all(s->fd, data, n, s->file_end))
    return xr_errinfo_set(err, XR_E_IO, NULL, -1, -1,
                          "cannot write the spill file: %s", strerror(errno));
  s->file_end += n;
  sl->size += n;
  return 0;
}

uint64_t xps_spill_end(xps_spill *s) {
  if (!s->open_slot)
    return 0;
  s->open_slot = 0;
  slot *sl = &s->v[s->n - 1];
  /* Give back the slack of the doubling. */
  if (sl->mem && sl->cap > sl->size && sl->size > 0) {
    unsigned char *m = realloc(sl->mem, (size_t)sl->size);
    if (m) {
      s->mem_used -= sl->cap - sl->size;
      sl->mem = m;
      sl->cap = (size_t)sl->size;
    }
  }
  return sl->size;
}

int xps_spill_demote(xps_spill *s, int64_t id, xr_errinfo *err) {
  if (id < 0 || (uint64_t)id >= s->n ||
      (s->open_slot && (uint64_t)id == s->n - 1))
    return XR_E_INVAL;
  slot *sl = &s->v[id];
  if (sl->file_off >= 0 || !sl->mem)
    return 0;
  return to_file(s, sl, err);
}

void xps_spill_release(xps_spill *s, int64_t id) {
  if (id < 0 || (uint64_t)id >= s->n)
    return;
  slot *sl = &s->v[id];
  s->mem_used -= sl->cap;
  free(sl->mem);
  sl->mem = NULL;
  sl->cap = 0;
}

void xps_spill_abort(xps_spill *s) {
  if (!s->open_slot)
    return;
  s->open_slot = 0;
  xps_spill_release(s, (int64_t)s->n - 1);
  s->n--;
}

int xps_spill_read(xps_spill *s, int64_t id, uint64_t off, void *dst, size_t n,
                   xr_errinfo *err) {
  if (id < 0 || (uint64_t)id >= s->n)
    return xr_errinfo_set(err, XR_E_INTERNAL, NULL, -1, -1, "bad spill slot");
  slot *sl = &s->v[id];
  if (off > sl->size || n > sl->size - off)
    return xr_errinfo_set(err, XR_E_INTERNAL, NULL, -1, -1,
                          "read past a spill slot");
  if (sl->file_off < 0) {
    if (n && !sl->mem)
      return xr_errinfo_set(err, XR_E_INTERNAL, NULL, -1, -1,
                            "spill slot was released");
    if (n)
      memcpy(dst, sl->mem + off, n);
    return 0;
  }
  unsigned char *b = dst;
  uint64_t pos = (uint64_t)sl->file_off + off;
  while (n > 0) {
    ssize_t r = pread(s->fd, b, n, (off_t)pos);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return xr_errinfo_set(err, XR_E_IO, NULL, -1, -1,
                            "cannot read the spill file: %s",
                            r < 0 ? strerror(errno) : "short read");
    b += r;
    n -= (size_t)r;
    pos += (uint64_t)r;
  }
  return 0;
}

uint64_t xps_spill_mem(const xps_spill *s) {
  return s->mem_used;
}
uint64_t xps_spill_mem_peak(const xps_spill *s) {
  return s->mem_peak;
}
uint64_t xps_spill_file_bytes(const xps_spill *s) {
  return s->file_end;
}

void xps_spill_drop(xps_spill *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i].mem);
  free(s->v);
  if (s->fd >= 0)
    close(s->fd);
  free(s->tmpdir);
  free(s);
}
