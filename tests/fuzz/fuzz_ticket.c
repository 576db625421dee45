/* libFuzzer harness: PrintTicket and DiscardControl parsing, then the
 * merge, must not crash, leak or hang on any input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xps/ticket.h"

static void quiet(void *ud, const xr_errinfo *w) {
  (void)ud;
  (void)w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  ctx.warn = quiet;
  /* Keep runs short: a lower nesting and element budget. */
  xr_limits_set(&ctx.limits, XR_LIMIT_XML_DEPTH, 64);
  xr_limits_set(&ctx.limits, XR_LIMIT_ELEMENTS_PER_PAGE, 20000);
  xps_ticket t, acc;
  xr_errinfo err;
  xps_ticket_init(&acc);
  if (xps_ticket_parse(data, size, "/fuzz/PT.xml", &ctx, &t, &err) == 0) {
    /* Invariants the rest of the filter relies on. */
    if ((t.set & XPS_TK_RESOLUTION) && (t.res_x < 1 || t.res_y < 1))
      __builtin_trap();
    if ((t.set & XPS_TK_JOB_COPIES) && t.job_copies < 1)
      __builtin_trap();
    if ((t.set & XPS_TK_MEDIA) && !(t.media_w_in > 0 && t.media_h_in > 0))
      __builtin_trap();
    for (int level = XPS_TICKET_JOB; level <= XPS_TICKET_PAGE; level++)
      xps_ticket_merge(&acc, &t, level);
  }
  xps_part part = {(char *)"/fuzz/dc.xml", (unsigned char *)data, size};
  xps_discard_list l;
  if (xps_discard_parse(&part, &ctx, &l, &err) == 0)
    xps_discard_list_free(&l);
  return 0;
}
