/* The hostile-input set (issue 11): documents built to hurt a renderer.
 * Each must end in a clear error or in bounded degradation with a warning,
 * either way naming the part at fault, within 2 s of CPU time and 256 MiB
 * of memory growth, with no sanitizer report and no leak.
 *
 * Every input is generated at run time in a temporary directory (a small
 * ZIP writer, support_zip.c), never checked in. Each case runs in a forked
 * child, so one case's memory peak, crash or leak cannot hide behind
 * another's: the child measures its own CPU time and peak RSS (VmHWM
 * against VmRSS at its start) and exits through exit(), so LeakSanitizer
 * checks it; the parent asserts on what the child reports and how it
 * ended.
 *
 * The child runs a job the way filter/document.c does (package, document,
 * each page to a display list, bands), through the internal API so the
 * warnings can be read; the 10 000-page case uses the public API. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <zlib.h>

#include "render/cms.h"
#include "render/dl.h"
#include "render/glyph_cache.h"
#include "support_zip.h"
#include "xps/doc.h"
#include "xps/font.h"
#include "xps/image.h"
#include "xps/page.h"
#include "xpsraster/render.h"

/* ASan keeps freed blocks in a quarantine (256 MiB by default), which would
 * count as resident memory here: keep it small, so RSS is the job's. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "quarantine_size_mb=16";
}

/* 2 s of CPU per case. The test build is -O0 with ASan and UBSan, which
 * costs about 2x to 5x: there the bound is doubled. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CPU_LIMIT 4.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CPU_LIMIT 4.0
#endif
#endif
#ifndef CPU_LIMIT
#define CPU_LIMIT 2.0
#endif
#define RSS_LIMIT_KIB (256L * 1024)
#define WALL_LIMIT 60 /* a hung child is killed: a finding */

#define NS "http://schemas.microsoft.com/xps/2005/06"
#define PAGE "/Documents/1/Pages/1.fpage"

static char tmpdir[256];

/* ---- What a case reports ------------------------------------------------ */

typedef struct outcome {
  int rc;       /* the job's first error, 0 when every page rendered */
  int pages;    /* pages rendered */
  int warnings; /* warnings reported */
  char error[1024];
  char msgs[6144]; /* every message, one per line, truncated */
  double cpu, wall;
  long grow_kib; /* peak RSS growth during the job */
  long flat_kib; /* 10 000 pages: growth from page 1000 to the end */
} outcome;

static void note(outcome *o, const char *line) {
  size_t n = strlen(o->msgs);
  if (n + 2 < sizeof o->msgs)
    snprintf(o->msgs + n, sizeof o->msgs - n, "%s\n", line);
}

static long status_kib(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t kl = strlen(key);
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, key, kl))
      v = strtol(line + kl, NULL, 10);
  if (f)
    fclose(f);
  return v;
}

/* ---- The job, as the filter glue runs it --------------------------------- */

typedef struct job_opts {
  const char *path;
  int stream;        /* read through a pipe-like fd (forward only) */
  double dpi;        /* 0: 24 */
  xr_limits *limits; /* NULL: defaults */
} job_opts;

static void on_warn(void *ud, const xr_errinfo *w) {
  outcome *o = ud;
  char line[1024];
  o->warnings++;
  note(o, xr_errinfo_format(w, line, sizeof line));
}

static void job_error(outcome *o, int rc, const xr_errinfo *err) {
  char line[1024];
  o->rc = rc;
  xr_errinfo_format(err, line, sizeof line);
  snprintf(o->error, sizeof o->error, "%s", line);
  note(o, line);
}

static void run_job(const job_opts *jo, outcome *o) {
  xps_ctx ctx;
  xps_ctx_init(&ctx);
  if (jo->limits)
    ctx.limits = *jo->limits;
  ctx.warn = on_warn;
  ctx.warn_ud = o;
  ras_glyph_cache *gc = NULL;
  xps_pkg *pkg = NULL;
  xps_doc *doc = NULL;
  xr_errinfo err;
  int rc, fd = -1;
  if (xps_fonts_new(NULL, &ctx.fonts) || ras_glyph_cache_new(0, &gc) ||
      ras_cms_new(&ctx.cms) || xps_images_new(&ctx.images)) {
    o->rc = XR_E_NOMEM;
    goto done;
  }
  if (jo->stream) {
    fd = open(jo->path, O_RDONLY);
    rc = xps_pkg_open_fd(fd, &ctx, &pkg, &err);
  } else {
    rc = xps_pkg_open(jo->path, &ctx, &pkg, &err);
  }
  if (rc < 0) {
    job_error(o, rc, &err);
    goto done;
  }
  if ((rc = xps_doc_open(pkg, &ctx, &doc, &err)) < 0) {
    job_error(o, rc, &err);
    goto done;
  }
  xps_page_ref ref;
  while ((rc = xps_doc_next_page(doc, &ref, &err)) == 1) {
    ras_dl *dl = NULL;
    if ((rc = ras_dl_new(jo->dpi > 0 ? jo->dpi : 24, &ctx.limits, &dl)) < 0) {
      xr_errinfo_set(&err, rc, ref.name, -1, -1, "no display list");
      break;
    }
    ras_dl_set_glyph_cache(dl, gc);
    rc = xps_page_run(pkg, ref.name, &ctx, &ras_dl_device, dl, &err);
    int w = 0, h = 0;
    if (rc >= 0) {
      ras_dl_size(dl, &w, &h);
      size_t stride = ras_dl_stride(dl, RAS_RGB8);
      uint8_t *buf = malloc(stride * 64 + 1);
      for (int y = 0; buf && rc >= 0 && y < h; y += 64)
        rc = ras_dl_render_band(dl, RAS_RGB8, y, h - y < 64 ? h - y : 64, buf,
                                stride);
      free(buf);
      if (rc < 0)
        xr_errinfo_set(&err, rc, ref.name, -1, -1, "band failed");
    }
    ras_dl_drop(dl);
    if (rc < 0)
      break;
    o->pages++;
  }
  if (rc < 0)
    job_error(o, rc, &err);
  else if (jo->stream && (rc = xps_pkg_drain(pkg, &err)) < 0)
    job_error(o, rc, &err);
done:
  xps_doc_close(doc);
  xps_pkg_close(pkg);
  if (fd >= 0)
    close(fd);
  xps_images_drop(ctx.images);
  ras_cms_drop(ctx.cms);
  ras_glyph_cache_drop(gc);
  xps_fonts_drop(ctx.fonts);
}

/* ---- Running a case in a child ------------------------------------------ */

typedef void (*case_fn)(const void *arg, outcome *o);

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The error, or else the first warning, for the log. */
static const char *first_line(const outcome *o) {
  static char line[1024];
  const char *s = o->error[0] ? o->error : o->msgs;
  snprintf(line, sizeof line, "%.*s", (int)strcspn(s, "\n"), s);
  return line;
}

static outcome run_case(const char *label, case_fn fn, const void *arg) {
  outcome o;
  memset(&o, 0, sizeof o);
  int p[2];
  assert_int_equal(pipe(p), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(p[0]);
    alarm(WALL_LIMIT);
    long rss0 = status_kib("VmRSS:");
    double c0 = cpu_seconds(), w0 = wall_seconds();
    fn(arg, &o);
    o.cpu = cpu_seconds() - c0;
    o.wall = wall_seconds() - w0;
    o.grow_kib = status_kib("VmHWM:") - rss0;
    ssize_t n = write(p[1], &o, sizeof o);
    close(p[1]);
    exit(n == (ssize_t)sizeof o ? 0 : 3); /* exit(): LeakSanitizer runs */
  }
  close(p[1]);
  size_t got = 0;
  while (got < sizeof o) {
    ssize_t n = read(p[0], (char *)&o + got, sizeof o - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  close(p[0]);
  int status = 0;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
    ;
  print_message("%-28s rc=%-3d pages=%-5d warnings=%-4d cpu=%.2fs wall=%.2fs "
                "grow=%ld KiB maxrss=%ld KiB\n  %s\n",
                label, o.rc, o.pages, o.warnings, o.cpu, o.wall, o.grow_kib,
                ru.ru_maxrss, first_line(&o));
  if (WIFSIGNALED(status))
    fail_msg("%s: killed by signal %d%s", label, WTERMSIG(status),
             WTERMSIG(status) == SIGALRM ? " (hung)" : "");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail_msg("%s: child exited with %d (sanitizer or leak report above)", label,
             WEXITSTATUS(status));
  assert_int_equal(got, sizeof o);
  if (o.cpu > CPU_LIMIT)
    fail_msg("%s: %.2f s of CPU (limit %.1f s)", label, o.cpu, CPU_LIMIT);
  if (o.grow_kib > RSS_LIMIT_KIB)
    fail_msg("%s: memory grew by %ld KiB (limit %ld KiB)", label, o.grow_kib,
             RSS_LIMIT_KIB);
  return o;
}

/* A clear outcome: an error, or a warning, that names the part at fault. */
static void expect_named(const char *label, const outcome *o,
                         const char *part) {
  /* Both readers name parts as part names ("/Documents/1/..."). */
  if (o->rc < 0) {
    if (!strstr(o->error, part))
      fail_msg("%s: the error does not name %s: %s", label, part, o->error);
    return;
  }
  if (o->warnings == 0)
    fail_msg("%s: rendered %d pages without a warning", label, o->pages);
  if (!strstr(o->msgs, part))
    fail_msg("%s: no warning names %s:\n%s", label, part, o->msgs);
}

/* Degradation must come with a warning. */
static void expect_warned(const char *label, const outcome *o) {
  if (o->rc == 0 && o->warnings == 0)
    fail_msg("%s: degraded without a warning", label);
}

/* ---- Package builders ---------------------------------------------------- */

static char *tmp_path(const char *name) {
  static char buf[8][512];
  static int k;
  char *p = buf[k++ % 8];
  snprintf(p, 512, "%s/%s", tmpdir, name);
  return p;
}

static const char *page_open(double w, double h) {
  static char buf[256];
  snprintf(buf, sizeof buf,
           "<FixedPage xmlns=\"" NS "\" xmlns:x=\"" NS
           "/resourcedictionary-key\" Width=\"%g\" Height=\"%g\" "
           "xml:lang=\"en-US\">",
           w, h);
  return buf;
}

/* Extra parts beside the page. */
typedef struct xpart {
  const char *name;
  const void *data;
  size_t len;
} xpart;

/* A one-page package holding page markup and extra parts. */
static const char *make_pkg(const char *file, const char *page, size_t len,
                            const xpart *extra, int nextra) {
  const char *path = tmp_path(file);
  tzip z;
  assert_int_equal(tzip_open(&z, path), 0);
  assert_int_equal(tzip_add_scaffold(&z, 1), 0);
  assert_true(tzip_add(&z, PAGE + 1, page, len, 1) >= 0);
  for (int i = 0; i < nextra; i++)
    assert_true(tzip_add(&z, extra[i].name, extra[i].data, extra[i].len, 1) >=
                0);
  assert_int_equal(tzip_close(&z), 0);
  return path;
}

static const char *make_page_pkg(const char *file, const char *body) {
  tbuf b = {0};
  tbuf_add(&b, page_open(96, 96));
  tbuf_add(&b, body);
  tbuf_add(&b, "</FixedPage>");
  const char *path = make_pkg(file, b.p, b.n, NULL, 0);
  tbuf_free(&b);
  return path;
}

static void job_case(const void *arg, outcome *o) {
  run_job(arg, o);
}

/* Runs path seekable and streamed; both must be clear about part. */
static void both_ways(const char *label, const char *path, const char *part) {
  char l[128];
  job_opts jo = {path, 0, 0, NULL};
  snprintf(l, sizeof l, "%s (zip)", label);
  outcome o = run_case(l, job_case, &jo);
  expect_named(l, &o, part);
  jo.stream = 1;
  snprintf(l, sizeof l, "%s (stream)", label);
  o = run_case(l, job_case, &jo);
  expect_named(l, &o, part);
}

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *p = malloc((size_t)n + 1);
  assert_non_null(p);
  assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return p;
}

/* ---- Zip bomb ------------------------------------------------------------ */

/* Raw deflate of prefix, then `chunks` MiB of spaces, then suffix, made by
 * repeating one full-flushed block (a full flush resets the window, so the
 * copies are independent): about 1 KiB per MiB. */
static unsigned char *bomb_stream(const char *prefix, const char *suffix,
                                  int chunks, size_t *clen, uint64_t *usize,
                                  uint32_t *crc) {
  enum { MIB = 1 << 20 };
  unsigned char *spaces = malloc(MIB);
  assert_non_null(spaces);
  memset(spaces, ' ', MIB);
  z_stream s;
  memset(&s, 0, sizeof s);
  assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY),
                   Z_OK);
  size_t cap = 64 * 1024;
  unsigned char *a = malloc(cap), *b = malloc(cap), *c = malloc(cap);
  assert_true(a && b && c);
  s.next_in = (Bytef *)prefix;
  s.avail_in = (uInt)strlen(prefix);
  s.next_out = a;
  s.avail_out = (uInt)cap;
  assert_int_equal(deflate(&s, Z_FULL_FLUSH), Z_OK);
  size_t alen = cap - s.avail_out;
  s.next_in = spaces;
  s.avail_in = MIB;
  s.next_out = b;
  s.avail_out = (uInt)cap;
  assert_int_equal(deflate(&s, Z_FULL_FLUSH), Z_OK);
  assert_int_equal(s.avail_in, 0);
  size_t blen = cap - s.avail_out;
  s.next_in = (Bytef *)suffix;
  s.avail_in = (uInt)strlen(suffix);
  s.next_out = c;
  s.avail_out = (uInt)cap;
  assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
  size_t cl = cap - s.avail_out;
  deflateEnd(&s);
  *clen = alen + blen * (size_t)chunks + cl;
  unsigned char *out = malloc(*clen);
  assert_non_null(out);
  memcpy(out, a, alen);
  for (int i = 0; i < chunks; i++)
    memcpy(out + alen + blen * (size_t)i, b, blen);
  memcpy(out + alen + blen * (size_t)chunks, c, cl);
  uLong k = crc32(0, (const Bytef *)prefix, (uInt)strlen(prefix));
  uLong one = crc32(0, spaces, MIB);
  for (int i = 0; i < chunks; i++)
    k = crc32_combine(k, one, MIB);
  k = crc32(k, (const Bytef *)suffix, (uInt)strlen(suffix));
  *crc = (uint32_t)k;
  *usize = strlen(prefix) + (uint64_t)chunks * MIB + strlen(suffix);
  free(spaces);
  free(a);
  free(b);
  free(c);
  return out;
}

static const char *make_bomb(const char *file, int chunks, int lie) {
  size_t clen;
  uint64_t usize;
  uint32_t crc;
  char prefix[300];
  snprintf(prefix, sizeof prefix, "%s<!--", page_open(96, 96));
  unsigned char *d =
      bomb_stream(prefix, "--></FixedPage>", chunks, &clen, &usize, &crc);
  const char *path = tmp_path(file);
  tzip z;
  assert_int_equal(tzip_open(&z, path), 0);
  assert_int_equal(tzip_add_scaffold(&z, 1), 0);
  /* A liar claims a small page; the inflater must stop at the claim. */
  assert_true(tzip_add_raw(&z, PAGE + 1, d, clen, lie ? 4096 : usize, crc) >=
              0);
  assert_int_equal(tzip_close(&z), 0);
  free(d);
  return path;
}

static void zip_bomb(void **state) {
  (void)state;
  both_ways("bomb 1 GiB page", make_bomb("bomb.xps", 1024, 0), PAGE);
  both_ways("bomb 1 GiB, claims 4 KiB", make_bomb("liar.xps", 1024, 1), PAGE);
  /* Under PART_SIZE, over the expansion ratio. */
  both_ways("bomb 200 MiB page", make_bomb("bomb200.xps", 200, 0), PAGE);
}

/* ---- ZIP structure lies -------------------------------------------------- */

static const char *make_lying_zip(const char *file, int how) {
  const char *path = tmp_path(file);
  tbuf b = {0};
  tbuf_add(&b, page_open(96, 96));
  tbuf_add(&b, "<Path Data=\"M 0,0 L 90,0 90,90 Z\" Fill=\"#FF000000\"/>"
               "</FixedPage>");
  tzip z;
  assert_int_equal(tzip_open(&z, path), 0);
  assert_int_equal(tzip_add_scaffold(&z, 1), 0);
  int pg = tzip_add(&z, PAGE + 1, b.p, b.n, 1);
  int res = tzip_add(&z, "Resources/x.bin", b.p, b.n, 0);
  assert_true(pg >= 0 && res >= 0);
  tzip_entry *e = &z.e[pg];
  switch (how) {
  case 0: /* the page's entry points at the fixed document's header */
    e->offset = z.e[3].offset;
    break;
  case 1: /* the page's data runs into the next entry */
    e->csize += 200;
    break;
  case 2: /* the page's header lies beyond the end of the file */
    e->offset = 0x7ffffff0;
    break;
  case 3: /* the page's data lies beyond the end of the file */
    e->csize = 0x7ffffff0;
    break;
  case 4: /* two central entries share one local header */
    z.e[res].offset = e->offset;
    break;
  }
  assert_int_equal(tzip_close(&z), 0);
  tbuf_free(&b);
  return path;
}

static void zip_overlap(void **state) {
  (void)state;
  static const char *what[] = {
      "zip entry points at another", "zip entry data overlaps next",
      "zip header outside file", "zip data outside file",
      "zip entries share a header"};
  char file[32];
  for (int i = 0; i < 5; i++) {
    snprintf(file, sizeof file, "lie%d.xps", i);
    const char *path = make_lying_zip(file, i);
    job_opts jo = {path, 0, 0, NULL};
    outcome o = run_case(what[i], job_case, &jo);
    /* A lie may be caught at open (naming the package or the entry) or
     * when the part is read (naming the part). */
    assert_true(o.rc < 0 || o.warnings > 0);
    if (o.rc < 0 && !strstr(o.error, "fpage") && !strstr(o.error, "x.bin") &&
        !strstr(o.error, "offset") && !strstr(o.error, path))
      fail_msg("%s: the error names no entry or offset: %s", what[i], o.error);
    /* Both readers name entries as part names ("/Documents/..."). */
    if (o.rc < 0 && o.error[0] != '/')
      fail_msg("%s: not named as a part: %s", what[i], o.error);
    jo.stream = 1;
    o = run_case(what[i], job_case, &jo);
    if (i == 1 || i == 3) /* the forward reader sees those as corruption */
      assert_true(o.rc < 0 || o.warnings > 0);
    if (o.rc < 0 && o.error[0] != '/')
      fail_msg("%s (stream): not named as a part: %s", what[i], o.error);
  }
}

/* ---- XML ----------------------------------------------------------------- */

static void deep_nesting(void **state) {
  (void)state;
  tbuf b = {0};
  for (int i = 0; i < 100000; i++)
    tbuf_add(&b, "<Canvas>");
  tbuf_add(&b, "<Path Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"#FF000000\"/>");
  for (int i = 0; i < 100000; i++)
    tbuf_add(&b, "</Canvas>");
  const char *path = make_page_pkg("deep.xps", b.p);
  tbuf_free(&b);
  job_opts jo = {path, 0, 0, NULL};
  outcome o = run_case("XML nested 100000 deep", job_case, &jo);
  expect_named("deep nesting", &o, PAGE);
}

/* An attribute over libxml2's 10 MB cap in the FixedDocument. */
/* A package whose FixedDoc.fdoc is fdoc (the scaffold's own would come
 * first: the rest is written by hand). */
static const char *make_fdoc_pkg(const char *file, const char *fdoc, size_t n) {
  const char *path = tmp_path(file);
  tzip z;
  assert_int_equal(tzip_open(&z, path), 0);
  static const char rels[] =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
      "2006/relationships\"><Relationship Id=\"R0\" "
      "Type=\"http://schemas.microsoft.com/xps/2005/06/fixedrepresentation\" "
      "Target=\"/FixedDocSeq.fdseq\"/></Relationships>";
  static const char seq[] =
      "<FixedDocumentSequence xmlns=\"" NS "\"><DocumentReference "
      "Source=\"Documents/1/FixedDoc.fdoc\"/></FixedDocumentSequence>";
  assert_true(tzip_add(&z, "_rels/.rels", rels, sizeof rels - 1, 1) >= 0);
  assert_true(tzip_add(&z, "FixedDocSeq.fdseq", seq, sizeof seq - 1, 1) >= 0);
  assert_true(tzip_add(&z, "Documents/1/FixedDoc.fdoc", fdoc, n, 1) >= 0);
  assert_int_equal(tzip_close(&z), 0);
  return path;
}

static void huge_attribute(void **state) {
  (void)state;
  tbuf doc = {0};
  tbuf_add(&doc, "<FixedDocument xmlns=\"" NS "\"><PageContent Source=\"");
  for (int i = 0; i < 1400000; i++)
    tbuf_add(&doc, "Pages/1/");
  tbuf_add(&doc, "1.fpage\"/></FixedDocument>");
  job_opts jo = {make_fdoc_pkg("attr.xps", doc.p, doc.n), 0, 0, NULL};
  tbuf_free(&doc);
  outcome o = run_case("10 MB attribute in the fdoc", job_case, &jo);
  expect_named("10 MB attribute", &o, "FixedDoc.fdoc");
  assert_null(strstr(o.msgs, "internal error")); /* libxml2's own words */

  /* A Source over NAME_LEN, and one with a scheme: the error says why. */
  tbuf_add(&doc, "<FixedDocument xmlns=\"" NS "\"><PageContent Source=\"");
  for (int i = 0; i < 300; i++)
    tbuf_add(&doc, "Pages/1/");
  tbuf_add(&doc, "1.fpage\"/></FixedDocument>");
  jo.path = make_fdoc_pkg("longsrc.xps", doc.p, doc.n);
  tbuf_free(&doc);
  o = run_case("PageContent Source too long", job_case, &jo);
  expect_named("PageContent Source too long", &o, "FixedDoc.fdoc");
  assert_non_null(strstr(o.error, "longer than part names may be"));
  static const char scheme[] =
      "<FixedDocument xmlns=\"" NS "\"><PageContent "
      "Source=\"http://example.com/1.fpage\"/></FixedDocument>";
  jo.path = make_fdoc_pkg("scheme.xps", scheme, sizeof scheme - 1);
  o = run_case("PageContent Source with a scheme", job_case, &jo);
  expect_named("PageContent Source with a scheme", &o, "FixedDoc.fdoc");
  assert_non_null(strstr(o.error, "URI scheme"));
}

/* Secrets the XML parser must never read, and a listener it must never
 * call: a file:// entity or DTD, or an http:// one on this machine. */
typedef struct xml_trap {
  char secret_path[512], dtd_path[512];
  char secret[64];
  int ino, listener, port;
} xml_trap;

static void trap_init(xml_trap *t) {
  snprintf(t->secret, sizeof t->secret, "SECRET-%08lx-%d",
           (unsigned long)time(NULL), (int)getpid());
  snprintf(t->secret_path, sizeof t->secret_path, "%s/secret.txt", tmpdir);
  snprintf(t->dtd_path, sizeof t->dtd_path, "%s/evil.dtd", tmpdir);
  assert_int_equal(tfile_write(t->secret_path, t->secret, strlen(t->secret)),
                   0);
  char dtd[256];
  snprintf(dtd, sizeof dtd, "<!ENTITY leak \"%s\">", t->secret);
  assert_int_equal(tfile_write(t->dtd_path, dtd, strlen(dtd)), 0);
  t->ino = inotify_init1(IN_NONBLOCK);
  assert_true(t->ino >= 0);
  assert_true(inotify_add_watch(t->ino, t->secret_path, IN_OPEN | IN_ACCESS) >=
              0);
  assert_true(inotify_add_watch(t->ino, t->dtd_path, IN_OPEN | IN_ACCESS) >= 0);
  t->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  assert_true(t->listener >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(t->listener, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(t->listener, 4), 0);
  socklen_t al = sizeof a;
  assert_int_equal(getsockname(t->listener, (struct sockaddr *)&a, &al), 0);
  t->port = ntohs(a.sin_port);
}

/* Nothing opened the files, nothing connected, no message quotes them. */
static void trap_check(xml_trap *t, const char *label, const outcome *o) {
  char ev[4096];
  ssize_t n = read(t->ino, ev, sizeof ev);
  if (n > 0)
    fail_msg("%s: the XML parser opened a local file", label);
  int c = accept(t->listener, NULL, NULL);
  if (c >= 0) {
    close(c);
    fail_msg("%s: the XML parser connected to the network", label);
  }
  if (strstr(o->msgs, t->secret))
    fail_msg("%s: a message quotes the external entity's content", label);
  /* Expanded laughs would show in messages as runs of the entity text. */
  if (strstr(o->msgs, "lollollollollollollollollollollollollol"))
    fail_msg("%s: entities were expanded", label);
}

static void trap_free(xml_trap *t) {
  close(t->ino);
  close(t->listener);
}

/* A DOCTYPE internal subset for each attack. */
static void doctype(tbuf *b, int kind, const xml_trap *t, const char *root) {
  switch (kind) {
  case 0: /* billion laughs */
    tbuf_addf(b, "<!DOCTYPE %s [<!ENTITY l0 \"lol\">", root);
    for (int i = 1; i <= 9; i++) {
      tbuf_addf(b, "<!ENTITY l%d \"", i);
      for (int j = 0; j < 10; j++)
        tbuf_addf(b, "&l%d;", i - 1);
      tbuf_add(b, "\">");
    }
    tbuf_add(b, "]>");
    break;
  case 1: /* an external general entity */
    tbuf_addf(b, "<!DOCTYPE %s [<!ENTITY l9 SYSTEM \"file://%s\">]>", root,
              t->secret_path);
    break;
  case 2: /* an external DTD */
    tbuf_addf(b, "<!DOCTYPE %s SYSTEM \"file://%s\">", root, t->dtd_path);
    break;
  case 3: /* an external parameter entity */
    tbuf_addf(b, "<!DOCTYPE %s [<!ENTITY %% p SYSTEM \"file://%s\"> %%p;]>",
              root, t->dtd_path);
    break;
  case 4: /* a DTD over the network (this machine only) */
    tbuf_addf(b, "<!DOCTYPE %s SYSTEM \"http://127.0.0.1:%d/evil.dtd\">", root,
              t->port);
    break;
  }
}

static void entities(void **state) {
  (void)state;
  static const char *kinds[] = {"billion laughs", "external entity",
                                "external DTD", "parameter entity",
                                "network DTD"};
  xml_trap t;
  trap_init(&t);
  for (int k = 0; k < 5; k++) {
    /* In the page... */
    tbuf b = {0};
    tbuf_add(&b, "<?xml version=\"1.0\"?>");
    doctype(&b, k, &t, "FixedPage");
    tbuf_add(&b, page_open(96, 96));
    tbuf_add(&b, "<Path Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"#FF000000\"/>"
                 "<Glyphs FontRenderingEmSize=\"12\" OriginX=\"1\" "
                 "OriginY=\"20\" Fill=\"#FF000000\" UnicodeString=\"&l9;\" "
                 "FontUri=\"&l9;\"/><Path Data=\"&l9;\" Fill=\"&l9;\"/>"
                 "</FixedPage>");
    char label[64];
    snprintf(label, sizeof label, "%s in a page", kinds[k]);
    job_opts jo = {make_pkg("ent.xps", b.p, b.n, NULL, 0), 0, 0, NULL};
    outcome o = run_case(label, job_case, &jo);
    trap_check(&t, label, &o);
    expect_named(label, &o, PAGE);
    tbuf_free(&b);

    /* ... and in a remote resource dictionary. */
    tbuf d = {0};
    doctype(&d, k, &t, "ResourceDictionary");
    tbuf_add(&d, "<ResourceDictionary xmlns=\"" NS "\" xmlns:x=\"" NS
                 "/resourcedictionary-key\"><SolidColorBrush x:Key=\"c\" "
                 "Color=\"&l9;\"/></ResourceDictionary>");
    tbuf p = {0};
    tbuf_add(&p, page_open(96, 96));
    tbuf_add(&p, "<Canvas><Canvas.Resources><ResourceDictionary "
                 "Source=\"/Resources/r.dict\"/></Canvas.Resources><Path "
                 "Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"{StaticResource c}\"/>"
                 "</Canvas></FixedPage>");
    xpart x = {"Resources/r.dict", d.p, d.n};
    snprintf(label, sizeof label, "%s in a dictionary", kinds[k]);
    jo.path = make_pkg("entd.xps", p.p, p.n, &x, 1);
    o = run_case(label, job_case, &jo);
    trap_check(&t, label, &o);
    expect_named(label, &o, "r.dict");
    tbuf_free(&d);
    tbuf_free(&p);
  }
  trap_free(&t);
}

/* ---- Images -------------------------------------------------------------- */

static void put_be32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static size_t png_chunk(unsigned char *out, const char *type,
                        const unsigned char *data, uint32_t len) {
  put_be32(out, len);
  memcpy(out + 4, type, 4);
  if (len)
    memcpy(out + 8, data, len);
  uLong c = crc32(0, out + 4, 4 + len);
  put_be32(out + 8 + len, (uint32_t)c);
  return 12 + len;
}

/* A PNG claiming w x h 8-bit gray pixels, with two rows of data. */
static size_t huge_png(unsigned char *out, uint32_t w, uint32_t h) {
  static const unsigned char sig[8] = {0x89, 'P',  'N', 'G',
                                       '\r', '\n', 26,  '\n'};
  unsigned char ihdr[13];
  put_be32(ihdr, w);
  put_be32(ihdr + 4, h);
  ihdr[8] = 8;
  ihdr[9] = 0;
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  unsigned char raw[64] = {0}, z[128];
  uLongf zl = sizeof z;
  compress(z, &zl, raw, sizeof raw);
  size_t n = 0;
  memcpy(out, sig, 8);
  n += 8;
  n += png_chunk(out + n, "IHDR", ihdr, 13);
  n += png_chunk(out + n, "IDAT", z, (uint32_t)zl);
  n += png_chunk(out + n, "IEND", NULL, 0);
  return n;
}

static void huge_image(void **state) {
  (void)state;
  static const uint32_t dims[][2] = {
      {100000, 100000}, {16384, 16384}, {1, 268435456}, {65535, 65535}};
  for (int i = 0; i < 4; i++) {
    unsigned char png[512];
    size_t n = huge_png(png, dims[i][0], dims[i][1]);
    tbuf b = {0};
    tbuf_add(&b, page_open(96, 96));
    tbuf_add(&b, "<Path Data=\"M 0,0 L 96,0 96,96 0,96 Z\"><Path.Fill>"
                 "<ImageBrush ImageSource=\"/Resources/huge.png\" "
                 "Viewbox=\"0,0,100,100\" ViewboxUnits=\"Absolute\" "
                 "Viewport=\"0,0,96,96\" ViewportUnits=\"Absolute\"/>"
                 "</Path.Fill></Path></FixedPage>");
    xpart x = {"Resources/huge.png", png, n};
    job_opts jo = {make_pkg("img.xps", b.p, b.n, &x, 1), 0, 0, NULL};
    char label[64];
    snprintf(label, sizeof label, "image %u x %u", dims[i][0], dims[i][1]);
    outcome o = run_case(label, job_case, &jo);
    expect_named(label, &o, "huge.png");
    /* libpng's words come after what they mean. */
    if (strstr(o.msgs, "IHDR"))
      assert_non_null(strstr(o.msgs, "PNG: the image header is invalid "
                                     "(libpng: Invalid IHDR data)"));
    tbuf_free(&b);
  }
}

/* ---- Paths and pages ----------------------------------------------------- */

static void huge_paths(void **state) {
  (void)state;
  /* 10 million points in one Data attribute. */
  tbuf b = {0};
  tbuf_add(&b, "<Path Fill=\"#FF000000\" Data=\"M 0,0 L");
  for (int i = 0; i < 10000000; i++)
    tbuf_add(&b, i & 1 ? " 9,1" : " 1,9");
  tbuf_add(&b, " Z\"/>");
  job_opts jo = {make_page_pkg("pts.xps", b.p), 0, 0, NULL};
  tbuf_free(&b);
  outcome o = run_case("10M points in Data", job_case, &jo);
  expect_named("10M points in Data", &o, PAGE);
  assert_null(strstr(o.msgs, "internal error")); /* libxml2's own words */

  /* 10 million points as PolyLineSegments of 1000 points. */
  tbuf_add(&b, "<Path Fill=\"#FF000000\"><Path.Data><PathGeometry>"
               "<PathFigure StartPoint=\"0,0\">");
  tbuf seg = {0};
  tbuf_add(&seg, "<PolyLineSegment Points=\"");
  for (int i = 0; i < 1000; i++)
    tbuf_add(&seg, i & 1 ? "9,1 " : "1,9 ");
  tbuf_add(&seg, "\"/>");
  for (int i = 0; i < 10000; i++)
    tbuf_add(&b, seg.p);
  tbuf_add(&b, "</PathFigure></PathGeometry></Path.Data></Path>");
  tbuf_free(&seg);
  jo.path = make_page_pkg("segs.xps", b.p);
  tbuf_free(&b);
  o = run_case("10M points in segments", job_case, &jo);
  expect_named("10M points in segments", &o, PAGE);

  /* Non-finite and overflowing numbers everywhere. */
  jo.path = make_page_pkg(
      "nan.xps",
      "<Path Data=\"M NaN,0 L INF,1 -INF,2 Z\" Fill=\"#FF000000\"/>"
      "<Path Data=\"M 1e309,0 L 0,1e309 Z\" Fill=\"#FF000000\"/>"
      "<Path Data=\"M 0,0 L 1e308,1e308 -1e308,1e308 Z\" Fill=\"#FF000000\" "
      "Stroke=\"#FF000000\" StrokeThickness=\"1e308\"/>"
      "<Path Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"#FF000000\" "
      "RenderTransform=\"1e308,0,0,1e308,1e308,-1e308\"/>"
      "<Path Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"#FF000000\" "
      "RenderTransform=\"0,0,0,0,0,0\"/>"
      "<Path Data=\"M 0,0 A 1e308,1e-308 1e308 1 1 9,9 Z\" "
      "Fill=\"#FF000000\"/>"
      "<Canvas RenderTransform=\"NaN,0,0,1,0,0\"><Path Data=\"M 0,0 L 9,9 "
      "Z\" Fill=\"#FF000000\"/></Canvas>");
  o = run_case("NaN and infinite numbers", job_case, &jo);
  expect_named("NaN and infinite numbers", &o, PAGE);

  /* Round-capped dashes a million times magnified, all off the page
   * (found by fuzz_pathdata: tests/regress/pathdata/slow-*). */
  jo.path = make_page_pkg(
      "dashes.xps",
      "<Path Data=\"M 8,68 L 48,68 48,1080800\" Stroke=\"#FF000000\" "
      "StrokeThickness=\"3.75\" StrokeDashArray=\"0 2 0.000000001\" "
      "StrokeDashOffset=\"2\" StrokeDashCap=\"Round\" "
      "StrokeStartLineCap=\"Round\" StrokeEndLineCap=\"Round\" "
      "StrokeLineJoin=\"Round\" "
      "RenderTransform=\"1000000,0,0,1000000,-1000000,-1000000\"/>");
  o = run_case("magnified dashes off the page", job_case, &jo);
  assert_int_equal(o.rc, 0); /* nothing wrong to report, only bounded */

  /* A page 10^6 inches wide. */
  tbuf_add(&b, page_open(96e6, 96));
  tbuf_add(&b, "<Path Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"#FF000000\"/>"
               "</FixedPage>");
  jo.path = make_pkg("wide.xps", b.p, b.n, NULL, 0);
  tbuf_free(&b);
  o = run_case("page 10^6 inches wide", job_case, &jo);
  assert_true(o.rc < 0); /* nothing sensible to print */
  expect_named("page 10^6 inches wide", &o, PAGE);
  assert_non_null(strstr(o.error, "inches")); /* says what is too large */
}

static void many_stops(void **state) {
  (void)state;
  tbuf b = {0};
  tbuf_add(&b, "<Path Data=\"M 0,0 L 96,0 96,96 0,96 Z\"><Path.Fill>"
               "<LinearGradientBrush MappingMode=\"Absolute\" "
               "StartPoint=\"0,0\" EndPoint=\"96,0\">"
               "<LinearGradientBrush.GradientStops>");
  for (int i = 0; i < 1000000; i++)
    tbuf_addf(&b, "<GradientStop Color=\"#FF%02X0000\" Offset=\"%g\"/>",
              i & 255, i / 1e6);
  tbuf_add(&b, "</LinearGradientBrush.GradientStops></LinearGradientBrush>"
               "</Path.Fill></Path>");
  job_opts jo = {make_page_pkg("stops.xps", b.p), 0, 0, NULL};
  tbuf_free(&b);
  outcome o = run_case("gradient with 10^6 stops", job_case, &jo);
  expect_named("gradient with 10^6 stops", &o, PAGE);
}

/* ---- Cycles -------------------------------------------------------------- */

#define DICT_OPEN                                                              \
  "<ResourceDictionary xmlns=\"" NS "\" xmlns:x=\"" NS                         \
  "/resourcedictionary-key\" "

static void cycles(void **state) {
  (void)state;
  static const char vb[] =
      "<VisualBrush x:Key=\"v\" Viewbox=\"0,0,10,10\" Viewport=\"0,0,10,10\" "
      "ViewboxUnits=\"Absolute\" ViewportUnits=\"Absolute\" TileMode=\"Tile\" "
      "Visual=\"{StaticResource v}\"/>";
  static const char self_dict[] =
      DICT_OPEN "Source=\"/Resources/self.dict\"><SolidColorBrush x:Key=\"c\" "
                "Color=\"#FF00FF00\"/></ResourceDictionary>";
  static const char a_dict[] =
      DICT_OPEN "Source=\"/Resources/b.dict\"><SolidColorBrush x:Key=\"c\" "
                "Color=\"#FF00FF00\"/></ResourceDictionary>";
  static const char b_dict[] =
      DICT_OPEN "Source=\"/Resources/a.dict\"><SolidColorBrush x:Key=\"d\" "
                "Color=\"#FF00FF00\"/></ResourceDictionary>";
  static const char brush_dict[] =
      DICT_OPEN "><VisualBrush x:Key=\"v\" Viewbox=\"0,0,10,10\" "
                "Viewport=\"0,0,10,10\" ViewboxUnits=\"Absolute\" "
                "ViewportUnits=\"Absolute\" TileMode=\"FlipXY\"><VisualBrush."
                "Visual><Canvas><Canvas.Resources><ResourceDictionary "
                "Source=\"/Resources/brush.dict\"/></Canvas.Resources><Path "
                "Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"{StaticResource v}\"/>"
                "</Canvas></VisualBrush.Visual></VisualBrush>"
                "</ResourceDictionary>";
  xpart parts[] = {{"Resources/self.dict", self_dict, sizeof self_dict - 1},
                   {"Resources/a.dict", a_dict, sizeof a_dict - 1},
                   {"Resources/b.dict", b_dict, sizeof b_dict - 1},
                   {"Resources/brush.dict", brush_dict, sizeof brush_dict - 1}};
  static const char *bodies[] = {
      /* A VisualBrush whose Visual is itself. */
      "<FixedPage.Resources><ResourceDictionary>%s</ResourceDictionary>"
      "</FixedPage.Resources><Path Data=\"M 0,0 L 90,0 90,90 Z\" "
      "Fill=\"{StaticResource v}\"/>",
      /* A VisualBrush whose content is filled with itself. */
      "<FixedPage.Resources><ResourceDictionary><VisualBrush x:Key=\"w\" "
      "Viewbox=\"0,0,10,10\" Viewport=\"0,0,10,10\" ViewboxUnits=\"Absolute\" "
      "ViewportUnits=\"Absolute\" TileMode=\"Tile\"><VisualBrush.Visual><Path "
      "Data=\"M 0,0 L 9,9 0,9 Z\" Fill=\"{StaticResource w}\"/></VisualBrush."
      "Visual></VisualBrush></ResourceDictionary></FixedPage.Resources><Path "
      "Data=\"M 0,0 L 90,0 90,90 Z\" Fill=\"{StaticResource w}\"/>%s",
      /* A dictionary whose Source is itself. */
      "<Canvas><Canvas.Resources><ResourceDictionary "
      "Source=\"/Resources/self.dict\"/></Canvas.Resources><Path Data=\"M 0,0 "
      "L 9,9 0,9 Z\" Fill=\"{StaticResource c}\"/></Canvas>%s",
      /* Two dictionaries naming each other. */
      "<Canvas><Canvas.Resources><ResourceDictionary "
      "Source=\"/Resources/a.dict\"/></Canvas.Resources><Path Data=\"M 0,0 "
      "L 9,9 0,9 Z\" Fill=\"{StaticResource d}\"/></Canvas>%s",
      /* A brush in a dictionary whose content loads that dictionary. */
      "<Canvas><Canvas.Resources><ResourceDictionary "
      "Source=\"/Resources/brush.dict\"/></Canvas.Resources><Path Data=\"M "
      "0,0 L 90,0 90,90 Z\" Fill=\"{StaticResource v}\"/></Canvas>%s"};
  static const char *labels[] = {
      "VisualBrush is its own Visual", "VisualBrush fills its content",
      "dictionary sources itself", "dictionaries source each other",
      "brush loads its own dictionary"};
  for (int i = 0; i < 5; i++) {
    char body[2048];
    snprintf(body, sizeof body, bodies[i], i == 0 ? vb : "");
    tbuf b = {0};
    tbuf_add(&b, page_open(96, 96));
    tbuf_add(&b, body);
    tbuf_add(&b, "</FixedPage>");
    job_opts jo = {make_pkg("cycle.xps", b.p, b.n, parts, 4), 0, 0, NULL};
    tbuf_free(&b);
    outcome o = run_case(labels[i], job_case, &jo);
    expect_warned(labels[i], &o);
    if (o.rc == 0 && o.warnings == 0)
      continue;
    if (!strstr(o.msgs, PAGE) && !strstr(o.msgs, ".dict"))
      fail_msg("%s: no message names the page or dictionary:\n%s", labels[i],
               o.msgs);
  }
}

/* ---- Text ---------------------------------------------------------------- */

static unsigned char *test_font(size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/fuzz/page_env/Resources/Fonts/sans.ttf",
           XR_SOURCE_DIR);
  return slurp(path, len);
}

static const char *glyph_pkg(const char *file, const char *font_part,
                             const void *font, size_t flen,
                             const char *glyphs_attrs) {
  tbuf b = {0};
  tbuf_add(&b, page_open(96, 96));
  tbuf_addf(&b,
            "<Glyphs FontUri=\"/%s\" FontRenderingEmSize=\"12\" "
            "OriginX=\"2\" OriginY=\"40\" Fill=\"#FF000000\" %s/>"
            "</FixedPage>",
            font_part, glyphs_attrs);
  xpart x = {font_part, font, flen};
  const char *path = make_pkg(file, b.p, b.n, &x, 1);
  tbuf_free(&b);
  return path;
}

static void text(void **state) {
  (void)state;
  size_t flen;
  unsigned char *font = test_font(&flen);
  /* 10^5 glyphs in one run. */
  tbuf s = {0};
  tbuf_add(&s, "UnicodeString=\"");
  for (int i = 0; i < 100000; i++)
    tbuf_add(&s, "A");
  tbuf_add(&s, "\"");
  job_opts jo = {glyph_pkg("g1.xps", "Resources/f.ttf", font, flen, s.p), 0, 0,
                 NULL};
  tbuf_free(&s);
  outcome o = run_case("10^5 glyphs in a run", job_case, &jo);
  expect_named("10^5 glyphs", &o, PAGE);

  /* Indices that expand past the string, the glyph table, the limits. */
  static const char *indices[] = {
      "UnicodeString=\"AB\" Indices=\"(65535:1);(1:65535)\"",
      "UnicodeString=\"AB\" Indices=\"4294967295;99999999,1e308;(2:2)1\"",
      "UnicodeString=\"AB\" Indices=\"(1000000:1000000)\"",
      "UnicodeString=\"\" Indices=\"(3:1)5;(1:3)6\"",
      "UnicodeString=\"{}A\" Indices=\";;;;;;;;;;,,,,,(0:0)\""};
  for (int i = 0; i < 5; i++) {
    jo.path = glyph_pkg("g2.xps", "Resources/f.ttf", font, flen, indices[i]);
    o = run_case("Indices out of bounds", job_case, &jo);
    expect_named("Indices out of bounds", &o, PAGE);
  }

  /* A truncated font. */
  jo.path = glyph_pkg("f1.xps", "Resources/cut.ttf", font, 200,
                      "UnicodeString=\"Abc\"");
  o = run_case("truncated font", job_case, &jo);
  expect_named("truncated font", &o, "cut.ttf");
  /* Says what it means, keeping the library's detail. */
  assert_non_null(strstr(o.msgs, "not a usable TrueType/OpenType font"));
  assert_non_null(strstr(o.msgs, "(FreeType cannot open face 0"));

  /* A cmap whose offset or subtables point outside the file. */
  unsigned char *bad = malloc(flen);
  assert_non_null(bad);
  for (int how = 0; how < 2; how++) {
    memcpy(bad, font, flen);
    unsigned ntables = (unsigned)(bad[4] << 8 | bad[5]);
    int found = 0;
    for (unsigned t = 0; t < ntables && 12 + 16 * (t + 1) <= flen; t++) {
      unsigned char *rec = bad + 12 + 16 * t;
      if (memcmp(rec, "cmap", 4))
        continue;
      found = 1;
      uint32_t off =
          (uint32_t)rec[8] << 24 | rec[9] << 16 | rec[10] << 8 | rec[11];
      if (how == 0) {
        put_be32(rec + 8, (uint32_t)flen + 4096); /* table outside file */
      } else if (off + 12 <= flen) {
        put_be32(bad + off + 8, 0x7ffffff0); /* first subtable outside */
      }
    }
    assert_true(found);
    jo.path = glyph_pkg("f2.xps", "Resources/cmap.ttf", bad, flen,
                        "UnicodeString=\"Abc\"");
    o = run_case(how ? "cmap subtable outside" : "cmap outside the file",
                 job_case, &jo);
    /* FreeType may refuse the face or drop the cmap; either way the text
     * degrades (fallback font or .notdef) with a warning naming the font. */
    assert_true(o.rc == 0);
    expect_named(how ? "cmap subtable outside" : "cmap outside the file", &o,
                 "cmap.ttf");
  }
  free(bad);

  /* An obfuscated font whose name is not a GUID. */
  jo.path = glyph_pkg("f3.xps", "Resources/Fonts/not-a-guid.odttf", font, flen,
                      "UnicodeString=\"Abc\"");
  o = run_case(".odttf not named by a GUID", job_case, &jo);
  expect_named(".odttf not named by a GUID", &o, "not-a-guid.odttf");
  free(font);
}

/* ---- 10 000 pages, memory flat ------------------------------------------- */

typedef struct flat_state {
  long rss_at_1000, peak_after;
  int pages;
} flat_state;

static int flat_end_page(void *ud, const xr_page_info *info) {
  flat_state *f = ud;
  long rss = status_kib("VmRSS:");
  f->pages++;
  if (info->index + 1 == 1000)
    f->rss_at_1000 = rss;
  else if (info->index + 1 > 1000 && rss > f->peak_after)
    f->peak_after = rss;
  return 0;
}

static void pages_case(const void *arg, outcome *o) {
  const job_opts *jo = arg;
  xr_doc *doc = NULL;
  xr_errinfo err;
  int fd = jo->stream ? open(jo->path, O_RDONLY) : -1;
  int rc = jo->stream ? xr_doc_open_fd(fd, NULL, &doc, &err)
                      : xr_doc_open(jo->path, NULL, &doc, &err);
  if (rc < 0) {
    job_error(o, rc, &err);
    if (fd >= 0)
      close(fd);
    return;
  }
  flat_state f = {0, 0, 0};
  xr_band_sink sink = {&f, NULL, NULL, flat_end_page};
  xr_render_opts ro;
  xr_render_opts_init(&ro);
  ro.dpi = 10;
  ro.threads = 1;
  ro.colorspace = XR_CS_GRAY;
  rc = xr_doc_render(doc, &ro, &sink, &err);
  if (rc < 0)
    job_error(o, rc, &err);
  o->pages = f.pages;
  o->warnings = xr_doc_warning_count(doc);
  o->flat_kib = f.peak_after - f.rss_at_1000;
  xr_doc_close(doc);
  if (fd >= 0)
    close(fd);
}

static void ten_thousand_pages(void **state) {
  (void)state;
  const char *path = tmp_path("pages.xps");
  tzip z;
  assert_int_equal(tzip_open(&z, path), 0);
  assert_int_equal(tzip_add_scaffold(&z, 10000), 0);
  for (int i = 1; i <= 10000; i++) {
    char name[64], page[512];
    snprintf(name, sizeof name, "Documents/1/Pages/%d.fpage", i);
    int n = snprintf(page, sizeof page,
                     "%s<Path Data=\"M 10,%d L 800,%d\" Stroke=\"#FF000000\" "
                     "StrokeThickness=\"1\"/></FixedPage>",
                     page_open(816, 1056), 10 + i % 1000, 10 + i % 1000);
    assert_true(tzip_add(&z, name, page, (size_t)n, 1) >= 0);
  }
  assert_int_equal(tzip_close(&z), 0);
  for (int stream = 0; stream < 2; stream++) {
    job_opts jo = {path, stream, 10, NULL};
    const char *label =
        stream ? "10000 one-line pages (stream)" : "10000 one-line pages (zip)";
    outcome o = run_case(label, pages_case, &jo);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.pages, 10000);
    print_message("  RSS growth from page 1000 to 10000: %ld KiB\n",
                  o.flat_kib);
    /* Flat: the last 9000 pages may not grow memory by more than 8 MiB. */
    assert_true(o.flat_kib < 8 * 1024);
  }
}

/* -------------------------------------------------------------------------- */

static int setup(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "%s/xr-hostile-XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zip_bomb),
      cmocka_unit_test(zip_overlap),
      cmocka_unit_test(deep_nesting),
      cmocka_unit_test(huge_attribute),
      cmocka_unit_test(entities),
      cmocka_unit_test(huge_image),
      cmocka_unit_test(huge_paths),
      cmocka_unit_test(many_stops),
      cmocka_unit_test(cycles),
      cmocka_unit_test(text),
      cmocka_unit_test(ten_thousand_pages),
  };
  return cmocka_run_group_tests_name("hostile", tests, setup, teardown);
}
