/* Attribute value helpers for the page interpreter. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xps/page_imp.h"
#include "xps/pathdata.h"

void xps_run_warn(xps_run *r, long line, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  xps_warn(r->ctx, XR_E_SYNTAX, r->part, line, "%s", msg);
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int xps_parse_double(const char *s, double *out) {
  while (is_space(*s))
    s++;
  size_t n = xps_number_scan(s, out);
  if (!n)
    return XR_E_SYNTAX;
  s += n;
  while (is_space(*s))
    s++;
  return *s ? XR_E_SYNTAX : 0;
}

int xps_parse_matrix(const char *s, ras_matrix *m) {
  double v[6];
  for (int i = 0; i < 6; i++) {
    while (is_space(*s) || (i && *s == ','))
      s++;
    size_t n = xps_number_scan(s, &v[i]);
    if (!n)
      return XR_E_SYNTAX;
    s += n;
    while (is_space(*s))
      s++;
    if (i < 5 && *s != ',' &&
        !(*s == '-' || *s == '+' || *s == '.' || (*s >= '0' && *s <= '9')))
      return XR_E_SYNTAX;
  }
  while (is_space(*s))
    s++;
  if (*s)
    return XR_E_SYNTAX;
  m->a = v[0], m->b = v[1], m->c = v[2], m->d = v[3], m->e = v[4], m->f = v[5];
  return 0;
}

int xps_parse_bool(const char *s, int *out) {
  while (is_space(*s))
    s++;
  size_t n = strlen(s);
  while (n && is_space(s[n - 1]))
    n--;
  if ((n == 4 && !strncmp(s, "true", 4)) || (n == 1 && *s == '1'))
    *out = 1;
  else if ((n == 5 && !strncmp(s, "false", 5)) || (n == 1 && *s == '0'))
    *out = 0;
  else
    return XR_E_SYNTAX;
  return 0;
}

int xps_static_ref(const char *s, char *buf, size_t size) {
  const char *p = s;
  while (is_space(*p))
    p++;
  if (*p != '{')
    return 0;
  /* "{}" escapes a literal value that starts with a brace. */
  if (p[1] == '}')
    return 0;
  p++;
  while (is_space(*p))
    p++;
  if (strncmp(p, "StaticResource", 14) || !is_space(p[14]))
    return XR_E_SYNTAX;
  p += 14;
  while (is_space(*p))
    p++;
  const char *k = p;
  while (*p && *p != '}' && !is_space(*p))
    p++;
  size_t n = (size_t)(p - k);
  while (is_space(*p))
    p++;
  if (!n || *p != '}' || n >= size)
    return XR_E_SYNTAX;
  p++;
  while (is_space(*p))
    p++;
  if (*p)
    return XR_E_SYNTAX;
  memcpy(buf, k, n);
  buf[n] = '\0';
  return 1;
}

const char *xps_literal(const char *s) {
  const char *p = s;
  while (is_space(*p))
    p++;
  return p[0] == '{' && p[1] == '}' ? p + 2 : s;
}

int xps_attr_enum(xps_run *r, const xps_node *n, const char *name,
                  const char *const *names, int count, int def, int *out) {
  const char *v = xps_node_attr(n, name);
  *out = def;
  if (!v)
    return 0;
  for (int i = 0; i < count; i++)
    if (!strcmp(v, names[i])) {
      *out = i;
      return 0;
    }
  xps_run_warn(r, n->line, "bad %s '%.30s'", name, v);
  return XR_E_SYNTAX;
}
