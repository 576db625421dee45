/* CUPS sink: the filter(7) stderr protocol.
 *
 * CUPS turns every changed INFO:/ATTR: line into an IPP event for every
 * subscriber, so progress is reduced here: INFO only when the page changes,
 * ATTR job-media-progress only when it moved by min_pct and min_ms passed
 * since the last one (100 % always goes out). Lines are built in one buffer
 * and written with one write(), so lines from one process never interleave
 * mid-line and no stdio buffer is involved. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify/sink.h"

#define LINE_MAX_BYTES 4095 /* filter(7): longer lines are cut by cupsd */

struct cups_sink {
  struct ntf_sink base;
  int fd;
  int broken; /* the fd failed: stop writing rather than retry forever */
  int min_pct, min_ms;
  int page, pages; /* last INFO sent; page 0: none */
  int pct;         /* last ATTR sent; -1: none */
  int pending;     /* ATTR held back by the throttle; -1: none */
  int64_t pct_ms;  /* when the last ATTR went out */
};

static void write_all(struct cups_sink *c, const char *buf, size_t len) {
  while (len > 0 && !c->broken) {
    ssize_t w = write(c->fd, buf, len);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      c->broken = 1;
      return;
    }
    buf += w;
    len -= (size_t)w;
  }
}

/* Appends text to line at *len, control characters as spaces, leaving room
 * for the newline; a cut never splits a UTF-8 sequence. */
static void append_text(char *line, size_t *len, const char *text) {
  size_t n = *len;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (n >= LINE_MAX_BYTES - 1) {
      while (n > 0 && ((unsigned char)line[n - 1] & 0xC0) == 0x80)
        n--; /* drop continuation bytes of a cut character */
      if (n > 0 && ((unsigned char)line[n - 1] & 0xC0) == 0xC0)
        n--; /* and its lead byte */
      break;
    }
    line[n++] = (*p < 0x20 || *p == 0x7F) ? ' ' : (char)*p;
  }
  *len = n;
}

static void emit(struct cups_sink *c, const char *prefix, const char *text) {
  char line[LINE_MAX_BYTES + 1];
  size_t len = 0;
  append_text(line, &len, prefix);
  append_text(line, &len, text);
  line[len++] = '\n';
  write_all(c, line, len);
}

static void emit_pct(struct cups_sink *c, int pct, int64_t now) {
  char num[16];
  snprintf(num, sizeof num, "%d", pct);
  emit(c, "ATTR: job-media-progress=", num);
  c->pct = pct;
  c->pct_ms = now;
  c->pending = -1;
}

static void progress(struct cups_sink *c, const xr_event *ev, int64_t now) {
  if (ev->page > 0 && (ev->page != c->page || ev->pages != c->pages)) {
    char msg[64];
    if (ev->pages > 0)
      snprintf(msg, sizeof msg, "Rendering page %d of %d", ev->page, ev->pages);
    else
      snprintf(msg, sizeof msg, "Rendering page %d", ev->page);
    emit(c, "INFO: ", msg);
    c->page = ev->page;
    c->pages = ev->pages;
  }
  int pct = (int)(ev->fraction * 100.0);
  if (pct < 0 || pct > 100 || pct <= c->pct)
    return; /* progress never goes back for CUPS */
  if (pct == 100 || c->pct < 0 ||
      (pct - c->pct >= c->min_pct && now - c->pct_ms >= c->min_ms))
    emit_pct(c, pct, now);
  else
    c->pending = pct;
}

static void cups_event(struct ntf_sink *s, const xr_event *ev, int64_t now) {
  struct cups_sink *c = (struct cups_sink *)s;
  char num[48];
  switch (ev->kind) {
  case XR_EVENT_PROGRESS:
    progress(c, ev, now);
    break;
  case XR_EVENT_PAGE:
    snprintf(num, sizeof num, "%d %d", ev->page, ev->copies);
    emit(c, "PAGE: ", num);
    break;
  case XR_EVENT_MESSAGE:
    emit(c,
         ev->level == XR_LEVEL_ERROR     ? "ERROR: "
         : ev->level == XR_LEVEL_WARNING ? "WARNING: "
                                         : "INFO: ",
         ev->text);
    break;
  case XR_EVENT_STATE:
    emit(c, "STATE: ", ev->text);
    break;
  default:
    break;
  }
}

static int64_t cups_deadline(struct ntf_sink *s) {
  struct cups_sink *c = (struct cups_sink *)s;
  if (c->pending < 0 || c->pending - c->pct < c->min_pct)
    return -1; /* below the step: waits for a bigger change or the end */
  return c->pct_ms + c->min_ms;
}

static void cups_tick(struct ntf_sink *s, int64_t now, int final) {
  struct cups_sink *c = (struct cups_sink *)s;
  if (c->pending < 0)
    return;
  if (final ||
      (c->pending - c->pct >= c->min_pct && now - c->pct_ms >= c->min_ms))
    emit_pct(c, c->pending, now);
}

static void cups_drop(struct ntf_sink *s) {
  free(s);
}

static const struct ntf_sink_ops cups_ops = {.name = "cups",
                                             .event = cups_event,
                                             .deadline = cups_deadline,
                                             .tick = cups_tick,
                                             .drop = cups_drop};

int ntf_sink_cups_new(int fd, int min_pct, int min_ms, struct ntf_sink **out) {
  struct cups_sink *c;
  *out = NULL;
  if (fd < 0)
    return XR_E_INVAL;
  c = calloc(1, sizeof *c);
  if (!c)
    return XR_E_NOMEM;
  c->base.ops = &cups_ops;
  c->fd = fd;
  c->min_pct = min_pct > 0 ? min_pct : 1;
  c->min_ms = min_ms > 0 ? min_ms : 250;
  c->pct = -1;
  c->pending = -1;
  *out = &c->base;
  return XR_OK;
}
