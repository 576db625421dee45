/* Content types are few (tens of Defaults, maybe an Override per part), so
 * Overrides go through the same folded-name hash as parts and Defaults are
 * a short list. */
#include "xps/content_types.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xps/partname.h"
#include "xps/pkg_xml.h"

typedef struct ct_item {
  char *key; /* folded part name, or extension */
  char *type;
  uint64_t hash;
} ct_item;

struct xps_ctypes {
  ct_item *defaults;
  size_t ndef, capdef;
  ct_item *over; /* open addressing, power of two */
  size_t nover, capover;
};

#define XPS_CT_NS "http://schemas.openxmlformats.org/package/2006/content-types"

void xps_ctypes_drop(xps_ctypes *t) {
  if (!t)
    return;
  for (size_t i = 0; i < t->ndef; i++) {
    free(t->defaults[i].key);
    free(t->defaults[i].type);
  }
  for (size_t i = 0; i < t->capover; i++) {
    free(t->over[i].key);
    free(t->over[i].type);
  }
  free(t->defaults);
  free(t->over);
  free(t);
}

static int over_put(xps_ctypes *t, char *key, char *type) {
  if ((t->nover + 1) * 2 > t->capover) {
    size_t nc = t->capover ? t->capover * 2 : 16;
    ct_item *v = calloc(nc, sizeof *v);
    if (!v)
      return XR_E_NOMEM;
    for (size_t i = 0; i < t->capover; i++) {
      if (!t->over[i].key)
        continue;
      size_t j = (size_t)t->over[i].hash & (nc - 1);
      while (v[j].key)
        j = (j + 1) & (nc - 1);
      v[j] = t->over[i];
    }
    free(t->over);
    t->over = v;
    t->capover = nc;
  }
  uint64_t h = xps_partname_hash(key, strlen(key));
  size_t j = (size_t)h & (t->capover - 1);
  while (t->over[j].key) {
    if (t->over[j].hash == h && strcmp(t->over[j].key, key) == 0) {
      /* A repeated Override: the first one stays. */
      free(key);
      free(type);
      return 0;
    }
    j = (j + 1) & (t->capover - 1);
  }
  t->over[j].key = key;
  t->over[j].type = type;
  t->over[j].hash = h;
  t->nover++;
  return 0;
}

int xps_ctypes_parse(const xps_part *part, const xps_ctx *ctx, xps_ctypes **out,
                     xr_errinfo *err) {
  *out = NULL;
  xps_ctypes *t = calloc(1, sizeof *t);
  if (!t)
    return XR_E_NOMEM;
  xps_xml x;
  int rc = xps_xml_open(&x, part, ctx, err);
  if (rc < 0) {
    free(t);
    return rc;
  }
  size_t max = (size_t)xps_limit(ctx, XR_LIMIT_ENTRY_COUNT);
  while ((rc = xps_xml_next(&x, err)) == 1) {
    if (xps_xml_depth(&x) != 1 || strcmp(xps_xml_ns(&x), XPS_CT_NS) != 0)
      continue;
    const char *el = xps_xml_local(&x);
    int is_def = strcmp(el, "Default") == 0;
    if (!is_def && strcmp(el, "Override") != 0)
      continue;
    if (t->ndef + t->nover >= max) {
      rc = xr_errinfo_set(err, XR_E_LIMIT, part->name, xps_xml_line(&x), -1,
                          "more than ENTRY_COUNT %zu content types", max);
      break;
    }
    char *k = xps_xml_attr(&x, is_def ? "Extension" : "PartName");
    char *type = xps_xml_attr(&x, "ContentType");
    if (!k || !type) {
      xps_warn(ctx, XR_E_FORMAT, part->name, xps_xml_line(&x),
               "%s without %s or ContentType ignored", el,
               is_def ? "Extension" : "PartName");
      free(k);
      free(type);
      continue;
    }
    if (is_def) {
      if (t->ndef == t->capdef) {
        size_t nc = t->capdef ? t->capdef * 2 : 16;
        ct_item *v = realloc(t->defaults, nc * sizeof *v);
        if (!v) {
          free(k);
          free(type);
          rc = XR_E_NOMEM;
          break;
        }
        t->defaults = v;
        t->capdef = nc;
      }
      t->defaults[t->ndef++] = (ct_item){k, type, 0};
      continue;
    }
    size_t kl = strlen(k) + 2;
    char *key = malloc(kl);
    if (!key || xps_partname_norm(k, strlen(k), key, kl) < 0) {
      if (key)
        xps_warn(ctx, XR_E_FORMAT, part->name, xps_xml_line(&x),
                 "Override PartName \"%.100s\" ignored", k);
      free(key);
      free(k);
      free(type);
      if (!key) {
        rc = XR_E_NOMEM;
        break;
      }
      continue;
    }
    free(k);
    xps_partname_fold(key);
    rc = over_put(t, key, type);
    if (rc < 0)
      break;
  }
  xps_xml_close(&x);
  if (rc < 0) {
    xps_ctypes_drop(t);
    return rc;
  }
  *out = t;
  return 0;
}

const char *xps_ctypes_lookup(const xps_ctypes *t, const char *name) {
  if (!t || !name)
    return NULL;
  size_t kl = strlen(name) + 2;
  char *key = malloc(kl);
  const char *found = NULL;
  if (key && xps_partname_norm(name, strlen(name), key, kl) >= 0) {
    xps_partname_fold(key);
    uint64_t h = xps_partname_hash(key, strlen(key));
    if (t->capover) {
      size_t j = (size_t)h & (t->capover - 1);
      for (; t->over[j].key; j = (j + 1) & (t->capover - 1))
        if (t->over[j].hash == h && strcmp(t->over[j].key, key) == 0) {
          found = t->over[j].type;
          break;
        }
    }
    if (!found) {
      const char *dot = strrchr(key, '.');
      const char *slash = strrchr(key, '/');
      if (dot && dot > slash)
        for (size_t i = 0; i < t->ndef; i++)
          if (strcasecmp(t->defaults[i].key, dot + 1) == 0) {
            found = t->defaults[i].type;
            break;
          }
    }
  }
  free(key);
  return found;
}
