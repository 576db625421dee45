/* Sharded glyph-mask cache with lock-free hits (glyph_cache.h). */
#include "render/glyph_cache.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "xpsraster/error.h"

#define NBUCKETS 512 /* per shard */

typedef struct gkey {
  const ras_font *font;
  uint32_t gid;
  int32_t bold;   /* embolden in 1/65536 em */
  int64_t m[4];   /* linear part in 1/RAS_GC_MATRIX_Q */
  int32_t fx, fy; /* sub-pixel bucket of the origin */
} gkey;

typedef struct gentry {
  _Atomic(struct gentry *) next; /* hash chain: readers walk it */
  struct gentry *older, *newer;  /* CLOCK order, under the shard lock */
  atomic_uchar used;             /* referenced since the hand last passed */
  uint64_t hash;
  gkey key;
  ras_font *font; /* reference held while the entry lives */
  ras_glyph_mask mask;
  size_t bytes;
} gentry;

typedef struct shard {
  /* Read side: the epoch picks which counter a reader increments. */
  atomic_uint epoch;
  atomic_long readers[2];
  atomic_ullong hits, misses, evictions;
  _Alignas(64) pthread_mutex_t lock; /* writers only */
  gentry *oldest, *newest;
  size_t bytes, entries, budget;
  _Atomic(gentry *) buckets[NBUCKETS];
} shard;

struct ras_glyph_cache {
  atomic_int refs;
  shard *shards; /* RAS_GC_SHARDS of them */
};

int ras_glyph_cache_new(size_t max_bytes, ras_glyph_cache **out) {
  *out = NULL;
  ras_glyph_cache *c = calloc(1, sizeof *c);
  if (!c)
    return XR_E_NOMEM;
  c->shards = aligned_alloc(64, sizeof(shard) * RAS_GC_SHARDS);
  if (!c->shards) {
    free(c);
    return XR_E_NOMEM;
  }
  memset(c->shards, 0, sizeof(shard) * RAS_GC_SHARDS);
  size_t budget =
      (max_bytes ? max_bytes : RAS_GC_DEFAULT_BYTES) / RAS_GC_SHARDS;
  for (int i = 0; i < RAS_GC_SHARDS; i++) {
    shard *s = &c->shards[i];
    if (pthread_mutex_init(&s->lock, NULL)) {
      while (i--)
        pthread_mutex_destroy(&c->shards[i].lock);
      free(c->shards);
      free(c);
      return XR_E_NOMEM;
    }
    s->budget = budget;
    for (int b = 0; b < NBUCKETS; b++)
      atomic_init(&s->buckets[b], NULL);
  }
  atomic_init(&c->refs, 1);
  *out = c;
  return 0;
}

ras_glyph_cache *ras_glyph_cache_keep(ras_glyph_cache *c) {
  if (c)
    atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
  return c;
}

static void free_entry(gentry *e) {
  ras_font_drop(e->font);
  free(e->mask.data);
  free(e);
}

void ras_glyph_cache_drop(ras_glyph_cache *c) {
  if (!c)
    return;
  /* acq_rel: the last holder sees every insertion made by the others. */
  if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
    return;
  for (int i = 0; i < RAS_GC_SHARDS; i++) {
    shard *s = &c->shards[i];
    for (gentry *e = s->oldest, *n; e; e = n) {
      n = e->newer;
      free_entry(e);
    }
    pthread_mutex_destroy(&s->lock);
  }
  free(c->shards);
  free(c);
}

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}

static uint64_t key_hash(const gkey *k) {
  uint64_t h = mix(0, (uint64_t)(uintptr_t)k->font);
  h = mix(h, k->gid);
  h = mix(h, (uint64_t)(uint32_t)k->bold);
  for (int i = 0; i < 4; i++)
    h = mix(h, (uint64_t)k->m[i]);
  return mix(h, (uint64_t)(k->fx * RAS_GC_SUBPIX + k->fy));
}

static int key_eq(const gkey *a, const gkey *b) {
  return a->font == b->font && a->gid == b->gid && a->bold == b->bold &&
         a->m[0] == b->m[0] && a->m[1] == b->m[1] && a->m[2] == b->m[2] &&
         a->m[3] == b->m[3] && a->fx == b->fx && a->fy == b->fy;
}

/* Hit path: no lock. Returns 1 after drawing, 0 on a miss. */
static int find_draw(shard *s, const gkey *k, uint64_t h, ras_glyph_draw_fn fn,
                     void *ud, int ox, int oy) {
  /* seq_cst increment, then seq_cst loads of the chain: a writer that
   * unlinked an entry and then saw this counter at zero knows this reader
   * cannot reach the entry (see synchronize). */
  unsigned idx = atomic_load(&s->epoch) & 1u;
  atomic_fetch_add(&s->readers[idx], 1);
  gentry *e = atomic_load(&s->buckets[h % NBUCKETS]);
  while (e && !(e->hash == h && key_eq(&e->key, k)))
    e = atomic_load(&e->next);
  if (e) {
    /* A relaxed peek first, so hot entries do not bounce their line. */
    if (!atomic_load_explicit(&e->used, memory_order_relaxed))
      atomic_store_explicit(&e->used, 1, memory_order_relaxed);
    fn(ud, &e->mask, ox, oy);
  }
  /* release: our reads of the mask happen before a writer frees it. */
  atomic_fetch_sub_explicit(&s->readers[idx], 1, memory_order_release);
  return e != NULL;
}

/* Waits until no reader can still hold an entry unlinked before the call.
 * Flipping the epoch first sends new readers to the other counter, so the
 * wait is bounded by the readers already inside. */
static void synchronize(shard *s) {
  unsigned ep = atomic_load(&s->epoch);
  for (unsigned k = 0; k < 2; k++) {
    atomic_store(&s->epoch, ep + 1 + k);
    unsigned old = (ep + k) & 1u;
    while (atomic_load(&s->readers[old]) != 0)
      sched_yield();
  }
}

static void clock_unlink(shard *s, gentry *e) {
  if (e->older)
    e->older->newer = e->newer;
  else
    s->oldest = e->newer;
  if (e->newer)
    e->newer->older = e->older;
  else
    s->newest = e->older;
  e->older = e->newer = NULL;
}

static void clock_append(shard *s, gentry *e) {
  e->older = s->newest;
  e->newer = NULL;
  if (s->newest)
    s->newest->newer = e;
  else
    s->oldest = e;
  s->newest = e;
}

/* Unlinks e from its hash chain (lock held). */
static void chain_unlink(shard *s, gentry *e) {
  _Atomic(gentry *) *p = &s->buckets[e->hash % NBUCKETS];
  gentry *cur;
  while ((cur = atomic_load_explicit(p, memory_order_relaxed)) != e)
    p = &cur->next;
  atomic_store(p, atomic_load_explicit(&e->next, memory_order_relaxed));
}

/* Publishes n (lock not held on entry). Frees n if an equal key won. */
static void insert(shard *s, gentry *n) {
  gentry *victims = NULL;
  pthread_mutex_lock(&s->lock);
  _Atomic(gentry *) *b = &s->buckets[n->hash % NBUCKETS];
  for (gentry *e = atomic_load_explicit(b, memory_order_relaxed); e;
       e = atomic_load_explicit(&e->next, memory_order_relaxed)) {
    if (e->hash == n->hash && key_eq(&e->key, &n->key)) {
      pthread_mutex_unlock(&s->lock);
      free_entry(n);
      return;
    }
  }
  atomic_store_explicit(&n->next, atomic_load_explicit(b, memory_order_relaxed),
                        memory_order_relaxed);
  /* release: the mask is complete before a reader can find the entry. */
  atomic_store_explicit(b, n, memory_order_release);
  clock_append(s, n);
  s->bytes += n->bytes;
  s->entries++;
  /* Second chance: a used entry moves to the new end once; the loop ends
   * because every pass clears a flag or evicts. */
  size_t guard = 2 * s->entries + 2;
  while (s->bytes > s->budget && s->oldest && guard--) {
    gentry *e = s->oldest;
    clock_unlink(s, e);
    if (atomic_exchange_explicit(&e->used, 0, memory_order_relaxed)) {
      clock_append(s, e);
      continue;
    }
    chain_unlink(s, e);
    s->bytes -= e->bytes;
    s->entries--;
    e->newer = victims;
    victims = e;
    atomic_fetch_add_explicit(&s->evictions, 1, memory_order_relaxed);
  }
  if (victims)
    synchronize(s);
  pthread_mutex_unlock(&s->lock);
  while (victims) {
    gentry *n2 = victims->newer;
    free_entry(victims);
    victims = n2;
  }
}

static int64_t q(double v) {
  return (int64_t)llround(v * RAS_GC_MATRIX_Q);
}

int ras_glyph_cache_draw(ras_glyph_cache *c, ras_font *font, uint32_t gid,
                         double embolden, const ras_matrix *m,
                         ras_glyph_draw_fn fn, void *ud) {
  if (!(ras_matrix_expansion(m) <= RAS_GC_MAX_EM_PX) || !isfinite(m->e) ||
      !isfinite(m->f) || fabs(m->e) > 1e8 || fabs(m->f) > 1e8 ||
      !(embolden >= 0 && embolden <= 1))
    return XR_E_LIMIT;
  double fxd = floor(m->e), fyd = floor(m->f);
  int ox = (int)fxd, oy = (int)fyd;
  int fx = (int)lround((m->e - fxd) * RAS_GC_SUBPIX);
  int fy = (int)lround((m->f - fyd) * RAS_GC_SUBPIX);
  if (fx == RAS_GC_SUBPIX)
    fx = 0, ox++;
  if (fy == RAS_GC_SUBPIX)
    fy = 0, oy++;
  gkey k;
  memset(&k, 0, sizeof k);
  k.font = font;
  k.gid = gid;
  k.bold = (int32_t)lround(embolden * 65536);
  k.m[0] = q(m->a);
  k.m[1] = q(m->b);
  k.m[2] = q(m->c);
  k.m[3] = q(m->d);
  k.fx = fx;
  k.fy = fy;
  uint64_t h = key_hash(&k);
  shard *s = &c->shards[h % RAS_GC_SHARDS];
  if (find_draw(s, &k, h, fn, ud, ox, oy)) {
    atomic_fetch_add_explicit(&s->hits, 1, memory_order_relaxed);
    return 0;
  }
  atomic_fetch_add_explicit(&s->misses, 1, memory_order_relaxed);
  /* Miss: render from the quantised key, so equal keys give equal masks
   * whichever thread rendered them. */
  gentry *e = calloc(1, sizeof *e);
  if (!e)
    return XR_E_NOMEM;
  ras_matrix mq = {k.m[0] / RAS_GC_MATRIX_Q,   k.m[1] / RAS_GC_MATRIX_Q,
                   k.m[2] / RAS_GC_MATRIX_Q,   k.m[3] / RAS_GC_MATRIX_Q,
                   (double)fx / RAS_GC_SUBPIX, (double)fy / RAS_GC_SUBPIX};
  int rc = ras_font_render(font, gid, k.bold / 65536.0, &mq, &e->mask);
  if (rc) {
    free(e);
    return rc;
  }
  e->hash = h;
  e->key = k;
  e->font = ras_font_keep(font);
  e->bytes =
      sizeof *e + (size_t)e->mask.w * (size_t)e->mask.h + 4 * (size_t)e->mask.h;
  atomic_init(&e->next, NULL);
  atomic_init(&e->used, 0);
  /* Drawn before publishing: the entry is still private to this thread. */
  fn(ud, &e->mask, ox, oy);
  insert(s, e);
  return 0;
}

void ras_glyph_cache_stats_get(ras_glyph_cache *c, ras_glyph_cache_stats *st) {
  memset(st, 0, sizeof *st);
  for (int i = 0; i < RAS_GC_SHARDS; i++) {
    shard *s = &c->shards[i];
    st->hits += atomic_load_explicit(&s->hits, memory_order_relaxed);
    st->misses += atomic_load_explicit(&s->misses, memory_order_relaxed);
    st->evictions += atomic_load_explicit(&s->evictions, memory_order_relaxed);
    pthread_mutex_lock(&s->lock);
    st->bytes += s->bytes;
    st->entries += s->entries;
    pthread_mutex_unlock(&s->lock);
  }
}
