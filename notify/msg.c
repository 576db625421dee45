/* Our own payload schema, version 1: UTF-8 "key=value" lines.
 *
 *   v=1
 *   kind=query
 *   text=The page is larger than the media
 *   choice=Scale to fit
 *   choice=Clip
 *   default=0
 *   timeout=30000
 *
 * Plain lines keep it readable in a terminal and trivially parsable in any
 * language; the decoder accepts nothing it does not know (unknown keys,
 * duplicate keys, control characters, malformed UTF-8), so a listener and
 * the notifier agree on exactly one meaning per payload. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/msg.h"

static const char *const kind_names[] = {
    [XR_MSG_HELLO] = "hello",     [XR_MSG_PROGRESS] = "progress",
    [XR_MSG_PAGE] = "page",       [XR_MSG_INFO] = "info",
    [XR_MSG_WARNING] = "warning", [XR_MSG_ERROR] = "error",
    [XR_MSG_STATE] = "state",     [XR_MSG_QUERY] = "query",
    [XR_MSG_ANSWER] = "answer"};
#define KIND_LAST XR_MSG_ANSWER

const char *ntf_msg_kind_name(int kind) {
  return kind >= XR_MSG_HELLO && kind <= KIND_LAST ? kind_names[kind] : "?";
}

/* Keys, and for each the kinds that allow it (bit per kind). */
enum key {
  K_JOB,
  K_USER,
  K_TITLE,
  K_PRINTER,
  K_PAGE,
  K_PAGES,
  K_PERCENT,
  K_COPIES,
  K_TEXT,
  K_CHOICE,
  K_DEFAULT,
  K_TIMEOUT,
  K_COUNT
};
#define B(k) (1u << (k))
#define TEXT_KINDS                                                             \
  (B(XR_MSG_INFO) | B(XR_MSG_WARNING) | B(XR_MSG_ERROR) | B(XR_MSG_STATE) |    \
   B(XR_MSG_QUERY))
static const struct {
  const char *name;
  unsigned kinds;    /* where the key may appear */
  unsigned required; /* where it must */
} keys[K_COUNT] = {
    [K_JOB] = {"job", ~0u, B(XR_MSG_HELLO)},
    [K_USER] = {"user", B(XR_MSG_HELLO), 0},
    [K_TITLE] = {"title", B(XR_MSG_HELLO), 0},
    [K_PRINTER] = {"printer", B(XR_MSG_HELLO), 0},
    [K_PAGE] = {"page", B(XR_MSG_PROGRESS) | B(XR_MSG_PAGE),
                B(XR_MSG_PROGRESS) | B(XR_MSG_PAGE)},
    [K_PAGES] = {"pages", B(XR_MSG_PROGRESS), 0},
    [K_PERCENT] = {"percent", B(XR_MSG_PROGRESS), B(XR_MSG_PROGRESS)},
    [K_COPIES] = {"copies", B(XR_MSG_PAGE), B(XR_MSG_PAGE)},
    [K_TEXT] = {"text", TEXT_KINDS, TEXT_KINDS},
    [K_CHOICE] = {"choice", B(XR_MSG_QUERY) | B(XR_MSG_ANSWER),
                  B(XR_MSG_QUERY) | B(XR_MSG_ANSWER)},
    [K_DEFAULT] = {"default", B(XR_MSG_QUERY), B(XR_MSG_QUERY)},
    [K_TIMEOUT] = {"timeout", B(XR_MSG_QUERY), B(XR_MSG_QUERY)},
};

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. Rejects
 * overlong forms, surrogates and values above U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  size_t len;
  unsigned min, v;
  if (c < 0x80)
    return 1;
  if ((c & 0xE0) == 0xC0)
    len = 2, min = 0x80, v = c & 0x1F;
  else if ((c & 0xF0) == 0xE0)
    len = 3, min = 0x800, v = c & 0x0F;
  else if ((c & 0xF8) == 0xF0)
    len = 4, min = 0x10000, v = c & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    v = v << 6 | (p[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  return len;
}

/* A value: valid UTF-8, no control characters. */
static int value_ok(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t l;
    if (p[i] < 0x20 || p[i] == 0x7F)
      return 0;
    l = utf8_seq(p + i, n - i);
    if (!l)
      return 0;
    i += l;
  }
  return 1;
}

static int copy_field(char *dst, size_t cap, const char *v, size_t n) {
  if (n >= cap)
    return XR_E_TOO_BIG;
  memcpy(dst, v, n);
  dst[n] = '\0';
  return XR_OK;
}

/* Decimal integer in [lo, hi]. */
static int parse_num(const char *v, size_t n, long lo, long hi, long *out) {
  long x = 0;
  size_t i = 0;
  int neg = 0;
  if (n > 0 && v[0] == '-')
    neg = 1, i = 1;
  if (i == n || n - i > 18)
    return XR_E_SYNTAX;
  for (; i < n; i++) {
    if (v[i] < '0' || v[i] > '9')
      return XR_E_SYNTAX;
    x = x * 10 + (v[i] - '0');
  }
  if (neg)
    x = -x;
  if (x < lo || x > hi)
    return XR_E_SYNTAX;
  *out = x;
  return XR_OK;
}

static int set_key(xr_msg *m, int k, const char *v, size_t n) {
  long x = 0;
  int rc = XR_OK;
  switch (k) {
  case K_JOB:
    rc = parse_num(v, n, 0, LONG_MAX, &x);
    m->job = x;
    break;
  case K_USER:
    return copy_field(m->user, sizeof m->user, v, n);
  case K_PRINTER:
    return copy_field(m->printer, sizeof m->printer, v, n);
  case K_TITLE:
  case K_TEXT:
    return copy_field(m->text, sizeof m->text, v, n);
  case K_PAGE:
    rc = parse_num(v, n, 0, INT_MAX, &x);
    m->page = (int)x;
    break;
  case K_PAGES:
    rc = parse_num(v, n, -1, INT_MAX, &x);
    m->pages = (int)x;
    break;
  case K_PERCENT:
    rc = parse_num(v, n, 0, 100, &x);
    m->percent = (int)x;
    break;
  case K_COPIES:
    rc = parse_num(v, n, 1, INT_MAX, &x);
    m->copies = (int)x;
    break;
  case K_CHOICE:
    if (m->kind == XR_MSG_ANSWER) {
      rc = parse_num(v, n, 0, XR_MSG_CHOICES_MAX - 1, &x);
      m->choice = (int)x;
      break;
    }
    if (m->nchoices >= XR_MSG_CHOICES_MAX)
      return XR_E_TOO_BIG;
    if (n == 0)
      return XR_E_SYNTAX;
    return copy_field(m->choices[m->nchoices++], sizeof m->choices[0], v, n);
  case K_DEFAULT:
    rc = parse_num(v, n, 0, XR_MSG_CHOICES_MAX - 1, &x);
    m->default_choice = (int)x;
    break;
  case K_TIMEOUT:
    rc = parse_num(v, n, 0, 86400000, &x);
    m->timeout_ms = (int)x;
    break;
  }
  return rc;
}

static void msg_reset(xr_msg *m) {
  memset(m, 0, sizeof *m);
  m->pages = -1;
  m->copies = 1;
  m->choice = -1;
}

int xr_msg_decode(const void *buf, size_t len, xr_msg *m) {
  const char *p = buf, *end = p + len;
  unsigned seen = 0;
  int line = 0;
  if (!m || (!buf && len))
    return XR_E_INVAL;
  msg_reset(m);
  if (len > XR_NOTIFY_PAYLOAD_MAX)
    return XR_E_TOO_BIG;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *eol = nl ? nl : end;
    const char *eq = memchr(p, '=', (size_t)(eol - p));
    const char *v;
    size_t klen, vlen;
    int k;
    if (!eq)
      return line < 2 ? XR_E_WRONG_TYPE : XR_E_SYNTAX;
    klen = (size_t)(eq - p);
    v = eq + 1;
    vlen = (size_t)(eol - v);
    if (!value_ok((const unsigned char *)v, vlen))
      return XR_E_SYNTAX;
    if (line == 0) {
      /* The version line comes first so that a future v=2 is refused as a
       * different type, not misread. */
      if (klen != 1 || *p != 'v' || vlen != 1 || *v != '1')
        return XR_E_WRONG_TYPE;
    } else if (line == 1) {
      if (klen != 4 || memcmp(p, "kind", 4) != 0)
        return XR_E_WRONG_TYPE;
      for (k = XR_MSG_HELLO; k <= KIND_LAST; k++)
        if (strlen(kind_names[k]) == vlen && !memcmp(kind_names[k], v, vlen))
          break;
      if (k > KIND_LAST)
        return XR_E_WRONG_TYPE;
      m->kind = k;
    } else {
      for (k = 0; k < K_COUNT; k++)
        if (strlen(keys[k].name) == klen && !memcmp(keys[k].name, p, klen))
          break;
      if (k == K_COUNT || !(keys[k].kinds & B(m->kind)))
        return XR_E_SYNTAX;
      if ((seen & B(k)) && !(k == K_CHOICE && m->kind == XR_MSG_QUERY))
        return XR_E_SYNTAX; /* duplicates are ambiguous */
      seen |= B(k);
      int rc = set_key(m, k, v, vlen);
      if (rc < 0)
        return rc;
    }
    line++;
    p = nl ? nl + 1 : end;
  }
  if (line < 2)
    return XR_E_WRONG_TYPE;
  for (int k = 0; k < K_COUNT; k++)
    if ((keys[k].required & B(m->kind)) && !(seen & B(k)))
      return XR_E_SYNTAX;
  if (m->kind == XR_MSG_QUERY && m->default_choice >= m->nchoices)
    return XR_E_SYNTAX;
  return XR_OK;
}

/* Appends "key=value\n"; value sanitised (control characters to spaces,
 * cut at cap on a character boundary). */
static int put(char *buf, size_t cap, size_t *len, const char *key,
               const char *val, size_t vcap) {
  size_t n = *len, klen = strlen(key), vlen = strnlen(val, vcap - 1);
  while (vlen > 0 && vlen < strnlen(val, vcap) &&
         ((unsigned char)val[vlen] & 0xC0) == 0x80)
    vlen--; /* do not split a UTF-8 sequence */
  if (klen + vlen + 2 > cap - n)
    return XR_E_TOO_BIG;
  memcpy(buf + n, key, klen);
  n += klen;
  buf[n++] = '=';
  for (size_t i = 0; i < vlen; i++) {
    unsigned char c = (unsigned char)val[i];
    buf[n++] = (c < 0x20 || c == 0x7F) ? ' ' : (char)c;
  }
  buf[n++] = '\n';
  *len = n;
  return XR_OK;
}

static int putnum(char *buf, size_t cap, size_t *len, const char *key, long v) {
  char num[24];
  snprintf(num, sizeof num, "%ld", v);
  return put(buf, cap, len, key, num, sizeof num);
}

int xr_msg_encode(const xr_msg *m, char *buf, size_t cap, size_t *len) {
  size_t n = 0;
  int rc;
  if (!m || !buf || !len || m->kind < XR_MSG_HELLO || m->kind > KIND_LAST)
    return XR_E_INVAL;
  *len = 0;
#define TRY(x)                                                                 \
  do {                                                                         \
    if ((rc = (x)) < 0)                                                        \
      return rc;                                                               \
  } while (0)
  TRY(put(buf, cap, &n, "v", "1", 2));
  TRY(put(buf, cap, &n, "kind", kind_names[m->kind], 16));
  if (m->job > 0 || m->kind == XR_MSG_HELLO)
    TRY(putnum(buf, cap, &n, "job", m->job < 0 ? 0 : m->job));
  switch (m->kind) {
  case XR_MSG_HELLO:
    TRY(put(buf, cap, &n, "user", m->user, sizeof m->user));
    TRY(put(buf, cap, &n, "title", m->text, sizeof m->text));
    TRY(put(buf, cap, &n, "printer", m->printer, sizeof m->printer));
    break;
  case XR_MSG_PROGRESS:
    TRY(putnum(buf, cap, &n, "page", m->page < 0 ? 0 : m->page));
    TRY(putnum(buf, cap, &n, "pages", m->pages < -1 ? -1 : m->pages));
    TRY(putnum(buf, cap, &n, "percent",
               m->percent < 0     ? 0
               : m->percent > 100 ? 100
                                  : m->percent));
    break;
  case XR_MSG_PAGE:
    TRY(putnum(buf, cap, &n, "page", m->page < 0 ? 0 : m->page));
    TRY(putnum(buf, cap, &n, "copies", m->copies < 1 ? 1 : m->copies));
    break;
  case XR_MSG_QUERY:
    if (m->nchoices < 1 || m->nchoices > XR_MSG_CHOICES_MAX ||
        m->default_choice < 0 || m->default_choice >= m->nchoices ||
        m->timeout_ms < 0)
      return XR_E_INVAL;
    TRY(put(buf, cap, &n, "text", m->text, sizeof m->text));
    for (int i = 0; i < m->nchoices; i++)
      TRY(put(buf, cap, &n, "choice", m->choices[i][0] ? m->choices[i] : "?",
              sizeof m->choices[i]));
    TRY(putnum(buf, cap, &n, "default", m->default_choice));
    TRY(putnum(buf, cap, &n, "timeout",
               m->timeout_ms > 86400000 ? 86400000 : m->timeout_ms));
    break;
  case XR_MSG_ANSWER:
    if (m->choice < 0 || m->choice >= XR_MSG_CHOICES_MAX)
      return XR_E_INVAL;
    TRY(putnum(buf, cap, &n, "choice", m->choice));
    break;
  default: /* INFO, WARNING, ERROR, STATE */
    TRY(put(buf, cap, &n, "text", m->text, sizeof m->text));
    break;
  }
#undef TRY
  *len = n;
  return XR_OK;
}
