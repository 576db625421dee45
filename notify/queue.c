/* Bounded MPSC queue with a sequence number per slot.
 *
 * Algorithm: the ring of 2^k slots follows D. Vyukov's bounded queue. Slot i
 * carries `seq`: seq == pos means "free for the producer of position pos",
 * seq == pos + 1 means "published, for the consumer at position pos". A
 * producer claims position pos by a CAS of `tail` from pos to pos + 1 after
 * seeing seq == pos; the consumer, after reading the slot, stores
 * seq = pos + capacity, freeing it for the producer one lap later.
 *
 * Progress guarantee:
 * - Producers are lock-free and never wait. A failed CAS means another
 *   producer claimed a slot (system-wide progress); a full ring (the slot a
 *   lap behind is still unread) returns NULL at once, it does not wait.
 *   A producer preempted between claim and publish does not stop other
 *   producers: they keep claiming the following slots.
 * - The consumer is blocking on one slot only: it cannot pass a claimed but
 *   unpublished slot, because order is kept. It does not spin on it: peek
 *   returns NULL, the notifier thread sleeps, and the late producer's
 *   publish wakes it (see wake.c). The window is one bounded memcpy with no
 *   syscall and no lock, so only preemption can widen it; while it lasts
 *   other producers fill the ring and get XR_E_QUEUE_FULL, which is counted.
 *
 * Memory orders (each atomic, with its happens-before partner):
 * - tail: relaxed loads and relaxed CAS. It only arbitrates which producer
 *   owns a position; no data is published through it.
 * - slot.seq, producer load (acquire) pairs with the consumer's release
 *   store in ntf_queue_release: the consumer's reads of the old event
 *   happen before the producer overwrites it.
 * - slot.seq, producer store in ntf_queue_publish (release) pairs with the
 *   consumer's acquire load in ntf_queue_peek: the event's contents happen
 *   before the consumer reads them.
 * - consumed: relaxed, statistics only. */
#include "notify/queue.h"

#include <stdint.h>
#include <stdlib.h>

#include "xpsraster/error.h"

int ntf_queue_new(unsigned slots, struct ntf_queue **out) {
  struct ntf_queue *q;
  *out = NULL;
  if (slots < NTF_QUEUE_MIN || slots > NTF_QUEUE_MAX ||
      (slots & (slots - 1)) != 0)
    return XR_E_INVAL;
  q = aligned_alloc(_Alignof(struct ntf_queue), sizeof *q);
  if (!q)
    return XR_E_NOMEM;
  /* slots <= 65536 and a slot is ~1 KiB, so the product cannot overflow. */
  q->slots = aligned_alloc(_Alignof(struct ntf_slot),
                           (size_t)slots * sizeof(struct ntf_slot));
  if (!q->slots) {
    free(q);
    return XR_E_NOMEM;
  }
  for (size_t i = 0; i < slots; i++) {
    atomic_init(&q->slots[i].seq, i);
    q->slots[i].ev.kind = NTF_EV_NONE;
  }
  q->mask = (size_t)slots - 1;
  atomic_init(&q->tail, 0);
  q->head = 0;
  atomic_init(&q->consumed, 0);
  *out = q;
  return XR_OK;
}

void ntf_queue_drop(struct ntf_queue *q) {
  if (!q)
    return;
  free(q->slots);
  free(q);
}

struct ntf_event *ntf_queue_claim(struct ntf_queue *q, size_t *pos) {
  size_t p = atomic_load_explicit(&q->tail, memory_order_relaxed);
  for (;;) {
    struct ntf_slot *s = &q->slots[p & q->mask];
    size_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
    intptr_t dif = (intptr_t)seq - (intptr_t)p;
    if (dif == 0) {
      /* On failure p is reloaded with the current tail. */
      if (atomic_compare_exchange_weak_explicit(&q->tail, &p, p + 1,
                                                memory_order_relaxed,
                                                memory_order_relaxed)) {
        *pos = p;
        return &s->ev;
      }
    } else if (dif < 0) {
      return NULL; /* the slot one lap behind is still unread: full */
    } else {
      p = atomic_load_explicit(&q->tail, memory_order_relaxed);
    }
  }
}

void ntf_queue_publish(struct ntf_queue *q, size_t pos) {
  atomic_store_explicit(&q->slots[pos & q->mask].seq, pos + 1,
                        memory_order_release);
}

struct ntf_event *ntf_queue_peek(struct ntf_queue *q) {
  struct ntf_slot *s = &q->slots[q->head & q->mask];
  size_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
  return seq == q->head + 1 ? &s->ev : NULL;
}

void ntf_queue_release(struct ntf_queue *q) {
  struct ntf_slot *s = &q->slots[q->head & q->mask];
  atomic_store_explicit(&s->seq, q->head + q->mask + 1, memory_order_release);
  q->head++;
  atomic_store_explicit(&q->consumed, q->head, memory_order_relaxed);
}

size_t ntf_queue_claimed(const struct ntf_queue *q) {
  return atomic_load_explicit(&((struct ntf_queue *)q)->tail,
                              memory_order_relaxed);
}

size_t ntf_queue_capacity(const struct ntf_queue *q) {
  return q->mask + 1;
}
