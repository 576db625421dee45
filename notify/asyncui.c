/* The AsyncUI payload schema (MS_ASYNCNOTIFY_UI), validated with libxml2.
 *
 * A driver's messages written for Windows port unchanged, so the accepted
 * shape follows the published asyncui v1 request/response schema. Only
 * balloonUI and messageBoxUI are accepted: customUI, customData and the
 * balloon's action element name code to run on the listener's machine, and
 * a payload must never do that. A DOCTYPE is refused outright, so no entity
 * is ever expanded and nothing is fetched. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xpsraster/notify.h"

#define NS_REQ "schemas.microsoft.com/2003/print/asyncui/v1/request"
#define NS_RESP "schemas.microsoft.com/2003/print/asyncui/v1/response"
#define MAX_CHILDREN 64 /* bodies, parameters, buttons: far more than UI */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) {
  xmlInitParser();
}

/* UTF-16 (with BOM, or detected from "<") to UTF-8. Returns a malloc'd
 * buffer or NULL (bad surrogates, odd length, no memory). */
static char *utf16_to_utf8(const unsigned char *p, size_t n, int be,
                           size_t *out_len) {
  char *out, *o;
  if (n % 2)
    return NULL;
  /* Each UTF-16 unit yields at most 3 bytes (pairs: 4 bytes for 2 units). */
  out = malloc(n / 2 * 3 + 1);
  if (!out)
    return NULL;
  o = out;
  for (size_t i = 0; i < n; i += 2) {
    unsigned c = be ? (unsigned)(p[i] << 8 | p[i + 1])
                    : (unsigned)(p[i + 1] << 8 | p[i]);
    if (c >= 0xD800 && c <= 0xDBFF) {
      unsigned d;
      if (i + 3 >= n)
        goto bad;
      d = be ? (unsigned)(p[i + 2] << 8 | p[i + 3])
             : (unsigned)(p[i + 3] << 8 | p[i + 2]);
      if (d < 0xDC00 || d > 0xDFFF)
        goto bad;
      c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
      i += 2;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      goto bad;
    }
    if (c == 0)
      goto bad;
    if (c < 0x80) {
      *o++ = (char)c;
    } else if (c < 0x800) {
      *o++ = (char)(0xC0 | c >> 6);
      *o++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *o++ = (char)(0xE0 | c >> 12);
      *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
      *o++ = (char)(0x80 | (c & 0x3F));
    } else {
      *o++ = (char)(0xF0 | c >> 18);
      *o++ = (char)(0x80 | ((c >> 12) & 0x3F));
      *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
      *o++ = (char)(0x80 | (c & 0x3F));
    }
  }
  *o = '\0';
  *out_len = (size_t)(o - out);
  return out;
bad:
  free(out);
  return NULL;
}

static int ns_ok(const xmlNode *n, const char *ns) {
  const char *href;
  if (!n->ns || !n->ns->href)
    return 0;
  href = (const char *)n->ns->href;
  if (!strncmp(href, "http://", 7))
    href += 7;
  else if (!strncmp(href, "https://", 8))
    href += 8;
  else
    return 0;
  return strcmp(href, ns) == 0;
}

static int is(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE &&
         strcmp((const char *)n->name, name) == 0;
}

/* Next element sibling from n (inclusive); whitespace, comments and PIs
 * are skipped; other text makes *bad = 1. */
static xmlNode *elem(xmlNode *n, int *bad) {
  for (; n; n = n->next) {
    if (n->type == XML_ELEMENT_NODE)
      return n;
    if (n->type == XML_TEXT_NODE) {
      for (const xmlChar *c = n->content; c && *c; c++)
        if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
          *bad = 1;
    } else if (n->type != XML_COMMENT_NODE && n->type != XML_PI_NODE) {
      *bad = 1;
    }
  }
  return NULL;
}

/* Every attribute of n must be in the NULL-terminated list allowed. */
static int attrs_ok(const xmlNode *n, const char *const *allowed) {
  for (const xmlAttr *a = n->properties; a; a = a->next) {
    int ok = 0;
    for (const char *const *p = allowed; *p; p++)
      if (!strcmp((const char *)a->name, *p))
        ok = 1;
    if (!ok)
      return 0;
  }
  return 1;
}

static int int_text(const char *s) {
  if (*s == '-' || *s == '+')
    s++;
  if (!*s)
    return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return 0;
  return 1;
}

/* stringID, when present, is an integer. */
static int string_id_ok(xmlNode *n) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)"stringID");
  int ok = !v || int_text((const char *)v);
  xmlFree(v);
  return ok;
}

static int button_id_ok(const char *v) {
  while (*v == ' ' || *v == '\t')
    v++;
  if (!strcmp(v, "IDOK") || !strcmp(v, "IDCANCEL"))
    return 1;
  char tmp[32];
  size_t n = strlen(v);
  while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  if (n == 0 || n >= sizeof tmp)
    return 0;
  memcpy(tmp, v, n);
  tmp[n] = '\0';
  return int_text(tmp);
}

static const char *const text_attrs[] = {"stringID", "resourceDll", NULL};

/* title, body, parameter: text or a string reference; body may hold
 * parameters. */
static int text_elem_ok(xmlNode *n, int allow_params) {
  int count = 0;
  if (!attrs_ok(n, text_attrs) || !string_id_ok(n))
    return 0;
  for (xmlNode *c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      if (!allow_params || !is(c, "parameter") || ++count > MAX_CHILDREN ||
          !text_elem_ok(c, 0))
        return 0;
    } else if (c->type != XML_TEXT_NODE && c->type != XML_COMMENT_NODE &&
               c->type != XML_CDATA_SECTION_NODE) {
      return 0;
    }
  }
  return 1;
}

static int title_bodies(xmlNode **cur, int *bad) {
  int bodies = 0;
  xmlNode *c = *cur;
  if (!is(c, "title") || !text_elem_ok(c, 0))
    return 0;
  c = elem(c->next, bad);
  if (is(c, "bitmap")) {
    static const char *const bm[] = {"bitmapID", "iconID", "stringID",
                                     "resourceDll", NULL};
    int b2 = 0;
    if (!attrs_ok(c, bm) || elem(c->children, &b2) || b2)
      return 0;
    c = elem(c->next, bad);
  }
  while (is(c, "body")) {
    if (++bodies > MAX_CHILDREN || !text_elem_ok(c, 1))
      return 0;
    c = elem(c->next, bad);
  }
  *cur = c;
  return bodies > 0;
}

/* Returns 0, XR_E_UNSUPPORTED or XR_E_WRONG_TYPE. */
static int check_ui(xmlNode *ui, int *bad) {
  xmlNode *c;
  if (is(ui, "balloonUI")) {
    static const char *const ba[] = {"iconID", "resourceDll", NULL};
    if (!attrs_ok(ui, ba))
      return XR_E_WRONG_TYPE;
    for (c = ui->children; c; c = c->next)
      if (is(c, "action"))
        return XR_E_UNSUPPORTED;
    c = elem(ui->children, bad);
    if (!title_bodies(&c, bad) || c)
      return XR_E_WRONG_TYPE;
    return XR_OK;
  }
  if (is(ui, "messageBoxUI")) {
    static const char *const none[] = {NULL};
    static const char *const bt[] = {"stringID", "resourceDll", "buttonID",
                                     NULL};
    int buttons = 0;
    if (!attrs_ok(ui, none))
      return XR_E_WRONG_TYPE;
    c = elem(ui->children, bad);
    if (!title_bodies(&c, bad) || !is(c, "buttons") || !attrs_ok(c, none) ||
        elem(c->next, bad))
      return XR_E_WRONG_TYPE;
    for (xmlNode *b = elem(c->children, bad); b; b = elem(b->next, bad)) {
      xmlChar *id;
      int ok;
      int b2 = 0;
      if (!is(b, "button") || ++buttons > MAX_CHILDREN || !attrs_ok(b, bt) ||
          !string_id_ok(b) || elem(b->children, &b2) || b2)
        return XR_E_WRONG_TYPE;
      id = xmlGetProp(b, (const xmlChar *)"buttonID");
      ok = id && button_id_ok((const char *)id);
      xmlFree(id);
      if (!ok)
        return XR_E_WRONG_TYPE;
    }
    return buttons > 0 ? XR_OK : XR_E_WRONG_TYPE;
  }
  if (is(ui, "customUI") || is(ui, "customData"))
    return XR_E_UNSUPPORTED;
  return XR_E_WRONG_TYPE;
}

static void set_out(char *dst, size_t cap, const char *src) {
  if (dst && cap) {
    size_t n = strlen(src);
    if (n >= cap)
      n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
}

static int check_request(xmlNode *root, char *kind, size_t kind_cap) {
  int bad = 0, rc;
  xmlNode *v1, *op, *ui;
  if (!is(root, "asyncPrintUIRequest") || !ns_ok(root, NS_REQ))
    return XR_E_WRONG_TYPE;
  v1 = elem(root->children, &bad);
  if (!is(v1, "v1") || elem(v1->next, &bad))
    return XR_E_WRONG_TYPE;
  op = elem(v1->children, &bad);
  if (!(is(op, "requestOpen") || is(op, "requestClose")) ||
      elem(op->next, &bad))
    return XR_E_WRONG_TYPE;
  ui = elem(op->children, &bad);
  if (!ui || elem(ui->next, &bad))
    return XR_E_WRONG_TYPE;
  if (is(op, "requestClose")) {
    /* Closing a message needs only which kind it is. */
    if (!is(ui, "balloonUI") && !is(ui, "messageBoxUI"))
      return is(ui, "customUI") ? XR_E_UNSUPPORTED : XR_E_WRONG_TYPE;
  } else if ((rc = check_ui(ui, &bad)) < 0) {
    return rc;
  }
  if (bad)
    return XR_E_WRONG_TYPE;
  set_out(kind, kind_cap, (const char *)ui->name);
  return XR_OK;
}

static int check_response(xmlNode *root, char *kind, size_t kind_cap,
                          char *button, size_t button_cap) {
  int bad = 0;
  xmlNode *v1, *op, *ui, *bid;
  if (!is(root, "asyncPrintUIResponse") || !ns_ok(root, NS_RESP))
    return XR_E_WRONG_TYPE;
  v1 = elem(root->children, &bad);
  if (!is(v1, "v1") || elem(v1->next, &bad))
    return XR_E_WRONG_TYPE;
  op = elem(v1->children, &bad);
  if (!is(op, "requestClose") || elem(op->next, &bad))
    return XR_E_WRONG_TYPE;
  ui = elem(op->children, &bad);
  if (!ui || elem(ui->next, &bad))
    return XR_E_WRONG_TYPE;
  if (is(ui, "customUI") || is(ui, "customData"))
    return XR_E_UNSUPPORTED;
  if (!is(ui, "messageBoxUI") && !is(ui, "balloonUI"))
    return XR_E_WRONG_TYPE;
  bid = elem(ui->children, &bad);
  if (bid) {
    xmlChar *t;
    int ok;
    if (!is(bid, "buttonID") || elem(bid->next, &bad))
      return XR_E_WRONG_TYPE;
    for (xmlNode *c = bid->children; c; c = c->next)
      if (c->type != XML_TEXT_NODE)
        return XR_E_WRONG_TYPE;
    t = xmlNodeGetContent(bid);
    ok = t && button_id_ok((const char *)t);
    if (ok)
      set_out(button, button_cap, (const char *)t);
    xmlFree(t);
    if (!ok)
      return XR_E_WRONG_TYPE;
  } else if (is(ui, "messageBoxUI")) {
    return XR_E_WRONG_TYPE; /* a message box answer names its button */
  } else {
    set_out(button, button_cap, "");
  }
  if (bad)
    return XR_E_WRONG_TYPE;
  set_out(kind, kind_cap, (const char *)ui->name);
  return XR_OK;
}

static int has_doctype(const char *p, size_t n) {
  static const char pat[] = "<!DOCTYPE";
  const size_t m = sizeof pat - 1;
  for (size_t i = 0; i + m <= n; i++)
    if (p[i] == '<' && !memcmp(p + i, pat, m))
      return 1;
  return 0;
}

int xr_asyncui_validate(const void *buf, size_t len, int response, char *kind,
                        size_t kind_cap, char *button, size_t button_cap) {
  const unsigned char *p = buf;
  char *conv = NULL;
  const char *xml;
  size_t xlen;
  xmlParserCtxtPtr ctx;
  xmlDocPtr doc;
  int rc;

  set_out(kind, kind_cap, "");
  set_out(button, button_cap, "");
  if (!buf && len)
    return XR_E_INVAL;
  if (len > XR_NOTIFY_PAYLOAD_MAX)
    return XR_E_TOO_BIG;
  if (len >= 2 &&
      ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == '<' && p[1] == 0))) {
    size_t skip = p[0] == 0xFF ? 2 : 0;
    conv = utf16_to_utf8(p + skip, len - skip, 0, &xlen);
  } else if (len >= 2 &&
             ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0 && p[1] == '<'))) {
    size_t skip = p[0] == 0xFE ? 2 : 0;
    conv = utf16_to_utf8(p + skip, len - skip, 1, &xlen);
  } else {
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
      p += 3, len -= 3;
    xml = (const char *)p;
    xlen = len;
    goto parse;
  }
  if (!conv)
    return XR_E_SYNTAX;
  xml = conv;
parse:
  if (xlen == 0 || has_doctype(xml, xlen) || memchr(xml, '\0', xlen)) {
    free(conv);
    return XR_E_SYNTAX;
  }
  pthread_once(&xml_once, xml_init);
  ctx = xmlNewParserCtxt();
  if (!ctx) {
    free(conv);
    return XR_E_NOMEM;
  }
  /* The encoding argument overrides a declared "UTF-16" after conversion.
   * No XML_PARSE_NOENT: entities are never substituted. */
  doc = xmlCtxtReadMemory(ctx, xml, (int)xlen, "asyncui.xml", "UTF-8",
                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!doc) {
    rc = XR_E_SYNTAX;
  } else if (doc->intSubset || doc->extSubset) {
    rc = XR_E_SYNTAX;
  } else {
    xmlNode *root = xmlDocGetRootElement(doc);
    rc = response ? check_response(root, kind, kind_cap, button, button_cap)
                  : check_request(root, kind, kind_cap);
  }
  xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctx);
  free(conv);
  return rc;
}
