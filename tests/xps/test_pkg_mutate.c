/* A deterministic, bounded stand-in for the fuzzers that runs in every
 * test pass: each package in corpus/pkg, truncated at many points and with
 * bytes changed at many places, goes through both readers and the document
 * layer. Under the sanitizers this must never crash, leak or hang; the
 * unmodified files must still open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "fuzz/fuzz_pkg_common.h"

static int run_one(const uint8_t *data, size_t size, int stream) {
  char path[64];
  xps_ctx ctx;
  fuzz_limits(&ctx);
  xr_limits_set(&ctx.limits, XR_LIMIT_SPILL_MEMORY, 4096);
  int fd = fuzz_file(data, size, path, sizeof path);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  int rc = stream ? xps_pkg_open_fd(fd, &ctx, &pkg, &err)
                  : xps_pkg_open(path, &ctx, &pkg, &err);
  if (rc == 0) {
    fuzz_walk(pkg, &ctx);
    xps_pkg_close(pkg);
  }
  return rc;
}

static uint8_t *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)n + 1);
  assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *size = (size_t)n;
  return b;
}

static void mutate_dir(const char *dir, size_t *files_out, size_t *runs_out) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *de;
  size_t files = 0, runs = 0;
  uint32_t rng = 12345;
  while ((de = readdir(d)) != NULL) {
    size_t nl = strlen(de->d_name);
    if (nl < 5 || (strcmp(de->d_name + nl - 4, ".xps") != 0 &&
                   strcmp(de->d_name + nl - 5, ".oxps") != 0))
      continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    size_t size;
    uint8_t *orig = slurp(path, &size);
    if (strncmp(de->d_name, "good", 4) == 0) {
      assert_int_equal(run_one(orig, size, 0), 0);
      assert_int_equal(run_one(orig, size, 1), 0);
    }
    uint8_t *buf = malloc(size + 1);
    for (int k = 0; k < 48; k++) {
      /* Truncations spread over the file, then single-byte changes. */
      size_t cut = size * (size_t)k / 48;
      runs += 2;
      run_one(orig, cut, 0);
      run_one(orig, cut, 1);
      memcpy(buf, orig, size);
      for (int j = 0; j < 1 + k % 3; j++) {
        rng = rng * 1103515245u + 12345u;
        size_t at = (rng >> 8) % size;
        rng = rng * 1103515245u + 12345u;
        buf[at] ^= (uint8_t)(1u << ((rng >> 16) % 8));
      }
      runs += 2;
      run_one(buf, size, 0);
      run_one(buf, size, 1);
    }
    free(buf);
    free(orig);
    files++;
  }
  closedir(d);
  *files_out += files;
  *runs_out += runs;
}

static void test_mutations(void **state) {
  (void)state;
  size_t files = 0, runs = 0;
  mutate_dir(XR_SOURCE_DIR "/corpus/pkg", &files, &runs);
  mutate_dir(XR_SOURCE_DIR "/corpus/pkg/quirks", &files, &runs);
  mutate_dir(XR_SOURCE_DIR "/corpus/pkg/bad", &files, &runs);
  assert_true(files >= 30);
  print_message("%zu files, %zu runs\n", files, runs);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mutations)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
