/* Replays every regression input through the fuzz harness that found it,
 * under the normal ASan/UBSan test build.
 *
 * tests/regress/<name>/ holds inputs for tests/fuzz/fuzz_<name>.c (files
 * ending in .txt or .md are notes). CMake compiles each harness once more
 * with its LLVMFuzzerTestOneInput renamed xr_fuzz_one_<name> and lists
 * them in xr_fuzz_harnesses.h, so the test runs exactly the harness body.
 * The seed corpus of each harness (tests/fuzz/seeds/<name>/) is replayed
 * too: the harnesses are then known to build and run outside the fuzz
 * build, and a seed that starts to crash fails here first.
 *
 * A crash or sanitizer report fails the test by ending the process;
 * besides that each input must finish within the fuzzers' per-input
 * timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#define XR_HARNESS(name)                                                       \
  int xr_fuzz_one_##name(const uint8_t *data, size_t size);
#include "xr_fuzz_harnesses.h"
#undef XR_HARNESS

typedef struct harness {
  const char *name;
  int (*one)(const uint8_t *, size_t);
} harness;

static const harness harnesses[] = {
#define XR_HARNESS(name) {#name, xr_fuzz_one_##name},
#include "xr_fuzz_harnesses.h"
#undef XR_HARNESS
};
#define NHARNESSES (sizeof harnesses / sizeof harnesses[0])

/* The fuzzers' -timeout: one input taking longer is a finding there. */
#define INPUT_SECONDS 10.0

/* CPU time of the process: a loaded machine must not fail the test. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_note(const char *name) {
  size_t n = strlen(name);
  return name[0] == '.' || (n > 4 && (!strcmp(name + n - 4, ".txt") ||
                                      !strcmp(name + n - 3, ".md")));
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every input file in dir through h; returns how many ran (0 when
 * the directory does not exist). */
static int replay_dir(const harness *h, const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (is_note(de->d_name))
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = realloc(names, cap * sizeof *names);
      assert_non_null(names);
    }
    names[n] = strdup(de->d_name);
    assert_non_null(names[n]);
    n++;
  }
  closedir(d);
  /* Sorted, so a failure is reproducible in the same order. */
  if (n)
    qsort(names, n, sizeof *names, by_name);
  int ran = 0;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    assert_non_null(buf);
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    assert_int_equal(got, (size_t)st.st_size);
    /* Printed first, so a crash names its input. */
    fprintf(stderr, "  %s: %s\n", h->name, path);
    double t0 = now();
    h->one(buf, got);
    double dt = now() - t0;
    free(buf);
    if (dt > INPUT_SECONDS)
      fail_msg("%s took %.1f s of CPU (limit %.0f s)", path, dt, INPUT_SECONDS);
    ran++;
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return ran;
}

static void replay(void **state) {
  const harness *h = *state;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/tests/regress/%s", XR_SOURCE_DIR, h->name);
  int regress = replay_dir(h, dir);
  snprintf(dir, sizeof dir, "%s/tests/fuzz/seeds/%s", XR_SOURCE_DIR, h->name);
  int seeds = replay_dir(h, dir);
  /* libFuzzer always tries the empty input; so does this. */
  static const uint8_t none[1] = {0};
  h->one(none, 0);
  print_message("%s: %d regression inputs, %d seeds\n", h->name, regress,
                seeds);
  if (!seeds)
    print_message("%s: no seeds in tests/fuzz/seeds/%s/ (make_seeds.py)\n",
                  h->name, h->name);
}

/* A directory under tests/regress/ that names no harness would never be
 * replayed: refuse it. */
static void dirs_match_harnesses(void **state) {
  (void)state;
  char root[4096];
  snprintf(root, sizeof root, "%s/tests/regress", XR_SOURCE_DIR);
  DIR *d = opendir(root);
  assert_non_null(d);
  struct dirent *de;
  while ((de = readdir(d))) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", root, de->d_name);
    if (de->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
      continue;
    int known = 0;
    for (size_t i = 0; i < NHARNESSES; i++)
      known |= !strcmp(harnesses[i].name, de->d_name);
    if (!known)
      fail_msg("tests/regress/%s: no harness tests/fuzz/fuzz_%s.c", de->d_name,
               de->d_name);
  }
  closedir(d);
}

int main(void) {
  struct CMUnitTest tests[NHARNESSES + 1];
  tests[0] = (struct CMUnitTest)cmocka_unit_test(dirs_match_harnesses);
  for (size_t i = 0; i < NHARNESSES; i++) {
    struct CMUnitTest t =
        cmocka_unit_test_prestate(replay, (void *)&harnesses[i]);
    t.name = harnesses[i].name;
    tests[i + 1] = t;
  }
  return cmocka_run_group_tests_name("regress", tests, NULL, NULL);
}
