/* Helpers shared by the package tests. */
#include "support_pkg.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int pkgt_pipe_from(const char *file, pid_t *pid) {
  int p[2];
  if (pipe(p) != 0)
    return -1;
  *pid = fork();
  if (*pid < 0)
    return -1;
  if (*pid == 0) {
    close(p[0]);
    int fd = open(file, O_RDONLY);
    char buf[4096];
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
      if (write(p[1], buf, (size_t)n) != n)
        break;
    _exit(0);
  }
  close(p[1]);
  return p[0];
}

void pkgt_reap(int fd, pid_t pid) {
  if (fd >= 0)
    close(fd);
  if (pid > 0)
    waitpid(pid, NULL, 0);
}

int pkgt_read_all(const char *file, int stream, const xps_ctx *ctx,
                  xr_errinfo *err) {
  xps_pkg *pkg = NULL;
  pid_t pid = -1;
  int fd = -1, rc;
  xr_errinfo_clear(err);
  if (stream) {
    fd = pkgt_pipe_from(file, &pid);
    rc = xps_pkg_open_fd(fd, ctx, &pkg, err);
  } else {
    rc = xps_pkg_open(file, ctx, &pkg, err);
  }
  if (rc == 0)
    rc = xps_pkg_drain(pkg, err);
  for (size_t i = 0; rc == 0 && i < xps_pkg_part_count(pkg); i++) {
    xps_part *p = NULL;
    rc = xps_pkg_read_part(pkg, xps_pkg_part_name(pkg, i), &p, err);
    xps_part_drop(p);
  }
  xps_pkg_close(pkg);
  pkgt_reap(fd, pid);
  return rc;
}
