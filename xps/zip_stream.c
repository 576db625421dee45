/* Forward-only ZIP reader (placeholder until the streaming reader lands). */
#include <unistd.h>

#include "xps/pkg_imp.h"

int xps_zip_open_stream(int fd, int own_fd, const char *label,
                        const xps_ctx *ctx, xps_pkg **out, xr_errinfo *err) {
  (void)ctx;
  *out = NULL;
  if (own_fd)
    close(fd);
  return xr_errinfo_set(err, XR_E_UNSUPPORTED, label, -1, -1,
                        "streamed input is not supported yet");
}
