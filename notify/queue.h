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
  size_t tail_seen; /* consumer's copy of tail, a prefetch hint only */
};

/* Allocates a queue of `slots` (a power of two in [NTF_QUEUE_MIN,
 * NTF_QUEUE_MAX]) slots. Returns 0, XR_E_INVAL or XR_E_NOMEM. */
int ntf_queue_new(unsigned slots, struct ntf_queue **out);
void ntf_queue_drop(struct ntf_queue *q);

/* Producer: claims the next slot. Returns its event to fill and sets *pos,
 * or NULL when the queue is full. Never waits. The claim must be followed
 * by ntf_queue_publish(q, pos). */
struct ntf_event *ntf_queue_claim(struct ntf_queue *q, size_t *pos);
void ntf_queue_publish(struct ntf_queue *q, size_t pos);

/* Consumer: the oldest published event, or NULL if there is none (the
 * queue is empty, or its oldest slot is claimed but not yet published).
 * Returning NULL also hands every released slot back to producers. */
struct ntf_event *ntf_queue_peek(struct ntf_queue *q);
/* Consumer: gives the slot returned by the last peek back to producers. */
void ntf_queue_release(struct ntf_queue *q);

/* Events accepted so far (claims). Any thread; relaxed. */
size_t ntf_queue_claimed(const struct ntf_queue *q);
size_t ntf_queue_capacity(const struct ntf_queue *q);

#endif
