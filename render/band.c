/* Band scheduler over a pool of pthreads (see band.h). */
#include "render/band.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/edges.h"
#include "xpsraster/error.h"

int ras_band_threads(int threads) {
  if (threads <= 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? (int)n : 1;
  }
  return threads > RAS_BAND_MAX_THREADS ? RAS_BAND_MAX_THREADS : threads;
}

int ras_band_default_height(const ras_dl *dl, int format) {
  size_t stride = ras_dl_stride(dl, format);
  /* CMYK8 and MONO1 render through an RGB or gray working band first. */
  int w, h;
  ras_dl_size(dl, &w, &h);
  if (format == RAS_CMYK8)
    stride += (size_t)w * 3;
  else if (format == RAS_MONO1)
    stride += (size_t)w;
  if (!stride)
    return RAS_BLOCK_ROWS;
  size_t rows = RAS_BAND_TARGET_BYTES / stride;
  rows = rows / RAS_BLOCK_ROWS * RAS_BLOCK_ROWS;
  if (rows < RAS_BLOCK_ROWS)
    rows = RAS_BLOCK_ROWS;
  if (rows > 1024)
    rows = 1024;
  return (int)rows;
}

enum { B_TODO, B_BUSY, B_DONE };

typedef struct pool {
  const ras_dl *dl;
  int format, bh, w, h, nbands, nslots;
  size_t stride, slot_bytes;
  uint8_t *bufs;
  pthread_mutex_t mu;
  pthread_cond_t cv_work; /* workers: a band may start */
  pthread_cond_t cv_done; /* deliverer: a band finished */
  int next;               /* next band to hand out */
  int delivered;          /* bands delivered so far */
  int stop;               /* error or deliver refusal: everyone leaves */
  int rc;
  uint8_t *state; /* per band: B_TODO, B_BUSY, B_DONE */
} pool;

static int band_rows(const pool *p, int i) {
  int y = i * p->bh;
  return p->h - y < p->bh ? p->h - y : p->bh;
}

static uint8_t *slot(pool *p, int i) {
  return p->bufs + (size_t)(i % p->nslots) * p->slot_bytes;
}

static void *worker(void *arg) {
  pool *p = arg;
  ras_render_ctx *ctx = NULL;
  int rc = ras_render_ctx_new(&ctx);
  pthread_mutex_lock(&p->mu);
  if (rc && !p->stop) {
    p->stop = 1;
    p->rc = rc;
    pthread_cond_broadcast(&p->cv_done);
  }
  for (;;) {
    /* A band may start once its slot's previous band was delivered. */
    while (!p->stop && p->next < p->nbands &&
           p->next >= p->delivered + p->nslots)
      pthread_cond_wait(&p->cv_work, &p->mu);
    if (p->stop || p->next >= p->nbands)
      break;
    int i = p->next++;
    p->state[i] = B_BUSY;
    pthread_mutex_unlock(&p->mu);
    rc = ras_dl_render_band_ctx(p->dl, ctx, p->format, i * p->bh,
                                band_rows(p, i), slot(p, i), p->stride);
    pthread_mutex_lock(&p->mu);
    p->state[i] = B_DONE;
    if (rc && !p->stop) {
      p->stop = 1;
      p->rc = rc;
    }
    pthread_cond_broadcast(&p->cv_done);
  }
  pthread_mutex_unlock(&p->mu);
  ras_render_ctx_drop(ctx);
  return NULL;
}

static int run_inline(pool *p, ras_band_deliver_fn deliver, void *ud) {
  ras_render_ctx *ctx;
  int rc = ras_render_ctx_new(&ctx);
  for (int i = 0; i < p->nbands && !rc; i++) {
    rc = ras_dl_render_band_ctx(p->dl, ctx, p->format, i * p->bh,
                                band_rows(p, i), p->bufs, p->stride);
    if (!rc) {
      int d = deliver(ud, i * p->bh, band_rows(p, i), p->bufs, p->stride);
      if (d < 0)
        rc = d;
    }
  }
  ras_render_ctx_drop(ctx);
  return rc;
}

int ras_band_run(const ras_dl *dl, int format, int band_height, int threads,
                 ras_band_deliver_fn deliver, void *ud) {
  pool p;
  memset(&p, 0, sizeof p);
  p.dl = dl;
  p.format = format;
  ras_dl_size(dl, &p.w, &p.h);
  p.stride = ras_dl_stride(dl, format);
  if (!p.stride || p.h <= 0 || !deliver)
    return XR_E_INVAL;
  p.bh = band_height > 0 ? band_height : ras_band_default_height(dl, format);
  if (p.bh > p.h)
    p.bh = p.h;
  p.nbands = (p.h + p.bh - 1) / p.bh;
  int nt = ras_band_threads(threads);
  if (nt > p.nbands)
    nt = p.nbands;
  p.nslots = nt == 1 ? 1 : nt * RAS_BAND_SLOTS_PER_THREAD;
  if (p.nslots > p.nbands)
    p.nslots = p.nbands;
  if ((size_t)p.bh > SIZE_MAX / p.stride / (size_t)p.nslots)
    return XR_E_NOMEM;
  p.slot_bytes = p.stride * (size_t)p.bh;
  p.bufs = malloc(p.slot_bytes * (size_t)p.nslots);
  if (!p.bufs)
    return XR_E_NOMEM;
  if (nt == 1) {
    int rc = run_inline(&p, deliver, ud);
    free(p.bufs);
    return rc;
  }
  int rc = XR_E_NOMEM;
  p.state = calloc((size_t)p.nbands, 1);
  if (!p.state)
    goto fail_state;
  if (pthread_mutex_init(&p.mu, NULL))
    goto fail_mu;
  if (pthread_cond_init(&p.cv_work, NULL))
    goto fail_cv_work;
  if (pthread_cond_init(&p.cv_done, NULL))
    goto fail_cv_done;
  pthread_t tid[RAS_BAND_MAX_THREADS];
  int started = 0;
  for (; started < nt; started++)
    if (pthread_create(&tid[started], NULL, worker, &p))
      break;
  if (started == 0) {
    /* No thread could start: render here instead. */
    rc = run_inline(&p, deliver, ud);
    goto fail_threads;
  }
  pthread_mutex_lock(&p.mu);
  while (!p.stop && p.delivered < p.nbands) {
    int i = p.delivered;
    if (p.state[i] != B_DONE) {
      pthread_cond_wait(&p.cv_done, &p.mu);
      continue;
    }
    pthread_mutex_unlock(&p.mu);
    /* Deliver outside the lock: workers keep rendering other slots. */
    int d = deliver(ud, i * p.bh, band_rows(&p, i), slot(&p, i), p.stride);
    pthread_mutex_lock(&p.mu);
    if (d < 0 && !p.stop) {
      p.stop = 1;
      p.rc = d;
    }
    p.delivered++;
    pthread_cond_broadcast(&p.cv_work);
  }
  p.stop = 1;
  pthread_cond_broadcast(&p.cv_work);
  pthread_mutex_unlock(&p.mu);
  for (int t = 0; t < started; t++)
    pthread_join(tid[t], NULL);
  rc = p.rc;
fail_threads:
  pthread_cond_destroy(&p.cv_done);
fail_cv_done:
  pthread_cond_destroy(&p.cv_work);
fail_cv_work:
  pthread_mutex_destroy(&p.mu);
fail_mu:
  free(p.state);
fail_state:
  free(p.bufs);
  return rc;
}
