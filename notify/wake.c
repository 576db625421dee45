/* Sleep/wake handshake between posters and the notifier thread.
 *
 * This is the store-buffering (Dekker) pattern:
 *
 *   poster:   publish work (release store)   notifier: sleeping = 1 (relaxed)
 *             barrier P                                barrier N
 *             read sleeping (relaxed)                  re-check work
 *
 * With both barriers full fences, either the poster sees sleeping == 1 and
 * wakes the thread, or the notifier's re-check sees the work and does not
 * sleep; a wake-up cannot be lost.
 *
 * Posting is the hot path and sleeping the rare one, so the cost is moved
 * to the sleeper (an asymmetric fence): where the kernel offers
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), barrier N is that call,
 * which makes every running thread of the process pass a full memory
 * barrier before it returns, and barrier P is only a compiler barrier. A
 * poster's load of `sleeping` then either follows that forced barrier (and
 * sees 1), or precedes it, in which case its earlier publish was drained
 * from the store buffer by it and the re-check sees the work. Without
 * membarrier (old kernels, seccomp), both barriers are seq_cst fences.
 *
 * The relaxed peek of `sleeping` keeps the common case (thread awake) free
 * of any read-modify-write on the shared line; only then do posters race
 * on the exchange, and exactly one of them writes the eventfd.
 * sleeping: relaxed peek, then exchange(relaxed); ordering comes from the
 * barriers above. The eventfd write/read pair is a syscall and orders
 * itself. wakeups: relaxed, statistics only. */
#include "notify/wake.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xpsraster/error.h"

/* Process-wide and set once: whether the expedited private membarrier is
 * registered for this process (registration covers all its threads). */
static pthread_once_t asym_once = PTHREAD_ONCE_INIT;
static int asym_ok;

static void asym_init(void) {
  long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  asym_ok = cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
            syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
                    0, 0) == 0;
}

int ntf_wake_open(struct ntf_wake *w) {
  pthread_once(&asym_once, asym_init);
  atomic_init(&w->asym, asym_ok);
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

/* ntf_wake_signal (wake.h) has passed barrier P and seen sleeping set. */
void ntf_wake_slow(struct ntf_wake *w) {
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
  /* Barrier N. It cannot fail once registered; if it ever did, posters
   * would be unfenced, so fall back to fences for good (the loss of one
   * wake-up is then bounded by the next post). */
  if (atomic_load_explicit(&w->asym, memory_order_relaxed) &&
      syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
    atomic_store_explicit(&w->asym, 0, memory_order_relaxed);
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
