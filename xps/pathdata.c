/* Abbreviated geometry syntax parser (see pathdata.h). */
#include "xps/pathdata.h"

#include <math.h>
#include <stdint.h>

#include "xps/arc.h"
#include "xpsraster/error.h"

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c) {
  return c >= '0' && c <= '9';
}

size_t xps_number_scan(const char *s, double *out) {
  size_t i = 0;
  int neg = 0;
  if (s[i] == '+' || s[i] == '-')
    neg = s[i++] == '-';
  /* Up to 19 significant digits fit a uint64; later ones only scale. */
  uint64_t mant = 0;
  int sig = 0, exp10 = 0, ndig = 0;
  while (is_digit(s[i])) {
    if (sig < 19) {
      mant = mant * 10 + (uint64_t)(s[i] - '0');
      if (mant)
        sig++;
    } else {
      exp10++;
    }
    i++;
    ndig++;
  }
  if (s[i] == '.') {
    i++;
    while (is_digit(s[i])) {
      if (sig < 19) {
        mant = mant * 10 + (uint64_t)(s[i] - '0');
        if (mant)
          sig++;
        exp10--;
      }
      i++;
      ndig++;
    }
  }
  if (ndig == 0)
    return 0;
  if (s[i] == 'e' || s[i] == 'E') {
    size_t j = i + 1;
    int eneg = 0, e = 0, edig = 0;
    if (s[j] == '+' || s[j] == '-')
      eneg = s[j++] == '-';
    while (is_digit(s[j])) {
      if (e < 100000)
        e = e * 10 + (s[j] - '0');
      j++;
      edig++;
    }
    /* "1e" is the number 1 followed by junk, as in XML Schema. */
    if (edig) {
      exp10 += eneg ? -e : e;
      i = j;
    }
  }
  double v = (double)mant;
  if (mant && exp10)
    v = exp10 < -600 ? 0 : v * pow(10.0, exp10);
  if (!isfinite(v))
    return 0;
  *out = neg ? -v : v;
  return i;
}

typedef struct scan {
  const char *s;
  size_t i;
  xps_pathdata_err *e;
} scan;

static void skip_sep(scan *sc) {
  while (is_space(sc->s[sc->i]) || sc->s[sc->i] == ',')
    sc->i++;
}

static int fail(scan *sc, size_t at, const char *what) {
  if (sc->e) {
    sc->e->offset = at;
    sc->e->what = what;
  }
  return XR_E_SYNTAX;
}

/* 1 when a number starts after optional separators. */
static int number_follows(scan *sc) {
  skip_sep(sc);
  char c = sc->s[sc->i];
  return is_digit(c) || c == '+' || c == '-' || c == '.';
}

static int num(scan *sc, double *v) {
  skip_sep(sc);
  size_t n = xps_number_scan(sc->s + sc->i, v);
  if (!n)
    return fail(sc, sc->i,
                sc->s[sc->i] ? "expected a number"
                             : "string ends where a number belongs");
  sc->i += n;
  return 0;
}

static int nums(scan *sc, double *v, int n) {
  for (int k = 0; k < n; k++) {
    int rc = num(sc, &v[k]);
    if (rc)
      return rc;
  }
  return 0;
}

/* Arc flags are 0 or 1; producers also write "0.0" or "1", so any number
 * is read and non-zero means set. */
static int flag(scan *sc, int *f) {
  double v;
  int rc = num(sc, &v);
  if (rc)
    return rc;
  *f = v != 0;
  return 0;
}

/* Maps a ras_path error to ours, recording where. */
static int path_rc(scan *sc, size_t at, int rc) {
  if (rc == XR_E_INVAL)
    return fail(sc, at, "coordinate out of range");
  if (rc == XR_E_LIMIT && sc->e) {
    sc->e->offset = at;
    sc->e->what = "too many points";
  }
  return rc;
}

int xps_pathdata_parse(const char *s, ras_path *p, int *fill_rule,
                       xps_pathdata_err *e) {
  scan sc = {s, 0, e};
  /* The reflection point for S: the last cubic's second control point. */
  double lcx = 0, lcy = 0;
  int last_cubic = 0;

  while (is_space(s[sc.i]))
    sc.i++;
  if (s[sc.i] == 'F') {
    sc.i++;
    while (is_space(s[sc.i]))
      sc.i++;
    if (s[sc.i] == '0')
      *fill_rule = RAS_EVENODD;
    else if (s[sc.i] == '1')
      *fill_rule = RAS_NONZERO;
    else
      return fail(&sc, sc.i, "fill rule must be F0 or F1");
    sc.i++;
  }

  for (;;) {
    skip_sep(&sc);
    char c = s[sc.i];
    if (!c)
      return 0;
    size_t at = sc.i++;
    int rel = c >= 'a' && c <= 'z';
    char cmd = rel ? (char)(c - 32) : c;
    int rc = 0, cubic = 0;
    double v[7];
    switch (cmd) {
    case 'M':
      if ((rc = nums(&sc, v, 2)))
        return rc;
      {
        double bx = rel ? p->cur.x : 0, by = rel ? p->cur.y : 0;
        if ((rc = ras_path_move(p, v[0] + bx, v[1] + by)))
          return path_rc(&sc, at, rc);
      }
      /* Further pairs after M are implicit line segments. */
      while (number_follows(&sc)) {
        at = sc.i;
        if ((rc = nums(&sc, v, 2)))
          return rc;
        double bx = rel ? p->cur.x : 0, by = rel ? p->cur.y : 0;
        if ((rc = ras_path_line(p, v[0] + bx, v[1] + by)))
          return path_rc(&sc, at, rc);
      }
      break;
    case 'L':
      do {
        if ((rc = nums(&sc, v, 2)))
          return rc;
        double bx = rel ? p->cur.x : 0, by = rel ? p->cur.y : 0;
        if ((rc = ras_path_line(p, v[0] + bx, v[1] + by)))
          return path_rc(&sc, at, rc);
        at = sc.i;
      } while (number_follows(&sc));
      break;
    case 'H':
    case 'V':
      do {
        if ((rc = num(&sc, v)))
          return rc;
        double x = p->cur.x, y = p->cur.y;
        if (cmd == 'H')
          x = rel ? x + v[0] : v[0];
        else
          y = rel ? y + v[0] : v[0];
        if ((rc = ras_path_line(p, x, y)))
          return path_rc(&sc, at, rc);
        at = sc.i;
      } while (number_follows(&sc));
      break;
    case 'C':
    case 'S':
      do {
        double bx = rel ? p->cur.x : 0, by = rel ? p->cur.y : 0;
        double x1, y1;
        if (cmd == 'C') {
          if ((rc = nums(&sc, v, 6)))
            return rc;
          x1 = v[0] + bx;
          y1 = v[1] + by;
        } else {
          if ((rc = nums(&sc, v + 2, 4)))
            return rc;
          /* Smooth: reflect the previous cubic's second control point. */
          x1 = last_cubic ? 2 * p->cur.x - lcx : p->cur.x;
          y1 = last_cubic ? 2 * p->cur.y - lcy : p->cur.y;
        }
        lcx = v[2] + bx;
        lcy = v[3] + by;
        if ((rc = ras_path_cubic(p, x1, y1, lcx, lcy, v[4] + bx, v[5] + by)))
          return path_rc(&sc, at, rc);
        last_cubic = 1;
        at = sc.i;
      } while (number_follows(&sc));
      cubic = 1;
      break;
    case 'Q':
      do {
        double bx = rel ? p->cur.x : 0, by = rel ? p->cur.y : 0;
        if ((rc = nums(&sc, v, 4)))
          return rc;
        if ((rc = ras_path_quad(p, v[0] + bx, v[1] + by, v[2] + bx, v[3] + by)))
          return path_rc(&sc, at, rc);
        at = sc.i;
      } while (number_follows(&sc));
      break;
    case 'A':
      do {
        int large, sweep;
        if ((rc = nums(&sc, v, 3)) || (rc = flag(&sc, &large)) ||
            (rc = flag(&sc, &sweep)) || (rc = nums(&sc, v + 3, 2)))
          return rc;
        double bx = rel ? p->cur.x : 0, by = rel ? p->cur.y : 0;
        if ((rc = xps_arc_to(p, v[0], v[1], v[2], large, sweep, v[3] + bx,
                             v[4] + by)))
          return path_rc(&sc, at, rc);
        at = sc.i;
      } while (number_follows(&sc));
      break;
    case 'Z':
      if ((rc = ras_path_close(p)))
        return path_rc(&sc, at, rc);
      if (number_follows(&sc))
        return fail(&sc, sc.i, "number after Z");
      break;
    case 'F':
      return fail(&sc, at, "fill rule is allowed only at the start");
    default:
      if (is_digit(c) || c == '.' || c == '+' || c == '-')
        return fail(&sc, at, "number without a command");
      return fail(&sc, at, "unknown command");
    }
    last_cubic = cubic;
  }
}
