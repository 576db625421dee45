/* The public package API (include/xpsraster/package.h) over xps_pkg and
 * xps_doc. */
#include <stdlib.h>
#include <string.h>

#include "xps/doc.h"
#include "xps/pkg.h"
#include "xpsraster/package.h"

struct xr_pkg {
  xps_ctx ctx;
  xps_pkg *pkg;
  xps_doc *doc;
};

static int finish_open(xr_pkg *p, int rc, xr_pkg **out, xr_errinfo *err) {
  if (rc == 0)
    rc = xps_doc_open(p->pkg, &p->ctx, &p->doc, err);
  if (rc < 0) {
    xr_pkg_close(p);
    return rc;
  }
  *out = p;
  return 0;
}

static xr_pkg *new_pkg(const xr_limits *limits) {
  xr_pkg *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  xps_ctx_init(&p->ctx);
  if (limits)
    for (int i = 0; i < XR_LIMIT_COUNT; i++)
      xr_limits_set(&p->ctx.limits, i, xr_limits_get(limits, i));
  return p;
}

int xr_pkg_open(const char *path, const xr_limits *limits, xr_pkg **out,
                xr_errinfo *err) {
  *out = NULL;
  xr_pkg *p = new_pkg(limits);
  if (!p)
    return xr_errinfo_set(err, XR_E_NOMEM, path, -1, -1, NULL);
  return finish_open(p, xps_pkg_open(path, &p->ctx, &p->pkg, err), out, err);
}

int xr_pkg_open_fd(int fd, const xr_limits *limits, xr_pkg **out,
                   xr_errinfo *err) {
  *out = NULL;
  xr_pkg *p = new_pkg(limits);
  if (!p)
    return xr_errinfo_set(err, XR_E_NOMEM, NULL, -1, -1, NULL);
  return finish_open(p, xps_pkg_open_fd(fd, &p->ctx, &p->pkg, err), out, err);
}

int xr_pkg_next_page(xr_pkg *p, char *name, size_t size, xr_errinfo *err) {
  xps_page_ref ref;
  int rc = xps_doc_next_page(p->doc, &ref, err);
  if (rc != 1)
    return rc;
  if (strlen(ref.name) >= size)
    return xr_errinfo_set(err, XR_E_LIMIT, ref.name, -1, -1,
                          "name buffer too small");
  memcpy(name, ref.name, strlen(ref.name) + 1);
  return 1;
}

int xr_pkg_read(xr_pkg *p, const char *name, unsigned char **data, size_t *size,
                xr_errinfo *err) {
  xps_part *part = NULL;
  *data = NULL;
  *size = 0;
  int rc = xps_pkg_read_part(p->pkg, name, &part, err);
  if (rc < 0)
    return rc;
  /* Hand over the buffer: the part struct goes, its bytes stay. */
  *data = part->data;
  *size = part->size;
  part->data = NULL;
  xps_part_drop(part);
  return 0;
}

int xr_pkg_page_count(const xr_pkg *p) {
  return p ? xps_doc_page_count(p->doc) : -1;
}

void xr_pkg_stats_get(const xr_pkg *p, xr_pkg_stats *st) {
  memset(st, 0, sizeof *st);
  if (!p)
    return;
  st->parts = xps_pkg_part_count(p->pkg);
  xps_pkg_spill_stats(p->pkg, &st->spill_mem, &st->spill_mem_peak,
                      &st->spill_file);
}

void xr_pkg_close(xr_pkg *p) {
  if (!p)
    return;
  xps_doc_close(p->doc);
  xps_pkg_close(p->pkg);
  free(p);
}
