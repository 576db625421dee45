/* Affine transforms: x' = a*x + c*y + e, y' = b*x + d*y + f.
 * Same element order as an XPS MatrixTransform "m11,m12,m21,m22,dx,dy". */
#ifndef RAS_MATRIX_H
#define RAS_MATRIX_H

typedef struct ras_matrix {
  double a, b, c, d, e, f;
} ras_matrix;

static inline ras_matrix ras_matrix_identity(void) {
  ras_matrix m = {1, 0, 0, 1, 0, 0};
  return m;
}

static inline ras_matrix ras_matrix_scale(double sx, double sy) {
  ras_matrix m = {sx, 0, 0, sy, 0, 0};
  return m;
}

static inline ras_matrix ras_matrix_translate(double tx, double ty) {
  ras_matrix m = {1, 0, 0, 1, tx, ty};
  return m;
}

/* Returns "first l, then r": concat(l, r) applied to p is r(l(p)). This is
 * the XPS order: an element's RenderTransform is concat(local, parent). */
static inline ras_matrix ras_matrix_concat(ras_matrix l, ras_matrix r) {
  ras_matrix m;
  m.a = l.a * r.a + l.b * r.c;
  m.b = l.a * r.b + l.b * r.d;
  m.c = l.c * r.a + l.d * r.c;
  m.d = l.c * r.b + l.d * r.d;
  m.e = l.e * r.a + l.f * r.c + r.e;
  m.f = l.e * r.b + l.f * r.d + r.f;
  return m;
}

static inline void ras_matrix_apply(const ras_matrix *m, double x, double y,
                                    double *ox, double *oy) {
  *ox = m->a * x + m->c * y + m->e;
  *oy = m->b * x + m->d * y + m->f;
}

/* Inverts m into *out. Returns 0, or -1 when m is singular or not finite. */
int ras_matrix_invert(const ras_matrix *m, ras_matrix *out);
/* Largest scale factor of the linear part (for tolerances and widths). */
double ras_matrix_expansion(const ras_matrix *m);

#endif
