/* Bounded lock-free multi-producer single-consumer queue of ntf_events.
 *
 * Slots are allocated once at creation; posting never allocates. A producer
 * claims a slot, fills it in place and publishes it; the consumer reads the
 * oldest published slot in place and releases it. See queue.c for the
 * algorithm, its progress guarantee and its memory orderings. */
#ifndef NTF_QUEUE_H
#define NTF_QUEUE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "notify/event.h"

#define NTF_QUEUE_MIN 2u
#define NTF_QUEUE_MAX 65536u
#define NTF_QUEUE_DEFAULT 1024u

struct ntf_slot {
  _Alignas(64) atomic_size_t seq;
  struct ntf_event ev;
};

struct ntf_queue {
  struct ntf_slot *slots;
  size_t mask;
  size_t publish_every; /* releases between two updates of head_pub */
  /* Each on its own line: producers write tail and read head_pub, the
   * consumer writes head on every event but head_pub only now and then. */
  _Alignas(64) atomic_size_t tail; /* next position to claim */
  atomic_size_t head_seen;         /* producers' copy of head_pub, same line */
  _Alignas(64) atomic_size_t head_pub; /* positions below are free again */
  _Alignas(64) size_t head;            /* next position to read; consumer */
};

/* Allocates a queue of `slots` (a power of two in [NTF_QUEUE_MIN,
 * NTF_QUEUE_MAX]) slots. Returns 0, XR_E_INVAL or XR_E_NOMEM. */
int ntf_queue_new(unsigned slots, struct ntf_queue **out);
void ntf_queue_drop(struct ntf_queue *q);

/* Producer: ntf_queue_claim claims the next slot. It returns its event to
 * fill and sets *pos, or NULL when the queue is full, and never waits. The
 * claim must be followed by ntf_queue_publish(q, pos). Both are inline,
 * below. */

/* Consumer: the oldest published event, or NULL if there is none (the
 * queue is empty, or its oldest slot is claimed but not yet published).
 * Returning NULL also hands every released slot back to producers. */
struct ntf_event *ntf_queue_peek(struct ntf_queue *q);
/* Consumer: gives the slot returned by the last peek back to producers. */
void ntf_queue_release(struct ntf_queue *q);

/* Events accepted so far (claims). Any thread; relaxed. */
size_t ntf_queue_claimed(const struct ntf_queue *q);
size_t ntf_queue_capacity(const struct ntf_queue *q);

/* The producers' fast path, inline so a post makes no call into queue.c
 * (algorithm and memory orders: see queue.c). */

/* How far ahead of its claim a producer prefetches a slot for writing. */
#define NTF_QUEUE_AHEAD 4

/* A prefetch for writing (the line comes exclusive, invalidating the
 * consumer's copy). Without -mprfchw GCC emits a read prefetch, which
 * leaves the line shared; PREFETCHW executes as a NOP on x86 CPUs that
 * lack it. */
static inline void ntf_prefetch_w(const void *p) {
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__PRFCHW__)
  __asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
  __builtin_prefetch(p, 1, 3);
#endif
}

static inline struct ntf_event *ntf_queue_claim(struct ntf_queue *q,
                                                size_t *pos) {
  size_t p = atomic_load_explicit(&q->tail, memory_order_relaxed);
  for (;;) {
    /* Signed distance: p may be stale (loaded before other producers
     * moved on and the consumer caught up), so h may exceed it; then the
     * CAS below fails and reloads p, rather than a false "full". */
    size_t h = atomic_load_explicit(&q->head_seen, memory_order_acquire);
    if ((ptrdiff_t)(p - h) > (ptrdiff_t)q->mask) {
      /* Only when the copy says full: read the consumer's line. */
      h = atomic_load_explicit(&q->head_pub, memory_order_acquire);
      if ((ptrdiff_t)(p - h) > (ptrdiff_t)q->mask)
        return NULL; /* position p - capacity may still be unread: full */
      atomic_store_explicit(&q->head_seen, h, memory_order_release);
    }
    /* On failure p is reloaded with the current tail. */
    if (atomic_compare_exchange_weak_explicit(
            &q->tail, &p, p + 1, memory_order_relaxed, memory_order_relaxed)) {
      /* The slot NTF_QUEUE_AHEAD positions on was last read by the
       * consumer, so writing it needs its line back. Ask for it now (a
       * hint, no store), so that the stores of that post retire at once
       * instead of holding up the next locked instruction (a later
       * claim's CAS waits for the store buffer to drain). Only a slot
       * known to be free: never pull a line the consumer has yet to
       * read. */
      if ((ptrdiff_t)(p + NTF_QUEUE_AHEAD - h) <= (ptrdiff_t)q->mask) {
        struct ntf_slot *next = &q->slots[(p + NTF_QUEUE_AHEAD) & q->mask];
        ntf_prefetch_w(next);
        ntf_prefetch_w((const char *)next + 64);
      }
      *pos = p;
      return &q->slots[p & q->mask].ev;
    }
  }
}

static inline void ntf_queue_publish(struct ntf_queue *q, size_t pos) {
  atomic_store_explicit(&q->slots[pos & q->mask].seq, pos + 1,
                        memory_order_release);
}

#endif
