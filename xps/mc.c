/* Markup-compatibility event reader (see mc.h). */
#include "xps/mc.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

#define NS_KEY_XPS                                                             \
  "http://schemas.microsoft.com/xps/2005/06/resourcedictionary-key"
#define NS_KEY_OXPS                                                            \
  "http://schemas.openxps.org/oxps/v1.0/resourcedictionary-key"
#define NS_XML "http://www.w3.org/XML/1998/namespace"

/* What an element does to the event stream. */
enum mode {
  M_EMIT,   /* delivered as START/END */
  M_UNWRAP, /* dropped, its children delivered (Choice, ProcessContent) */
  M_ALTC,   /* AlternateContent: only Choice/Fallback children */
  M_SKIP    /* dropped with all its content */
};

typedef struct pcname {
  char *ns;
  char *local; /* "*" for every element of ns */
} pcname;

/* Ignorable namespaces in force, chained to the enclosing scope. */
typedef struct scope {
  struct scope *up;
  char **ign;
  int nign;
  pcname *pc;
  int npc;
} scope;

typedef struct frame {
  int mode;
  int chosen; /* M_ALTC: a branch has been selected */
  scope *sc;
  int owns_sc;
} frame;

struct xps_mc {
  xmlTextReaderPtr rd;
  const xps_ctx *ctx;
  char part[256];
  frame *st;
  int depth, cap;
  long elements;
  int skip_depth;  /* raw depth of the element being skipped, or -1 */
  int pending_end; /* an empty element still needs its END */
  int failed;
  /* libxml2's last complaint */
  char xmsg[200];
  long xline;
  /* event storage */
  xps_attr *attrs;
  size_t *offs; /* name/value offsets into sbuf while collecting */
  int attr_cap;
  char *sbuf;
  size_t slen, scap;
  char name[128];
  xr_errinfo saved;
};

static void on_xml_error(void *ud, xmlErrorPtr e) {
  xps_mc *r = ud;
  if (!e || r->xmsg[0])
    return; /* keep the first: later ones are consequences */
  snprintf(r->xmsg, sizeof r->xmsg, "%s", e->message ? e->message : "error");
  /* libxml2's words for a value over its 10 MB cap say nothing useful. */
  if (strstr(r->xmsg, "Huge input lookup"))
    snprintf(r->xmsg, sizeof r->xmsg,
             "an attribute value or text is longer than the XML parser "
             "accepts (10 MB)");
  size_t n = strlen(r->xmsg);
  while (n && (r->xmsg[n - 1] == '\n' || r->xmsg[n - 1] == ' '))
    r->xmsg[--n] = '\0';
  r->xline = e->line;
}

int xps_mc_open(const char *xml, size_t len, const char *part,
                const xps_ctx *ctx, xps_mc **out, xr_errinfo *err) {
  *out = NULL;
  if (len > (size_t)INT32_MAX)
    return xr_errinfo_set(err, XR_E_LIMIT, part, -1, -1, "part too large");
  xps_mc *r = calloc(1, sizeof *r);
  if (!r)
    return xr_errinfo_set(err, XR_E_NOMEM, part, -1, -1, "out of memory");
  r->ctx = ctx;
  r->skip_depth = -1;
  snprintf(r->part, sizeof r->part, "%s", part ? part : "");
  /* No NOENT (no entity substitution), no DTDLOAD, no network. */
  int opts = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
  if (xps_limit(ctx, XR_LIMIT_XML_DEPTH) > 256)
    opts |= XML_PARSE_HUGE; /* libxml2 stops at depth 256 otherwise */
  r->rd = xmlReaderForMemory(xml, (int)len, NULL, NULL, opts);
  if (!r->rd) {
    free(r);
    return xr_errinfo_set(err, XR_E_NOMEM, part, -1, -1, "out of memory");
  }
  xmlTextReaderSetStructuredErrorHandler(r->rd, on_xml_error, r);
  *out = r;
  return 0;
}

static void scope_free(scope *s) {
  if (!s)
    return;
  for (int i = 0; i < s->nign; i++)
    free(s->ign[i]);
  for (int i = 0; i < s->npc; i++) {
    free(s->pc[i].ns);
    free(s->pc[i].local);
  }
  free(s->ign);
  free(s->pc);
  free(s);
}

void xps_mc_close(xps_mc *r) {
  if (!r)
    return;
  for (int i = 0; i < r->depth; i++)
    if (r->st[i].owns_sc)
      scope_free(r->st[i].sc);
  free(r->st);
  free(r->attrs);
  free(r->offs);
  free(r->sbuf);
  xmlFreeTextReader(r->rd);
  free(r);
}

long xps_mc_elements(const xps_mc *r) {
  return r->elements;
}
const char *xps_mc_part(const xps_mc *r) {
  return r->part;
}

const char *xps_attr_find(const xps_attr *a, int n, int ns, const char *name) {
  for (int i = 0; i < n; i++)
    if (a[i].ns == ns && strcmp(a[i].name, name) == 0)
      return a[i].value;
  return NULL;
}

static int fail(xps_mc *r, xr_errinfo *err, int status, long line,
                const char *fmt, const char *arg) {
  r->failed = 1;
  xr_errinfo_set(&r->saved, status, r->part, line, -1, fmt, arg);
  if (err)
    *err = r->saved;
  return status;
}

static int ns_of(const char *uri) {
  if (!uri)
    return XPS_NS_NONE;
  if (!strcmp(uri, XPS_NS_URI_XPS) || !strcmp(uri, XPS_NS_URI_OXPS))
    return XPS_NS_XPS;
  if (!strcmp(uri, NS_KEY_XPS) || !strcmp(uri, NS_KEY_OXPS))
    return XPS_NS_KEY;
  if (!strcmp(uri, NS_XML))
    return XPS_NS_XML;
  return -1;
}

static int understood(const char *uri) {
  return ns_of(uri) > XPS_NS_NONE || !strcmp(uri, XPS_NS_URI_MC);
}

static scope *cur_scope(xps_mc *r) {
  return r->depth ? r->st[r->depth - 1].sc : NULL;
}

static int ignorable(const scope *s, const char *uri) {
  for (; s; s = s->up)
    for (int i = 0; i < s->nign; i++)
      if (!strcmp(s->ign[i], uri))
        return 1;
  return 0;
}

static int process_content(const scope *s, const char *uri, const char *local) {
  for (; s; s = s->up)
    for (int i = 0; i < s->npc; i++)
      if (!strcmp(s->pc[i].ns, uri) &&
          (!strcmp(s->pc[i].local, "*") || !strcmp(s->pc[i].local, local)))
        return 1;
  return 0;
}

/* Next whitespace-separated token of *p into buf; 0 at the end. */
static int token(const char **p, char *buf, size_t size) {
  const char *s = *p;
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  size_t n = 0;
  while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' && s[n] != '\r')
    n++;
  if (!n)
    return 0;
  size_t k = n < size - 1 ? n : size - 1;
  memcpy(buf, s, k);
  buf[k] = '\0';
  *p = s + n;
  return 1;
}

/* Resolves prefix in the current element's scope: malloc'd URI or NULL. */
static char *lookup_prefix(xps_mc *r, const char *prefix) {
  xmlChar *u = xmlTextReaderLookupNamespace(r->rd, (const xmlChar *)prefix);
  if (!u)
    return NULL;
  char *s = strdup((const char *)u);
  xmlFree(u);
  return s;
}

/* Reads mc:Ignorable / mc:ProcessContent / mc:MustUnderstand of the
 * current element; makes *out a new scope when it declares any. */
static int read_mc_attrs(xps_mc *r, xr_errinfo *err, long line, scope **out) {
  const char *names[3] = {"Ignorable", "ProcessContent", "MustUnderstand"};
  *out = NULL;
  for (int w = 0; w < 3; w++) {
    xmlChar *v = xmlTextReaderGetAttributeNs(r->rd, (const xmlChar *)names[w],
                                             (const xmlChar *)XPS_NS_URI_MC);
    if (!v)
      continue;
    const char *p = (const char *)v;
    char tok[256];
    int rc = 0;
    while (!rc && token(&p, tok, sizeof tok)) {
      char *colon = strchr(tok, ':');
      if (w == 1 && colon)
        *colon = '\0';
      else if (w == 1) {
        rc = fail(r, err, XR_E_FORMAT, line,
                  "mc:ProcessContent entry '%s' is not prefix:name", tok);
        break;
      }
      char *uri = lookup_prefix(r, tok);
      if (!uri) {
        rc = fail(r, err, XR_E_FORMAT, line, "undeclared prefix '%s' in mc",
                  tok);
        break;
      }
      if (w == 2) {
        if (!understood(uri))
          rc = fail(r, err, XR_E_UNSUPPORTED, line,
                    "mc:MustUnderstand namespace '%s' is not supported", uri);
        free(uri);
        continue;
      }
      if (!*out && !(*out = calloc(1, sizeof **out))) {
        free(uri);
        rc = XR_E_NOMEM;
        break;
      }
      scope *s = *out;
      if (w == 0) {
        char **g = realloc(s->ign, (size_t)(s->nign + 1) * sizeof *g);
        if (!g) {
          free(uri);
          rc = XR_E_NOMEM;
          break;
        }
        s->ign = g;
        s->ign[s->nign++] = uri;
      } else {
        pcname *g = realloc(s->pc, (size_t)(s->npc + 1) * sizeof *g);
        char *loc = strdup(colon + 1);
        if (!g || !loc) {
          if (g)
            s->pc = g;
          free(uri);
          free(loc);
          rc = XR_E_NOMEM;
          break;
        }
        s->pc = g;
        s->pc[s->npc].ns = uri;
        s->pc[s->npc++].local = loc;
      }
    }
    xmlFree(v);
    if (rc == XR_E_NOMEM)
      rc = fail(r, err, XR_E_NOMEM, line, "%s", "out of memory");
    if (rc) {
      scope_free(*out);
      *out = NULL;
      return rc;
    }
  }
  if (*out)
    (*out)->up = cur_scope(r);
  return 0;
}

static int push(xps_mc *r, int mode, scope *own) {
  if (r->depth == r->cap) {
    int cap = r->cap ? r->cap * 2 : 32;
    frame *f = realloc(r->st, (size_t)cap * sizeof *f);
    if (!f)
      return XR_E_NOMEM;
    r->st = f;
    r->cap = cap;
  }
  frame *f = &r->st[r->depth];
  f->mode = mode;
  f->chosen = 0;
  f->owns_sc = own != NULL;
  f->sc = own ? own : cur_scope(r);
  r->depth++;
  return 0;
}

static void pop(xps_mc *r) {
  frame *f = &r->st[--r->depth];
  if (f->owns_sc)
    scope_free(f->sc);
}

/* Element names are copied per event; snprintf would dominate here. */
static void set_name(xps_mc *r, const char *s) {
  size_t n = strlen(s);
  if (n >= sizeof r->name)
    n = sizeof r->name - 1;
  memcpy(r->name, s, n);
  r->name[n] = '\0';
}

static size_t sput(xps_mc *r, const char *s) {
  size_t n = strlen(s) + 1;
  if (r->slen + n > r->scap) {
    size_t cap = r->scap ? r->scap : 256;
    while (cap < r->slen + n)
      cap *= 2;
    char *b = realloc(r->sbuf, cap);
    if (!b)
      return (size_t)-1;
    r->sbuf = b;
    r->scap = cap;
  }
  memcpy(r->sbuf + r->slen, s, n);
  r->slen += n;
  return r->slen - n;
}

/* Copies the current element's attributes into the event, applying the
 * ignorable rules. */
static int collect_attrs(xps_mc *r, xr_errinfo *err, long line, xps_event *ev) {
  const scope *sc = cur_scope(r);
  int n = 0;
  r->slen = 0;
  int rc = 0;
  if (xmlTextReaderMoveToFirstAttribute(r->rd) == 1) {
    do {
      if (xmlTextReaderIsNamespaceDecl(r->rd))
        continue;
      const char *uri = (const char *)xmlTextReaderConstNamespaceUri(r->rd);
      const char *loc = (const char *)xmlTextReaderConstLocalName(r->rd);
      const char *val = (const char *)xmlTextReaderConstValue(r->rd);
      if (!loc)
        continue;
      int ns = ns_of(uri);
      if (uri && !strcmp(uri, XPS_NS_URI_MC)) {
        if (strcmp(loc, "Ignorable") && strcmp(loc, "ProcessContent") &&
            strcmp(loc, "MustUnderstand") && strcmp(loc, "PreserveElements") &&
            strcmp(loc, "PreserveAttributes")) {
          rc = fail(r, err, XR_E_FORMAT, line, "unknown attribute mc:%s", loc);
          break;
        }
        continue;
      }
      if (ns < 0) {
        if (ignorable(sc, uri))
          continue;
        rc = fail(r, err, XR_E_FORMAT, line,
                  "attribute in unknown, non-ignorable namespace %s", uri);
        break;
      }
      if (n == r->attr_cap) {
        int cap = r->attr_cap ? r->attr_cap * 2 : 16;
        xps_attr *a = realloc(r->attrs, (size_t)cap * sizeof *a);
        if (a)
          r->attrs = a;
        size_t *o = realloc(r->offs, (size_t)cap * 2 * sizeof *o);
        if (o)
          r->offs = o;
        if (!a || !o) {
          rc = fail(r, err, XR_E_NOMEM, line, "%s", "out of memory");
          break;
        }
        r->attr_cap = cap;
      }
      size_t a = sput(r, loc), b = sput(r, val ? val : "");
      if (a == (size_t)-1 || b == (size_t)-1) {
        rc = fail(r, err, XR_E_NOMEM, line, "%s", "out of memory");
        break;
      }
      r->attrs[n].ns = ns;
      r->offs[2 * n] = a;
      r->offs[2 * n + 1] = b;
      n++;
    } while (xmlTextReaderMoveToNextAttribute(r->rd) == 1);
    xmlTextReaderMoveToElement(r->rd);
  }
  if (!rc)
    for (int i = 0; i < n; i++) {
      r->attrs[i].name = r->sbuf + r->offs[2 * i];
      r->attrs[i].value = r->sbuf + r->offs[2 * i + 1];
    }
  ev->attrs = r->attrs;
  ev->nattrs = rc ? 0 : n;
  return rc;
}

/* Handles an element start. Returns 1 when ev is an event to deliver, 0
 * when the element produced none, < 0 on error. */
static int on_start(xps_mc *r, xps_event *ev, xr_errinfo *err) {
  xmlNodePtr node = xmlTextReaderCurrentNode(r->rd);
  long line = node ? xmlGetLineNo(node) : -1;
  int depth = xmlTextReaderDepth(r->rd);
  int empty = xmlTextReaderIsEmptyElement(r->rd);
  if (++r->elements > xps_limit(r->ctx, XR_LIMIT_ELEMENTS_PER_PAGE))
    return fail(r, err, XR_E_LIMIT, line, "more than %s elements",
                "ELEMENTS_PER_PAGE");
  if (depth + 1 > xps_limit(r->ctx, XR_LIMIT_XML_DEPTH))
    return fail(r, err, XR_E_LIMIT, line, "elements nested deeper than %s",
                "XML_DEPTH");
  if (r->skip_depth >= 0) {
    if (empty)
      return 0;
    return push(r, M_SKIP, NULL)
               ? fail(r, err, XR_E_NOMEM, line, "%s", "out of memory")
               : 0;
  }
  const char *uri = (const char *)xmlTextReaderConstNamespaceUri(r->rd);
  const char *loc = (const char *)xmlTextReaderConstLocalName(r->rd);
  if (!loc)
    loc = "";
  frame *parent = r->depth ? &r->st[r->depth - 1] : NULL;
  int mode = M_EMIT;
  scope *sc = NULL;
  int rc = read_mc_attrs(r, err, line, &sc);
  if (rc)
    return rc;
  /* Scope for this element's own attributes and its descendants. */
  const scope *eff = sc ? sc : cur_scope(r);

  if (uri && !strcmp(uri, XPS_NS_URI_MC)) {
    int in_altc = parent && parent->mode == M_ALTC;
    if (!strcmp(loc, "AlternateContent")) {
      mode = M_ALTC;
    } else if (!strcmp(loc, "Choice") && in_altc) {
      mode = M_SKIP;
      if (!parent->chosen) {
        xmlChar *req =
            xmlTextReaderGetAttribute(r->rd, (const xmlChar *)"Requires");
        const char *p = (const char *)req;
        char tok[256];
        int ok = req != NULL, any = 0;
        while (ok && token(&p, tok, sizeof tok)) {
          char *u = lookup_prefix(r, tok);
          if (!u) {
            xmlFree(req);
            scope_free(sc);
            return fail(r, err, XR_E_FORMAT, line,
                        "mc:Choice Requires undeclared prefix '%s'", tok);
          }
          ok = understood(u);
          any = 1;
          free(u);
        }
        xmlFree(req);
        if (!any) {
          scope_free(sc);
          return fail(r, err, XR_E_FORMAT, line, "%s",
                      "mc:Choice without Requires");
        }
        if (ok) {
          parent->chosen = 1;
          mode = M_UNWRAP;
        }
      }
    } else if (!strcmp(loc, "Fallback") && in_altc) {
      mode = parent->chosen ? M_SKIP : M_UNWRAP;
      parent->chosen = 1;
    } else {
      scope_free(sc);
      return fail(r, err, XR_E_FORMAT, line, "misplaced or unknown mc:%s", loc);
    }
  } else if (parent && parent->mode == M_ALTC) {
    scope_free(sc);
    return fail(r, err, XR_E_FORMAT, line, "<%s> inside mc:AlternateContent",
                loc);
  } else if (ns_of(uri) != XPS_NS_XPS) {
    if (uri && ignorable(eff, uri))
      mode = process_content(eff, uri, loc) ? M_UNWRAP : M_SKIP;
    else {
      scope_free(sc);
      return fail(r, err, XR_E_FORMAT, line,
                  "element <%s> in an unknown, non-ignorable namespace", loc);
    }
  }

  if (mode == M_EMIT) {
    /* The element's own mc:Ignorable governs its attributes: collect them
     * with its scope on top of the stack, without letting it own sc. */
    if (sc) {
      if (push(r, M_EMIT, NULL)) {
        scope_free(sc);
        return fail(r, err, XR_E_NOMEM, line, "%s", "out of memory");
      }
      r->st[r->depth - 1].sc = sc;
      rc = collect_attrs(r, err, line, ev);
      r->depth--;
    } else {
      rc = collect_attrs(r, err, line, ev);
    }
    if (rc) {
      scope_free(sc);
      return rc;
    }
    set_name(r, loc);
    ev->type = XPS_EV_START;
    ev->name = r->name;
    ev->line = line;
  }
  if (empty) {
    scope_free(sc);
    if (mode == M_EMIT)
      r->pending_end = 1;
    return mode == M_EMIT;
  }
  if (push(r, mode, sc)) {
    scope_free(sc);
    return fail(r, err, XR_E_NOMEM, line, "%s", "out of memory");
  }
  if (mode == M_SKIP)
    r->skip_depth = depth;
  return mode == M_EMIT;
}

int xps_mc_next(xps_mc *r, xps_event *ev, xr_errinfo *err) {
  if (r->failed) {
    if (err)
      *err = r->saved;
    return r->saved.status;
  }
  if (r->pending_end) {
    r->pending_end = 0;
    ev->type = XPS_EV_END;
    ev->name = r->name;
    ev->attrs = NULL;
    ev->nattrs = 0;
    return 1;
  }
  for (;;) {
    if (xps_cancelled(r->ctx))
      return fail(r, err, XR_E_CANCELLED, -1, "%s", "cancelled");
    r->xmsg[0] = '\0';
    int k = xmlTextReaderRead(r->rd);
    if (k == 0) {
      if (r->xmsg[0])
        return fail(r, err, XR_E_FORMAT, r->xline, "XML: %s", r->xmsg);
      return 0;
    }
    if (k < 0) {
      if (r->xmsg[0])
        return fail(r, err, XR_E_FORMAT, r->xline, "XML: %s", r->xmsg);
      return fail(r, err, XR_E_FORMAT, xmlTextReaderGetParserLineNumber(r->rd),
                  "%s", "XML is not well-formed");
    }
    int type = xmlTextReaderNodeType(r->rd);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE)
      return fail(r, err, XR_E_FORMAT, xmlTextReaderGetParserLineNumber(r->rd),
                  "%s", "DTD declarations are not allowed");
    if (type == XML_READER_TYPE_ELEMENT) {
      int rc = on_start(r, ev, err);
      if (rc)
        return rc;
      continue;
    }
    if (type != XML_READER_TYPE_END_ELEMENT || !r->depth)
      continue;
    int mode = r->st[r->depth - 1].mode;
    int depth = xmlTextReaderDepth(r->rd);
    pop(r);
    if (r->skip_depth >= 0) {
      if (depth == r->skip_depth)
        r->skip_depth = -1;
      continue;
    }
    if (mode != M_EMIT)
      continue;
    const char *loc = (const char *)xmlTextReaderConstLocalName(r->rd);
    set_name(r, loc ? loc : "");
    ev->type = XPS_EV_END;
    ev->name = r->name;
    ev->attrs = NULL;
    ev->nattrs = 0;
    xmlNodePtr node = xmlTextReaderCurrentNode(r->rd);
    ev->line = node ? xmlGetLineNo(node) : -1;
    return 1;
  }
}
