/* Page interpreter internals shared by page*.c, geometry*.c, brush*.c,
 * resource*.c and canvas*.c (private to xps/).
 *
 * The page streams: only the element being drawn (a Path, a Canvas's
 * property elements) and the resource dictionaries in scope are held in
 * memory, as small node trees in a stack-like arena that is released when
 * the element or scope ends. */
#ifndef XPS_PAGE_IMP_H
#define XPS_PAGE_IMP_H

#include <stddef.h>

#include "render/device.h"
#include "xps/mc.h"
#include "xps/pkg.h"

/* --- arena: bump allocation with mark/release, freed as a whole ------- */

typedef struct xps_chunk xps_chunk;
typedef struct xps_arena {
  xps_chunk *head;
  size_t used; /* bytes used in head */
} xps_arena;

typedef struct xps_arena_mark {
  xps_chunk *head;
  size_t used;
} xps_arena_mark;

void xps_arena_init(xps_arena *a);
void *xps_arena_alloc(xps_arena *a, size_t size);
char *xps_arena_strdup(xps_arena *a, const char *s);
xps_arena_mark xps_arena_save(const xps_arena *a);
/* Frees everything allocated after mark m. */
void xps_arena_release(xps_arena *a, xps_arena_mark m);
void xps_arena_reset(xps_arena *a);

/* --- node trees ---------------------------------------------------- */

typedef struct xps_node {
  const char *name; /* local name, XPS namespace */
  xps_attr *attrs;
  int nattrs;
  long line;
  struct xps_node *parent, *first, *last, *next;
  int busy; /* resource being resolved: a reference back to it is a cycle */
} xps_node;

const char *xps_node_attr(const xps_node *n, const char *name);
const xps_node *xps_node_child(const xps_node *n, const char *name);

/* An event source: the live reader, or a replay of a node tree (the
 * Visual of a VisualBrush), with one event of push-back. */
typedef struct xps_src {
  xps_mc *mc;
  /* Replays draw the same markup again (a VisualBrush used many times):
   * every replayed element counts here, against ELEMENTS_PER_PAGE, so
   * nested brushes cannot multiply a page's work without bound. */
  long *replayed;
  long max_replayed;
  const xps_node *root, *cur;
  int phase; /* replay: 0 start of cur next, 1 end of cur next, 2 done */
  xps_event ev;
  int back;
} xps_src;

void xps_src_live(xps_src *s, xps_mc *mc);
void xps_src_replay(xps_src *s, const xps_node *root);
/* 1 with *ev, 0 at the end, < 0 on error (err filled). */
int xps_src_next(xps_src *s, const xps_event **ev, xr_errinfo *err);
void xps_src_unread(xps_src *s);
/* Consumes events up to the END matching an already read START. */
int xps_src_skip(xps_src *s, xr_errinfo *err);

/* Node from a START event, attributes copied, no children. */
xps_node *xps_node_from_event(xps_arena *a, const xps_event *ev);
/* Reads the rest of the element started by ev into a tree, refusing (with
 * XR_E_LIMIT at the offending line) a subtree over ELEMENT_BYTES or a
 * *.GradientStops over GRADIENT_STOPS as soon as it gets there, so hostile
 * markup is never held whole. */
int xps_tree_read(xps_src *s, const xps_event *ev, xps_arena *a,
                  const xps_ctx *ctx, xps_node **out, xr_errinfo *err);

/* --- the run -------------------------------------------------------- */

/* A resource dictionary in scope. */
typedef struct xps_rscope {
  const xps_node *dict; /* ResourceDictionary node */
  char part[1024];      /* part it came from (remote dictionaries) */
  struct xps_rscope *up;
} xps_rscope;

struct xps_cframe;

typedef struct xps_run {
  const xps_ctx *ctx;
  const ras_device_fns *fns;
  void *dev;
  xr_errinfo *err;
  xps_pkg *pkg;
  const char *part;
  xps_arena arena;
  xps_rscope *res;
  ras_matrix ctm;
  int nesting;   /* Canvas/group nesting against NESTING */
  int res_depth; /* resource references and visual brushes being resolved */
  int aliased;
  long replayed;           /* elements drawn again by VisualBrush replays */
  xps_arena keep;          /* page lifetime: remote dictionaries */
  struct xps_rdict *dicts; /* remote dictionaries read so far */
  double page_w, page_h;
  struct xps_cframe *frames; /* open Canvas elements, NESTING of them */
  int nframes;
} xps_run;

/* Warns about element n (or line) through the ctx hook, XR_E_SYNTAX. */
void xps_run_warn(xps_run *r, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Value helpers. Each returns 0 or XR_E_SYNTAX. */
int xps_parse_double(const char *s, double *out);
int xps_parse_matrix(const char *s, ras_matrix *out);
int xps_parse_bool(const char *s, int *out);
/* Attribute name of n as an index into names (count of them); def when
 * absent. An unknown value warns (part and line) and gives XR_E_SYNTAX. */
int xps_attr_enum(xps_run *r, const xps_node *n, const char *name,
                  const char *const *names, int count, int def, int *out);
/* Key of "{StaticResource key}" into buf; 1 if s is such a reference,
 * 0 if it is a plain value, XR_E_SYNTAX for a malformed reference. */
int xps_static_ref(const char *s, char *buf, size_t size);
/* A plain value: "{}" at the start escapes a literal brace. */
const char *xps_literal(const char *s);

#endif
