#include "render/matrix.h"

#include <math.h>

int ras_matrix_invert(const ras_matrix *m, ras_matrix *out) {
  double det = m->a * m->d - m->b * m->c;
  if (!isfinite(det) || fabs(det) < 1e-300)
    return -1;
  double id = 1.0 / det;
  ras_matrix r;
  r.a = m->d * id;
  r.b = -m->b * id;
  r.c = -m->c * id;
  r.d = m->a * id;
  r.e = -(m->e * r.a + m->f * r.c);
  r.f = -(m->e * r.b + m->f * r.d);
  *out = r;
  return 0;
}

double ras_matrix_expansion(const ras_matrix *m) {
  /* Largest singular value of [a c; b d]. */
  double p = m->a * m->a + m->b * m->b + m->c * m->c + m->d * m->d;
  double q = m->a * m->d - m->b * m->c;
  double disc = p * p - 4 * q * q;
  if (disc < 0)
    disc = 0;
  return sqrt((p + sqrt(disc)) / 2);
}
