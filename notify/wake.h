/* Waking the notifier thread: an eventfd plus a sleeping flag, so that a
 * poster makes the write() syscall only when the thread is (about to be)
 * asleep, and one wake-up covers every post that follows until it sleeps
 * again. See wake.c for the memory orderings. */
#ifndef NTF_WAKE_H
#define NTF_WAKE_H

#include <stdatomic.h>

struct ntf_wake {
  int fd; /* eventfd, polled by the notifier thread */
  /* 1: posters need only a compiler barrier (see wake.c). Set at open;
   * cleared (relaxed) only if membarrier ever failed. */
  atomic_int asym;
  _Alignas(64) atomic_int sleeping;
  atomic_ulong wakeups; /* statistics */
};

/* Opens the eventfd. Returns 0 or XR_E_IO. */
int ntf_wake_open(struct ntf_wake *w);
void ntf_wake_close(struct ntf_wake *w);

/* Poster side, after publishing what it posted: wakes the thread if it
 * sleeps. Lock-free; makes one write() only on the sleeping -> awake edge. */
static inline void ntf_wake_signal(struct ntf_wake *w);
/* The slow path of ntf_wake_signal: the thread sleeps (wake.c). */
void ntf_wake_slow(struct ntf_wake *w);

/* Notifier side: announce the intent to sleep. After this the caller must
 * re-check for work (every check an acquire or relaxed load is fine), and
 * either ntf_wake_cancel() or poll the fd and then ntf_wake_done(). */
void ntf_wake_prepare(struct ntf_wake *w);
void ntf_wake_cancel(struct ntf_wake *w);
/* Marks the thread awake and drains the eventfd counter. */
void ntf_wake_done(struct ntf_wake *w);

/* Inline: it runs on every post (orders and barriers: see wake.c). */
static inline void ntf_wake_signal(struct ntf_wake *w) {
  if (atomic_load_explicit(&w->asym, memory_order_relaxed))
    atomic_signal_fence(memory_order_seq_cst); /* barrier P, compiler only */
  else
    atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(&w->sleeping, memory_order_relaxed) != 0)
    ntf_wake_slow(w);
}

#endif
