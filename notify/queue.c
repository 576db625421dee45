/* Bounded MPSC queue with a sequence number per slot.
 *
 * Algorithm: a ring of 2^k slots. A producer claims position pos by a CAS
 * of `tail` from pos to pos + 1, after checking against `head_pub` that
 * the slot's previous occupant (position pos - capacity) has been read;
 * it fills the slot and publishes it by storing seq = pos + 1. The
 * consumer reads position head when that slot's seq == head + 1 (an older
 * lap's value can never match), and hands slots back by publishing its
 * head in `head_pub` every few releases and whenever it finds the queue
 * empty. Unlike a Vyukov queue, the consumer never writes the slots, and
 * producers read the consumer-written line about once per lap rather than
 * once per slot: on the render threads' fast path, only the producers'
 * line (tail, head_seen) and the claimed slot are touched.
 *
 * Progress guarantee:
 * - Producers are lock-free and never wait. A failed CAS means another
 *   producer claimed a slot (system-wide progress); a full ring returns
 *   NULL at once. head_pub may lag the consumer by a few slots, which can
 *   only make the ring look fuller than it is, never overwrite unread
 *   data. A producer preempted between claim and publish does not stop
 *   other producers: they keep claiming the following slots.
 * - The consumer is blocking on one slot only: it cannot pass a claimed but
 *   unpublished slot, because order is kept. It does not spin on it: peek
 *   returns NULL, the notifier thread sleeps, and the late producer's
 *   publish wakes it (see wake.c). The window is one bounded memcpy with no
 *   syscall and no lock, so only preemption can widen it; while it lasts
 *   other producers fill the ring and get XR_E_QUEUE_FULL, which is counted.
 *
 * Memory orders (each atomic, with its happens-before partner):
 * - tail: relaxed loads and relaxed CAS. It only arbitrates which producer
 *   owns a position; no data is published through it, and the consumer
 *   never reads it (ntf_queue_claimed, for statistics, excepted).
 * - head_pub, consumer store (release) pairs with the producers' acquire
 *   load in ntf_queue_claim: the consumer's reads of a slot happen before a
 *   producer overwrites it one lap later.
 * - head_seen, the producers' copy of head_pub on their own cache line, so
 *   that the fast path reads the consumer's line about once per lap, not
 *   once per batch: stored (release) by the producer that refreshed it
 *   after its acquire of head_pub, loaded (acquire) by every claim, so the
 *   chain consumer reads -> head_pub -> head_seen -> producer writes is
 *   one happens-before chain. It may lag head_pub, and only ever makes the
 *   ring look fuller, never emptier. A stale store (an older value written
 *   after a newer one) can only make it lag more.
 * - slot.seq, producer store in ntf_queue_publish (release) pairs with the
 *   consumer's acquire load in ntf_queue_peek: the event's contents happen
 *   before the consumer reads them. */
/* ntf_queue_claim and ntf_queue_publish, the producers' fast path, are
 * inline in queue.h so that a post makes no call into this file. */
#include "notify/queue.h"

#include <stdint.h>
#include <stdlib.h>

#include "xpsraster/error.h"

/* XR_NOTIFY_TEXT_MAX is chosen so that a slot is exactly 1 KiB (16 cache
 * lines): a longer text would add a 17th line to every slot. */
_Static_assert(sizeof(struct ntf_slot) == 1024, "a slot is 1 KiB");

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
    atomic_init(&q->slots[i].seq, 0); /* matches no position + 1 */
    q->slots[i].ev.kind = NTF_EV_NONE;
  }
  q->mask = (size_t)slots - 1;
  /* A power of two, so that release tests it with a mask, not a divide. */
  q->publish_every = slots >= 256 ? 64 : (slots / 4 ? slots / 4 : 1);
  atomic_init(&q->tail, 0);
  atomic_init(&q->head_pub, 0);
  atomic_init(&q->head_seen, 0);
  q->head = 0;
  *out = q;
  return XR_OK;
}

void ntf_queue_drop(struct ntf_queue *q) {
  if (!q)
    return;
  free(q->slots);
  free(q);
}

struct ntf_event *ntf_queue_peek(struct ntf_queue *q) {
  struct ntf_slot *s = &q->slots[q->head & q->mask];
  /* The consumer reads nothing of the producers' but the slot it takes
   * next: no prefetch ahead, no look at tail. Each such read of a line a
   * producer is about to write costs that producer a cache miss on its
   * next store or CAS; reading tail every 16th event to steer a prefetch
   * cost the one-producer p99 a miss (40 -> 80-90 ns, NOTIFY.md) and
   * gained no throughput. */
  if (atomic_load_explicit(&s->seq, memory_order_acquire) == q->head + 1)
    return &s->ev;
  /* Idle (or waiting on a late producer): give back what was read. */
  if (atomic_load_explicit(&q->head_pub, memory_order_relaxed) != q->head)
    atomic_store_explicit(&q->head_pub, q->head, memory_order_release);
  return NULL;
}

void ntf_queue_release(struct ntf_queue *q) {
  q->head++;
  if ((q->head & (q->publish_every - 1)) == 0)
    atomic_store_explicit(&q->head_pub, q->head, memory_order_release);
}

size_t ntf_queue_claimed(const struct ntf_queue *q) {
  return atomic_load_explicit(&((struct ntf_queue *)q)->tail,
                              memory_order_relaxed);
}

size_t ntf_queue_capacity(const struct ntf_queue *q) {
  return q->mask + 1;
}
