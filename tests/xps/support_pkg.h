#ifndef TESTS_XPS_SUPPORT_PKG_H
#define TESTS_XPS_SUPPORT_PKG_H

#include <sys/types.h>

#include "xps/pkg.h"

/* A pipe that a child process fills with file's bytes. */
int pkgt_pipe_from(const char *file, pid_t *pid);
void pkgt_reap(int fd, pid_t pid);

/* Opens file (seekable, or piped when stream), reads the archive to its
 * end and then every part. Returns the first error (details in err). */
int pkgt_read_all(const char *file, int stream, const xps_ctx *ctx,
                  xr_errinfo *err);

#endif
