/* Sleep/wake handshake between posters and the notifier thread.
 *
 * This is the store-buffering (Dekker) pattern, closed with two fences:
 *
 *   poster:   publish work (release store)   notifier: sleeping = 1 (relaxed)
 *             fence(seq_cst)                           fence(seq_cst)
 *             read sleeping (relaxed)                  re-check work
 *
 * The two seq_cst fences are ordered one way or the other, so either the
 * poster sees sleeping == 1 and wakes the thread, or the notifier's re-check
 * sees the work and does not sleep; a wake-up cannot be lost. The relaxed
 * peek of `sleeping` keeps the common case (thread awake) free of any
 * read-modify-write on the shared line; only then do posters race on the
 * exchange, and exactly one of them writes the eventfd.
 *
 * sleeping: relaxed peek, then exchange(relaxed); ordering comes from the
 * fences above. The eventfd write/read pair is a syscall and orders itself.
 * wakeups: relaxed, statistics only. */
#include "notify/wake.h"

#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "xpsraster/error.h"

int ntf_wake_open(struct ntf_wake *w) {
  w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  atomic_init(&w->sleeping, 0);
  atomic_init(&w->wakeups, 0);
  return w->fd < 0 ? XR_E_IO : XR_OK;
}

void ntf_wake_close(struct ntf_wake *w) {
  if (w->fd >= 0)
    close(w->fd);
  w->fd = -1;
}

void ntf_wake_signal(struct ntf_wake *w) {
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(&w->sleeping, memory_order_relaxed) == 0)
    return;
  if (atomic_exchange_explicit(&w->sleeping, 0, memory_order_relaxed) == 0)
    return; /* another poster already woke it */
  atomic_fetch_add_explicit(&w->wakeups, 1, memory_order_relaxed);
  uint64_t one = 1;
  /* EAGAIN means the counter is already non-zero: the thread will wake. */
  while (write(w->fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
}

void ntf_wake_prepare(struct ntf_wake *w) {
  atomic_store_explicit(&w->sleeping, 1, memory_order_relaxed);
  atomic_thread_fence(memory_order_seq_cst);
}

void ntf_wake_cancel(struct ntf_wake *w) {
  atomic_store_explicit(&w->sleeping, 0, memory_order_relaxed);
}

void ntf_wake_done(struct ntf_wake *w) {
  uint64_t v;
  atomic_store_explicit(&w->sleeping, 0, memory_order_relaxed);
  while (read(w->fd, &v, sizeof v) < 0 && errno == EINTR)
    ;
}
