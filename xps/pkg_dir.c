/* Unpacked package directories and lone FixedPage files. A directory is
 * walked once at open (bounded by ENTRY_COUNT and NAME_LEN); a lone page is
 * one part, and other names are looked up beside it on demand so that its
 * relative resource references still work. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xps/pkg_imp.h"

typedef struct dir_impl {
  char *root; /* no trailing '/' */
} dir_impl;

static int dir_read(xps_pkg *pkg, const pkg_entry *e, const pkg_loc *loc,
                    unsigned char *dst, xr_errinfo *err) {
  (void)pkg;
  FILE *f = fopen(loc->path, "rb");
  if (!f)
    return xr_errinfo_set(err, XR_E_IO, e->name, -1, -1, "cannot open %s: %s",
                          loc->path, strerror(errno));
  size_t n = fread(dst, 1, (size_t)loc->size, f);
  int extra = fgetc(f);
  int bad = ferror(f);
  fclose(f);
  if (bad || n != loc->size || extra != EOF)
    return xr_errinfo_set(err, XR_E_IO, e->name, -1, -1,
                          "%s changed size while reading", loc->path);
  return 0;
}

static void dir_close(xps_pkg *pkg) {
  dir_impl *im = pkg->impl;
  if (!im)
    return;
  free(im->root);
  free(im);
  pkg->impl = NULL;
}

/* Adds file root/rel (rel without a leading '/'). */
static int add_file(xps_pkg *pkg, const char *root, const char *rel,
                    const struct stat *st, xr_errinfo *err) {
  size_t n = strlen(root) + strlen(rel) + 2;
  char *path = malloc(n);
  if (!path)
    return XR_E_NOMEM;
  snprintf(path, n, "%s/%s", root, rel);
  pkg_loc loc = {.ref = -1,
                 .size = (uint64_t)st->st_size,
                 .csize = (uint64_t)st->st_size,
                 .offset = -1,
                 .path = path};
  return xps_pkg_add(pkg, rel, strlen(rel), &loc, err);
}

static int walk(xps_pkg *pkg, const char *root, char *rel, size_t rlen,
                int depth, xr_errinfo *err) {
  size_t buflen = pkg->buflen;
  if (depth > xps_limit(pkg->ctx, XR_LIMIT_XML_DEPTH))
    return xr_errinfo_set(err, XR_E_LIMIT, rel, -1, -1,
                          "directories nested deeper than XML_DEPTH");
  size_t plen = strlen(root) + rlen + 2;
  char *dpath = malloc(plen);
  if (!dpath)
    return XR_E_NOMEM;
  snprintf(dpath, plen, "%s%s%.*s", root, rlen ? "/" : "", (int)rlen, rel);
  DIR *d = opendir(dpath);
  if (!d) {
    int rc = xr_errinfo_set(err, XR_E_IO, dpath, -1, -1, "cannot read: %s",
                            strerror(errno));
    free(dpath);
    return rc;
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    size_t nl = strlen(de->d_name);
    if (rlen + nl + 2 > buflen - 1) {
      rc = xr_errinfo_set(err, XR_E_LIMIT, de->d_name, -1, -1,
                          "path exceeds NAME_LEN");
      break;
    }
    size_t nrl = rlen;
    if (rlen)
      rel[nrl++] = '/';
    memcpy(rel + nrl, de->d_name, nl + 1);
    nrl += nl;
    size_t fl = strlen(root) + nrl + 2;
    char *full = malloc(fl);
    if (!full) {
      rc = XR_E_NOMEM;
      break;
    }
    snprintf(full, fl, "%s/%s", root, rel);
    struct stat st;
    /* lstat: a symlink must not lead the walk outside the package. */
    if (lstat(full, &st) == 0) {
      if (S_ISDIR(st.st_mode))
        rc = walk(pkg, root, rel, nrl, depth + 1, err);
      else if (S_ISREG(st.st_mode))
        rc = add_file(pkg, root, rel, &st, err);
    }
    free(full);
    rel[rlen] = '\0';
  }
  closedir(d);
  free(dpath);
  return rc;
}

static const pkg_ops dir_ops = {dir_read, NULL, dir_close, NULL};

static int new_dir_pkg(const char *path, const pkg_ops *ops, const xps_ctx *ctx,
                       xps_pkg **out, dir_impl **im_out) {
  xps_pkg *pkg = xps_pkg_new(ctx, ops, path);
  dir_impl *im = calloc(1, sizeof *im);
  if (!pkg || !im) {
    free(im);
    xps_pkg_close(pkg);
    return XR_E_NOMEM;
  }
  pkg->impl = im;
  *out = pkg;
  *im_out = im;
  return 0;
}

int xps_pkg_open_dir(const char *path, const xps_ctx *ctx, xps_pkg **out,
                     xr_errinfo *err) {
  dir_impl *im;
  xps_pkg *pkg;
  *out = NULL;
  int rc = new_dir_pkg(path, &dir_ops, ctx, &pkg, &im);
  if (rc < 0)
    return rc;
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/')
    len--;
  char *rel = malloc(pkg->buflen);
  im->root = strndup(path, len);
  if (!rel || !im->root) {
    free(rel);
    xps_pkg_close(pkg);
    return XR_E_NOMEM;
  }
  rel[0] = '\0';
  rc = walk(pkg, im->root, rel, 0, 0, err);
  free(rel);
  if (rc < 0) {
    xps_pkg_close(pkg);
    return rc;
  }
  *out = pkg;
  return 0;
}

/* A lone page: a name not in the table may be a file beside the page. */
static int lone_probe(xps_pkg *pkg, const char *name, xr_errinfo *err) {
  dir_impl *im = pkg->impl;
  /* name is normalised: it starts with '/' and has no dot segments. */
  size_t n = strlen(im->root) + strlen(name) + 1;
  char *path = malloc(n);
  if (!path)
    return XR_E_NOMEM;
  snprintf(path, n, "%s%s", im->root, name);
  struct stat st;
  int rc = XR_E_NOTFOUND;
  if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
    rc = add_file(pkg, im->root, name + 1, &st, err);
  free(path);
  return rc;
}

static const pkg_ops lone_ops = {dir_read, NULL, dir_close, lone_probe};

int xps_pkg_open_lone(const char *path, const xps_ctx *ctx, xps_pkg **out,
                      xr_errinfo *err) {
  dir_impl *im;
  xps_pkg *pkg;
  *out = NULL;
  int rc = new_dir_pkg(path, &lone_ops, ctx, &pkg, &im);
  if (rc < 0)
    return rc;
  pkg->lone_page = 1;
  const char *slash = strrchr(path, '/');
  im->root = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
  if (!im->root) {
    xps_pkg_close(pkg);
    return XR_E_NOMEM;
  }
  struct stat st;
  if (stat(path, &st) != 0) {
    rc = xr_errinfo_set(err, XR_E_IO, path, -1, -1, "cannot open: %s",
                        strerror(errno));
    xps_pkg_close(pkg);
    return rc;
  }
  rc = add_file(pkg, im->root, slash ? slash + 1 : path, &st, err);
  if (rc < 0) {
    xps_pkg_close(pkg);
    return rc;
  }
  *out = pkg;
  return 0;
}

const char *xps_pkg_lone_page_name(const xps_pkg *pkg) {
  return pkg && pkg->lone_page && pkg->n ? pkg->entries[0]->name : NULL;
}
