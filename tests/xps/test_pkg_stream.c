/* The forward-only reader: every corpus document read through a pipe gives
 * the same parts, byte for byte, as the seekable (libzip) reader; the
 * hand-made archives (data descriptors, ZIP64) read the same as through
 * libzip; the spill store keeps memory at its limit. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "xps/doc.h"
#include "xps/pkg.h"

#define CORPUS XR_SOURCE_DIR "/corpus"

static xps_ctx ctx;

static int setup(void **state) {
  (void)state;
  xps_ctx_init(&ctx);
  return 0;
}

/* A pipe fed by a child process with the file's bytes. */
static int pipe_from(const char *file, pid_t *pid) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  *pid = fork();
  assert_true(*pid >= 0);
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

static void reap(int fd, pid_t pid) {
  close(fd);
  waitpid(pid, NULL, 0);
}

/* Reads every part both ways, in the seekable package's order (which makes
 * the stream spill what it passes), and compares. Returns the part count. */
static size_t compare_file(const char *file) {
  xps_pkg *seek = NULL, *strm = NULL;
  xr_errinfo err;
  xr_errinfo_clear(&err);
  if (xps_pkg_open(file, &ctx, &seek, &err) != 0)
    fail_msg("%s: %s", file, err.msg);
  pid_t pid;
  int fd = pipe_from(file, &pid);
  if (xps_pkg_open_fd(fd, &ctx, &strm, &err) != 0)
    fail_msg("%s (stream): %s", file, err.msg);
  assert_true(xps_pkg_is_stream(strm));
  assert_false(xps_pkg_is_stream(seek));
  size_t n = xps_pkg_part_count(seek);
  int bad = 0;
  /* Last part first: the stream must pass, and spill, all the others. */
  for (size_t k = 0; k < n; k++) {
    const char *name = xps_pkg_part_name(seek, n - 1 - k);
    xps_part *a = NULL, *b = NULL;
    int ra = xps_pkg_read_part(seek, name, &a, &err);
    int rb = xps_pkg_read_part(strm, name, &b, &err);
    if (ra < 0 && rb == 0) {
      /* A stream cannot see a bad piece that arrives after the part was
       * complete; once it has read that far it must agree. */
      xps_part_drop(b);
      b = NULL;
      xps_pkg_drain(strm, NULL);
      rb = xps_pkg_read_part(strm, name, &b, &err);
    }
    if (ra != rb)
      fail_msg("%s %s: seekable %d, stream %d (%s)", file, name, ra, rb,
               err.msg);
    bad |= ra < 0;
    if (ra == 0) {
      assert_int_equal(a->size, b->size);
      assert_memory_equal(a->data, b->data, a->size);
      assert_string_equal(a->name, b->name);
    }
    xps_part_drop(a);
    xps_part_drop(b);
  }
  /* The stream then reads to the end and cross-checks the directory; a
   * damaged part (same error both ways, above) may stop it. */
  if (xps_pkg_drain(strm, &err) != 0 && !bad)
    fail_msg("%s: drain: %s", file, err.msg);
  if (!bad)
    assert_int_equal(xps_pkg_part_count(strm), n);
  xps_pkg_close(strm);
  xps_pkg_close(seek);
  reap(fd, pid);
  return n;
}

static int is_doc(const char *name) {
  size_t n = strlen(name);
  return (n > 4 && strcmp(name + n - 4, ".xps") == 0) ||
         (n > 5 && strcmp(name + n - 5, ".oxps") == 0);
}

/* Seekable opens that must fail are skipped: a good ZIP is the premise. */
static int opens(const char *file) {
  xps_pkg *pkg = NULL;
  int rc = xps_pkg_open(file, &ctx, &pkg, NULL);
  xps_pkg_close(pkg);
  return rc == 0;
}

static void walk(const char *dir, int depth, size_t *docs) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    struct stat st;
    if (stat(path, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode) && depth < 4)
      walk(path, depth + 1, docs);
    else if (S_ISREG(st.st_mode) && is_doc(de->d_name) && opens(path)) {
      compare_file(path);
      (*docs)++;
    }
  }
  closedir(d);
}

static void test_corpus_identical(void **state) {
  (void)state;
  size_t docs = 0;
  walk(CORPUS, 0, &docs);
  assert_true(docs >= 10);
}

static void test_handmade(void **state) {
  (void)state;
  const char *files[] = {"dd-sig.xps",    "dd-nosig.xps",
                         "zip64.xps",     "zip64-dd.xps",
                         "stored-dd.xps", "stored-dd-sizes.xps"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/pkg/%s", CORPUS, files[i]);
    assert_int_equal(compare_file(path), 5);
  }
}

static void test_stream_doc(void **state) {
  (void)state;
  pid_t pid;
  int fd = pipe_from(CORPUS "/pkg/multidoc.xps", &pid);
  xps_pkg *pkg = NULL;
  xps_doc *doc = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), 0);
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  /* The second document has not been read yet. */
  assert_int_equal(xps_doc_page_count(doc), -1);
  xps_page_ref ref;
  int n = 0;
  while (xps_doc_next_page(doc, &ref, &err) == 1) {
    xps_part *p = NULL;
    assert_int_equal(xps_pkg_read_part(pkg, ref.name, &p, &err), 0);
    xps_part_drop(p);
    n++;
  }
  assert_int_equal(n, 6);
  assert_int_equal(xps_doc_page_count(doc), 6);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  reap(fd, pid);
}

static void test_stdin_dash(void **state) {
  (void)state;
  /* "-" is standard input, read as a stream. */
  pid_t pid;
  int fd = pipe_from(CORPUS "/pkg/good.oxps", &pid);
  int saved = dup(STDIN_FILENO);
  assert_true(saved >= 0);
  assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
  xps_pkg *pkg = NULL;
  xps_doc *doc = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open("-", &ctx, &pkg, &err), 0);
  assert_true(xps_pkg_is_stream(pkg));
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  assert_string_equal(ref.name, "/Documents/1/Pages/1.fpage");
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 0);
  assert_int_equal(xps_doc_page_count(doc), 1);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
  close(saved);
  reap(fd, pid);
}

static void test_fifo_path(void **state) {
  (void)state;
  /* A named pipe given by path cannot seek: it is streamed too. */
  char fifo[512];
  snprintf(fifo, sizeof fifo, "%s/pkg-test-fifo-%d", XR_BINARY_DIR,
           (int)getpid());
  unlink(fifo);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int in = open(CORPUS "/pkg/multidoc.xps", O_RDONLY);
    int out = open(fifo, O_WRONLY);
    char buf[4096];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
      if (write(out, buf, (size_t)n) != n)
        break;
    _exit(0);
  }
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open(fifo, &ctx, &pkg, &err), 0);
  assert_true(xps_pkg_is_stream(pkg));
  assert_true(xps_pkg_has_part(pkg, "/Documents/2/Pages/3.fpage"));
  assert_int_equal(xps_pkg_drain(pkg, &err), 0);
  assert_int_equal(xps_pkg_part_count(pkg), 11);
  xps_pkg_close(pkg);
  waitpid(pid, NULL, 0);
  unlink(fifo);
}

static void test_stream_not_zip(void **state) {
  (void)state;
  pid_t pid;
  int fd = pipe_from(CORPUS "/pkg/bad/notzip.xps", &pid);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), XR_E_FORMAT);
  assert_null(pkg);
  assert_non_null(strstr(err.msg, "not a ZIP"));
  assert_int_equal(err.offset, 0);
  reap(fd, pid);
}

static void test_stream_lone_page(void **state) {
  (void)state;
  pid_t pid;
  int fd = pipe_from(CORPUS "/pkg/lone/page.fpage", &pid);
  xps_pkg *pkg = NULL;
  xps_doc *doc = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), 0);
  assert_true(xps_pkg_is_lone_page(pkg));
  assert_int_equal(xps_doc_open(pkg, &ctx, &doc, &err), 0);
  assert_int_equal(xps_doc_page_count(doc), 1);
  xps_page_ref ref;
  assert_int_equal(xps_doc_next_page(doc, &ref, &err), 1);
  xps_part *a = NULL, *b = NULL;
  assert_int_equal(xps_pkg_read_part(pkg, ref.name, &a, &err), 0);
  xps_pkg *file = NULL;
  assert_int_equal(
      xps_pkg_open(CORPUS "/pkg/lone/page.fpage", &ctx, &file, &err), 0);
  assert_int_equal(xps_pkg_read_part(file, "/page.fpage", &b, &err), 0);
  assert_int_equal(a->size, b->size);
  assert_memory_equal(a->data, b->data, a->size);
  xps_part_drop(a);
  xps_part_drop(b);
  xps_pkg_close(file);
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  reap(fd, pid);
}

static void test_has_part_soon(void **state) {
  (void)state;
  const char *rels[] = {"/Documents/1/Pages/_rels/1.fpage.rels",
                        "/Documents/1/Pages/_rels/2.fpage.rels",
                        "/Documents/1/Pages/_rels/3.fpage.rels"};
  pid_t pid;
  int fd = pipe_from(CORPUS "/pkg/pagerels.xps", &pid);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), 0);
  /* Page 1 has none: the search stops when page 2 starts to arrive. */
  assert_false(xps_pkg_has_part_soon(pkg, rels[0]));
  assert_string_equal(xps_pkg_part_name(pkg, xps_pkg_part_count(pkg) - 1),
                      "/Documents/1/Pages/2.fpage");
  /* Page 2's comes after page 2 itself, which does not end the search. */
  assert_true(xps_pkg_has_part_soon(pkg, rels[1]));
  /* Page 2 has arrived after page 1 and the document: asking about their
   * relationships again reads nothing more. */
  size_t n2 = xps_pkg_part_count(pkg);
  assert_false(xps_pkg_has_part_soon(pkg, rels[0]));
  assert_false(
      xps_pkg_has_part_soon(pkg, "/Documents/1/_rels/FixedDoc.fdoc.rels"));
  assert_int_equal(xps_pkg_part_count(pkg), n2);
  assert_false(xps_pkg_has_part_soon(pkg, rels[2]));
  /* Some parts were never read. */
  assert_true(xps_pkg_has_part(pkg, "/Documents/1/Pages/3.fpage"));
  assert_false(xps_pkg_has_part_soon(pkg, "/Resources/none.bin"));
  assert_true(xps_pkg_has_part_soon(pkg, "/Resources/r.bin"));
  xps_pkg_close(pkg);
  reap(fd, pid);
  /* A seekable package answers exactly. */
  assert_int_equal(xps_pkg_open(CORPUS "/pkg/pagerels.xps", &ctx, &pkg, &err),
                   0);
  assert_false(xps_pkg_has_part_soon(pkg, rels[0]));
  assert_true(xps_pkg_has_part_soon(pkg, rels[1]));
  xps_pkg_close(pkg);
}

static void test_spill_to_file(void **state) {
  (void)state;
  /* With a 1 KiB memory budget the parts passed go to the file. */
  xr_limits_set(&ctx.limits, XR_LIMIT_SPILL_MEMORY, 1024);
  compare_file(CORPUS "/pkg/multidoc.xps");
  pid_t pid;
  int fd = pipe_from(CORPUS "/pkg/multidoc.xps", &pid);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(fd, &ctx, &pkg, &err), 0);
  assert_int_equal(xps_pkg_drain(pkg, &err), 0);
  uint64_t mem, peak, file;
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem, &peak, &file), 0);
  assert_true(peak <= 1024);
  assert_true(file > 1024);
  xps_pkg_close(pkg);
  reap(fd, pid);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_corpus_identical, setup),
      cmocka_unit_test_setup(test_handmade, setup),
      cmocka_unit_test_setup(test_stream_doc, setup),
      cmocka_unit_test_setup(test_stdin_dash, setup),
      cmocka_unit_test_setup(test_fifo_path, setup),
      cmocka_unit_test_setup(test_stream_not_zip, setup),
      cmocka_unit_test_setup(test_stream_lone_page, setup),
      cmocka_unit_test_setup(test_has_part_soon, setup),
      cmocka_unit_test_setup(test_spill_to_file, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
