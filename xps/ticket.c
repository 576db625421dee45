/* PrintTicket parsing (Print Schema framework, as used by XPS) and the
 * job ⊕ document ⊕ page merge. */
#include "xps/ticket.h"

#include <errno.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xps/pkg_xml.h"

#define NAME_MAX_LEN 256
#define VALUE_MAX_LEN 128

/* The features we act on. */
enum feat_id {
  F_MEDIA,
  F_RES,
  F_ORIENT,
  F_COLOR,
  F_DUPLEX,
  F_COLLATE,
  F_COUNT
};

static const char *const feat_names[F_COUNT] = {
    "psk:PageMediaSize",
    "psk:PageResolution",
    "psk:PageOrientation",
    "psk:PageOutputColor",
    "psk:JobDuplexAllDocumentsContiguously",
    "psk:JobCollateAllDocuments"};

typedef struct prop {
  char name[NAME_MAX_LEN];
  char value[VALUE_MAX_LEN]; /* from psf:Value */
  char ref[NAME_MAX_LEN];    /* from psf:ParameterRef */
  int has_value;
} prop;

typedef struct feat {
  int present;
  long line;
  int options; /* psf:Option children seen */
  char option[NAME_MAX_LEN];
  int nprops;
  prop props[XPS_TICKET_MAX_PROPS];
} feat;

typedef struct param {
  char name[NAME_MAX_LEN];
  char value[VALUE_MAX_LEN];
  long line;
} param;

typedef struct parser {
  xps_xml x;
  const char *part;
  const xps_ctx *ctx;
  feat feats[F_COUNT];
  param *params;
  int nparams;
  int params_warned;
  /* Where we are. */
  int top; /* F_* of the depth-1 Feature, -1 other, -2 ParameterInit */
  int in_option;
  int prop_idx; /* index into the feature's props, or -1 */
  int in_value; /* collecting text for a Value */
  char text[VALUE_MAX_LEN];
  size_t text_len;
  int text_long;
} parser;

void xps_ticket_init(xps_ticket *t) {
  memset(t, 0, sizeof *t);
}

/* A QName attribute value ("psk:ISOA4") in canonical form: "psk:local" for
 * the keywords namespace, "{uri}local" otherwise, "" when unresolvable. The
 * prefix is whatever the ticket bound, so it must be looked up. */
static void qname(xmlTextReaderPtr r, const char *v, char *out, size_t size) {
  out[0] = '\0';
  if (!v)
    return;
  const char *colon = strchr(v, ':');
  char prefix[64];
  const char *local = v;
  xmlChar *uri;
  if (colon) {
    size_t n = (size_t)(colon - v);
    if (n == 0 || n >= sizeof prefix)
      return;
    memcpy(prefix, v, n);
    prefix[n] = '\0';
    local = colon + 1;
    uri = xmlTextReaderLookupNamespace(r, (const xmlChar *)prefix);
  } else {
    uri = xmlTextReaderLookupNamespace(r, NULL);
  }
  if (!*local) {
    xmlFree(uri);
    return;
  }
  if (uri && strcmp((const char *)uri, XPS_NS_PSK) == 0)
    snprintf(out, size, "psk:%s", local);
  else
    snprintf(out, size, "{%s}%s", uri ? (const char *)uri : "", local);
  xmlFree(uri);
}

static void attr_qname(parser *p, const char *attr, char *out, size_t size) {
  char *v = xps_xml_attr(&p->x, attr);
  qname((xmlTextReaderPtr)p->x.reader, v, out, size);
  free(v);
}

static long cur_line(parser *p) {
  return (long)xmlTextReaderGetParserLineNumber((xmlTextReaderPtr)p->x.reader);
}

/* Whole-string integer, surrounding XML whitespace allowed. */
static int parse_int(const char *s, long long lo, long long hi,
                     long long *out) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  if (!*s)
    return -1;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
    end++;
  if (errno || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static void on_element(parser *p, const char *local, int depth, int empty) {
  const char *ns = xps_xml_ns(&p->x);
  int psf = strcmp(ns, XPS_NS_PSF) == 0;
  if (depth == 1) {
    p->top = -1;
    p->in_option = 0;
    p->prop_idx = -1;
    if (!psf)
      return;
    char name[NAME_MAX_LEN];
    if (strcmp(local, "Feature") == 0) {
      attr_qname(p, "name", name, sizeof name);
      for (int i = 0; i < F_COUNT; i++)
        if (strcmp(name, feat_names[i]) == 0) {
          /* A repeated feature: the last one counts, as in a merge. */
          memset(&p->feats[i], 0, sizeof p->feats[i]);
          p->feats[i].present = 1;
          p->feats[i].line = cur_line(p);
          p->top = i;
        }
    } else if (strcmp(local, "ParameterInit") == 0) {
      if (p->nparams >= XPS_TICKET_MAX_PARAMS) {
        if (!p->params_warned++)
          xps_warn(p->ctx, XR_E_LIMIT, p->part, cur_line(p),
                   "PrintTicket has more than %d ParameterInit elements; "
                   "the rest are ignored",
                   XPS_TICKET_MAX_PARAMS);
        return;
      }
      param *pa = &p->params[p->nparams];
      memset(pa, 0, sizeof *pa);
      attr_qname(p, "name", pa->name, sizeof pa->name);
      pa->line = cur_line(p);
      p->top = -2;
      if (empty)
        p->top = -1;
    }
    return;
  }
  if (!psf)
    return;
  if (p->top >= 0) {
    feat *f = &p->feats[p->top];
    if (depth == 2 && strcmp(local, "Option") == 0) {
      /* A ticket has one Option per Feature; the first one counts. */
      if (f->options++ == 0) {
        attr_qname(p, "name", f->option, sizeof f->option);
        p->in_option = !empty;
      }
      return;
    }
    if (depth == 3 && p->in_option && strcmp(local, "ScoredProperty") == 0) {
      p->prop_idx = -1;
      if (f->nprops >= XPS_TICKET_MAX_PROPS || empty)
        return;
      prop *pr = &f->props[f->nprops];
      memset(pr, 0, sizeof *pr);
      attr_qname(p, "name", pr->name, sizeof pr->name);
      p->prop_idx = f->nprops++;
      return;
    }
    if (depth == 4 && p->prop_idx >= 0) {
      prop *pr = &f->props[p->prop_idx];
      if (strcmp(local, "Value") == 0 && !empty) {
        p->in_value = 1;
        p->text_len = 0;
        p->text_long = 0;
      } else if (strcmp(local, "ParameterRef") == 0) {
        attr_qname(p, "name", pr->ref, sizeof pr->ref);
      }
    }
    return;
  }
  if (p->top == -2 && depth == 2 && strcmp(local, "Value") == 0 && !empty) {
    p->in_value = 1;
    p->text_len = 0;
    p->text_long = 0;
  }
}

static void end_value(parser *p) {
  p->in_value = 0;
  p->text[p->text_len] = '\0';
  char *dst = NULL;
  if (p->top >= 0 && p->prop_idx >= 0) {
    prop *pr = &p->feats[p->top].props[p->prop_idx];
    dst = pr->value;
    pr->has_value = !p->text_long;
  } else if (p->top == -2) {
    dst = p->params[p->nparams].value;
  }
  if (dst && !p->text_long)
    memcpy(dst, p->text, p->text_len + 1);
}

static void on_end(parser *p, int depth) {
  if (p->in_value && (depth == 4 || depth == 2)) {
    end_value(p);
    return;
  }
  if (depth == 3)
    p->prop_idx = -1;
  else if (depth == 2)
    p->in_option = 0;
  else if (depth == 1) {
    if (p->top == -2 && p->params[p->nparams].name[0])
      p->nparams++;
    p->top = -1;
  }
}

static const param *find_param(const parser *p, const char *name) {
  const param *found = NULL;
  for (int i = 0; i < p->nparams; i++)
    if (strcmp(p->params[i].name, name) == 0)
      found = &p->params[i]; /* the last one wins */
  return found;
}

/* The value of a scored property: its own Value or the ParameterInit its
 * ParameterRef names. */
static const char *prop_value(const parser *p, const feat *f,
                              const char *name) {
  for (int i = 0; i < f->nprops; i++) {
    const prop *pr = &f->props[i];
    if (strcmp(pr->name, name) != 0)
      continue;
    if (pr->has_value)
      return pr->value;
    if (pr->ref[0]) {
      const param *pa = find_param(p, pr->ref);
      return pa ? pa->value : NULL;
    }
  }
  return NULL;
}

static int option_is(const feat *f, const char *kw) {
  return strcmp(f->option, kw) == 0;
}

/* Standard sizes by Print Schema keyword, in microns, for tickets that name
 * the option without giving its scored properties. */
static const struct {
  const char *kw;
  int w, h;
} known_media[] = {
    {"psk:ISOA3", 297000, 420000},
    {"psk:ISOA4", 210000, 297000},
    {"psk:ISOA5", 148000, 210000},
    {"psk:ISOA6", 105000, 148000},
    {"psk:ISOB5Envelope", 176000, 250000},
    {"psk:JISB4", 257000, 364000},
    {"psk:JISB5", 182000, 257000},
    {"psk:NorthAmericaLetter", 215900, 279400},
    {"psk:NorthAmericaLegal", 215900, 355600},
    {"psk:NorthAmericaTabloid", 279400, 431800},
    {"psk:NorthAmericaExecutive", 184150, 266700},
    {"psk:NorthAmerica4x6", 101600, 152400},
};

/* 1000 inches: beyond any medium; the raster side enforces PAGE_DIM. */
#define MAX_MICRONS 25400000LL

static void apply_media(parser *p, const feat *f, xps_ticket *t) {
  const char *ws = prop_value(p, f, "psk:MediaSizeWidth");
  const char *hs = prop_value(p, f, "psk:MediaSizeHeight");
  long long w = 0, h = 0;
  if (ws || hs) {
    if (!ws || !hs || parse_int(ws, 1, MAX_MICRONS, &w) < 0 ||
        parse_int(hs, 1, MAX_MICRONS, &h) < 0) {
      xps_warn(p->ctx, XR_E_SYNTAX, p->part, f->line,
               "PageMediaSize: unusable MediaSizeWidth/Height; ignored");
      return;
    }
  } else {
    for (size_t i = 0; i < sizeof known_media / sizeof known_media[0]; i++)
      if (option_is(f, known_media[i].kw)) {
        w = known_media[i].w;
        h = known_media[i].h;
      }
    if (!w) {
      xps_warn(p->ctx, XR_E_UNSUPPORTED, p->part, f->line,
               "PageMediaSize option '%s' has no size; ignored", f->option);
      return;
    }
  }
  t->set |= XPS_TK_MEDIA;
  t->media_w_in = (double)w / 25400.0;
  t->media_h_in = (double)h / 25400.0;
  const char *kw = strncmp(f->option, "psk:", 4) == 0 ? f->option + 4 : "";
  snprintf(t->media_name, sizeof t->media_name, "%s", kw);
}

static void apply_res(parser *p, const feat *f, xps_ticket *t) {
  long long hi = xps_limit(p->ctx, XR_LIMIT_DPI);
  const char *xs = prop_value(p, f, "psk:ResolutionX");
  const char *ys = prop_value(p, f, "psk:ResolutionY");
  long long x, y;
  if (!xs || parse_int(xs, 1, hi, &x) < 0 ||
      (ys && parse_int(ys, 1, hi, &y) < 0)) {
    xps_warn(p->ctx, XR_E_SYNTAX, p->part, f->line,
             "PageResolution: no usable ResolutionX/Y in 1..%lld; ignored", hi);
    return;
  }
  t->set |= XPS_TK_RESOLUTION;
  t->res_x = (int)x;
  t->res_y = ys ? (int)y : (int)x;
}

static int pick(parser *p, const feat *f, const char *const *kws, int n,
                const char *what) {
  for (int i = 0; i < n; i++)
    if (option_is(f, kws[i]))
      return i;
  xps_warn(p->ctx, XR_E_UNSUPPORTED, p->part, f->line,
           "%s option '%s' is not supported; ignored", what,
           f->option[0] ? f->option : "(none)");
  return -1;
}

static void apply_copies(parser *p, const char *name, unsigned bit,
                         xps_ticket *t) {
  const param *pa = find_param(p, name);
  if (!pa)
    return;
  long long v, hi = xps_limit(p->ctx, XR_LIMIT_COPIES);
  if (parse_int(pa->value, 1, hi, &v) < 0) {
    xps_warn(p->ctx, XR_E_LIMIT, p->part, pa->line,
             "%s: '%s' is not a copy count in 1..%lld; ignored", name + 4,
             pa->value, hi);
    return;
  }
  t->set |= bit;
  if (bit == XPS_TK_JOB_COPIES)
    t->job_copies = (int)v;
  else
    t->doc_copies = (int)v;
}

static void apply(parser *p, xps_ticket *t) {
  static const char *const orient[] = {"psk:Portrait", "psk:Landscape",
                                       "psk:ReversePortrait",
                                       "psk:ReverseLandscape"};
  static const char *const color[] = {"psk:Color", "psk:Grayscale",
                                      "psk:Monochrome"};
  static const char *const duplex[] = {"psk:OneSided", "psk:TwoSidedLongEdge",
                                       "psk:TwoSidedShortEdge"};
  const feat *f = p->feats;
  if (f[F_MEDIA].present)
    apply_media(p, &f[F_MEDIA], t);
  if (f[F_RES].present)
    apply_res(p, &f[F_RES], t);
  int v;
  if (f[F_ORIENT].present &&
      (v = pick(p, &f[F_ORIENT], orient, 4, "PageOrientation")) >= 0) {
    t->set |= XPS_TK_ORIENTATION;
    t->orientation = v;
  }
  if (f[F_COLOR].present &&
      (v = pick(p, &f[F_COLOR], color, 3, "PageOutputColor")) >= 0) {
    t->set |= XPS_TK_COLOR;
    t->color = v;
  }
  if (f[F_DUPLEX].present &&
      (v = pick(p, &f[F_DUPLEX], duplex, 3,
                "JobDuplexAllDocumentsContiguously")) >= 0) {
    t->set |= XPS_TK_DUPLEX;
    t->duplex = v;
  }
  static const char *const collate[] = {"psk:Uncollated", "psk:Collated"};
  if (f[F_COLLATE].present &&
      (v = pick(p, &f[F_COLLATE], collate, 2, "JobCollateAllDocuments")) >= 0) {
    t->set |= XPS_TK_COLLATE;
    t->collate = v;
  }
  apply_copies(p, "psk:JobCopiesAllDocuments", XPS_TK_JOB_COPIES, t);
  apply_copies(p, "psk:DocumentCopiesAllPages", XPS_TK_DOC_COPIES, t);
}

static int run(parser *p, xps_ticket *out, xr_errinfo *err) {
  xmlTextReaderPtr r = p->x.reader;
  int64_t max_depth = xps_limit(p->ctx, XR_LIMIT_XML_DEPTH);
  int64_t max_elems = xps_limit(p->ctx, XR_LIMIT_ELEMENTS_PER_PAGE);
  int64_t elems = 0;
  int root = 0;
  for (;;) {
    int rc = xmlTextReaderRead(r);
    if (p->x.status < 0 || rc < 0)
      return xr_errinfo_set(err, XR_E_FORMAT, p->part,
                            p->x.line >= 0 ? p->x.line : cur_line(p), -1,
                            "malformed PrintTicket: %s",
                            p->x.msg[0] ? p->x.msg : "XML error");
    if (rc == 0)
      break;
    int type = xmlTextReaderNodeType(r);
    int depth = xmlTextReaderDepth(r);
    switch (type) {
    case XML_READER_TYPE_DOCUMENT_TYPE:
    case XML_READER_TYPE_ENTITY_REFERENCE:
      return xr_errinfo_set(err, XR_E_FORMAT, p->part, cur_line(p), -1,
                            "DTDs and entities are not allowed in a "
                            "PrintTicket");
    case XML_READER_TYPE_ELEMENT: {
      if (++elems > max_elems || depth >= max_depth)
        return xr_errinfo_set(
            err, XR_E_LIMIT, p->part, cur_line(p), -1, "PrintTicket exceeds %s",
            elems > max_elems ? "ELEMENTS_PER_PAGE" : "XML_DEPTH");
      const char *local = xps_xml_local(&p->x);
      int empty = xmlTextReaderIsEmptyElement(r) == 1;
      if (depth == 0) {
        if (strcmp(local, "PrintTicket") != 0 ||
            strcmp(xps_xml_ns(&p->x), XPS_NS_PSF) != 0)
          return xr_errinfo_set(err, XR_E_UNSUPPORTED, p->part, cur_line(p), -1,
                                "not a psf:PrintTicket (root <%s>)", local);
        root = 1;
        break;
      }
      if (p->in_value) /* markup inside a Value: not a value we can use */
        p->text_long = 1;
      on_element(p, local, depth, empty);
      if (empty)
        on_end(p, depth);
      break;
    }
    case XML_READER_TYPE_END_ELEMENT:
      on_end(p, depth);
      break;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
    case XML_READER_TYPE_WHITESPACE:
      if (p->in_value) {
        const xmlChar *s = xmlTextReaderConstValue(r);
        size_t n = s ? strlen((const char *)s) : 0;
        if (p->text_len + n >= sizeof p->text)
          p->text_long = 1;
        else if (n) {
          memcpy(p->text + p->text_len, s, n);
          p->text_len += n;
        }
      }
      break;
    default:
      break;
    }
  }
  if (!root)
    return xr_errinfo_set(err, XR_E_FORMAT, p->part, -1, -1,
                          "empty PrintTicket");
  apply(p, out);
  return 0;
}

int xps_ticket_parse(const unsigned char *data, size_t size, const char *part,
                     const xps_ctx *ctx, xps_ticket *out, xr_errinfo *err) {
  xps_ticket_init(out);
  if (!part)
    part = "PrintTicket";
  parser *p = calloc(1, sizeof *p);
  if (!p)
    return xr_errinfo_set(err, XR_E_NOMEM, part, -1, -1, NULL);
  p->params = calloc(XPS_TICKET_MAX_PARAMS, sizeof *p->params);
  if (!p->params) {
    free(p);
    return xr_errinfo_set(err, XR_E_NOMEM, part, -1, -1, NULL);
  }
  p->part = part;
  p->ctx = ctx;
  p->top = -1;
  p->prop_idx = -1;
  /* xps_xml_open wants a part; it only reads name, data and size. */
  xps_part fake = {(char *)part, (unsigned char *)data, size};
  int rc = xps_xml_open(&p->x, &fake, ctx, err);
  if (rc == 0) {
    xps_ticket t;
    xps_ticket_init(&t);
    rc = run(p, &t, err);
    if (rc == 0)
      *out = t;
    xps_xml_close(&p->x);
  }
  free(p->params);
  free(p);
  return rc;
}

int xps_ticket_scope(unsigned bit) {
  switch (bit) {
  case XPS_TK_JOB_COPIES:
  case XPS_TK_DUPLEX:
  case XPS_TK_COLLATE:
    return XPS_TICKET_JOB;
  case XPS_TK_DOC_COPIES:
    return XPS_TICKET_DOCUMENT;
  default:
    return XPS_TICKET_PAGE;
  }
}

void xps_ticket_merge(xps_ticket *dst, const xps_ticket *src, int level) {
  for (unsigned bit = 1; bit <= XPS_TK_COLLATE; bit <<= 1) {
    if (!(src->set & bit) || level > xps_ticket_scope(bit))
      continue;
    dst->set |= bit;
    switch (bit) {
    case XPS_TK_MEDIA:
      dst->media_w_in = src->media_w_in;
      dst->media_h_in = src->media_h_in;
      memcpy(dst->media_name, src->media_name, sizeof dst->media_name);
      break;
    case XPS_TK_RESOLUTION:
      dst->res_x = src->res_x;
      dst->res_y = src->res_y;
      break;
    case XPS_TK_ORIENTATION:
      dst->orientation = src->orientation;
      break;
    case XPS_TK_JOB_COPIES:
      dst->job_copies = src->job_copies;
      break;
    case XPS_TK_DOC_COPIES:
      dst->doc_copies = src->doc_copies;
      break;
    case XPS_TK_COLOR:
      dst->color = src->color;
      break;
    case XPS_TK_DUPLEX:
      dst->duplex = src->duplex;
      break;
    case XPS_TK_COLLATE:
      dst->collate = src->collate;
      break;
    }
  }
}
