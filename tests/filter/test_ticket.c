/* PrintTicket parsing, scopes and merge; DiscardControl; tickets found in
 * generated packages (corpus/ticket/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter/doc_pkg.h"
#include "xps/ticket.h"
#include "xpsraster/render.h"

#define PSF_NS                                                                 \
  "http://schemas.microsoft.com/windows/2003/08/printing/printschemaframework"
#define PSK_NS                                                                 \
  "http://schemas.microsoft.com/windows/2003/08/printing/printschemakeywords"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define HEAD                                                                   \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                               \
  "<psf:PrintTicket xmlns:psf=\"" PSF_NS "\" xmlns:psk=\"" PSK_NS              \
  "\" xmlns:xsi=\"" XSI_NS                                                     \
  "\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "                         \
  "version=\"1\">\n"
#define TAIL "</psf:PrintTicket>\n"
#define FEATURE(name, body)                                                    \
  "<psf:Feature name=\"" name "\">" body "</psf:Feature>\n"
#define OPTION(name, body) "<psf:Option name=\"" name "\">" body "</psf:Option>"
#define PROP(name, v)                                                          \
  "<psf:ScoredProperty name=\"" name                                           \
  "\"><psf:Value xsi:type=\"xsd:integer\">" v                                  \
  "</psf:Value></psf:ScoredProperty>"
#define PARAM(name, v)                                                         \
  "<psf:ParameterInit name=\"" name                                            \
  "\"><psf:Value xsi:type=\"xsd:integer\">" v                                  \
  "</psf:Value></psf:ParameterInit>\n"

typedef struct warns {
  int n;
  int last_status;
  long last_line;
  char last[600];
} warns;

static void on_warn(void *ud, const xr_errinfo *w) {
  warns *ws = ud;
  ws->n++;
  ws->last_status = w->status;
  ws->last_line = w->line;
  snprintf(ws->last, sizeof ws->last, "%s", w->msg);
}

static void ctx_with(xps_ctx *ctx, warns *ws) {
  xps_ctx_init(ctx);
  memset(ws, 0, sizeof *ws);
  ctx->warn = on_warn;
  ctx->warn_ud = ws;
}

static int parse(const char *xml, const xps_ctx *ctx, xps_ticket *t,
                 xr_errinfo *err) {
  xr_errinfo_clear(err);
  return xps_ticket_parse((const unsigned char *)xml, strlen(xml),
                          "/Documents/1/PT.xml", ctx, t, err);
}

static void test_full_ticket(void **state) {
  (void)state;
  const char *xml = HEAD FEATURE(
      "psk:PageMediaSize",
      OPTION("psk:ISOA4", PROP("psk:MediaSizeWidth", "210000")
                              PROP("psk:MediaSizeHeight", "297000")))
      FEATURE("psk:PageResolution",
              "<psf:Option>" PROP("psk:ResolutionX", "600")
                  PROP("psk:ResolutionY", " 300 ") "</psf:Option>")
          FEATURE("psk:PageOrientation", OPTION("psk:Landscape", ""))
              FEATURE("psk:PageOutputColor", OPTION("psk:Grayscale", ""))
                  FEATURE("psk:JobDuplexAllDocumentsContiguously",
                          OPTION("psk:TwoSidedShortEdge", ""))
                      FEATURE("psk:JobCollateAllDocuments",
                              OPTION("psk:Uncollated", ""))
                          FEATURE("psk:PageMediaType", OPTION("psk:Plain", ""))
                              PARAM("psk:JobCopiesAllDocuments", "3")
                                  PARAM("psk:DocumentCopiesAllPages", "2") TAIL;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(ws.n, 0); /* PageMediaType is unknown to us, silently */
  assert_int_equal(t.set, XPS_TK_MEDIA | XPS_TK_RESOLUTION |
                              XPS_TK_ORIENTATION | XPS_TK_COLOR |
                              XPS_TK_DUPLEX | XPS_TK_JOB_COPIES |
                              XPS_TK_DOC_COPIES | XPS_TK_COLLATE);
  assert_float_equal(t.media_w_in, 210000 / 25400.0, 1e-9);
  assert_float_equal(t.media_h_in, 297000 / 25400.0, 1e-9);
  assert_string_equal(t.media_name, "ISOA4");
  assert_int_equal(t.res_x, 600);
  assert_int_equal(t.res_y, 300);
  assert_int_equal(t.orientation, XPS_ORIENT_LANDSCAPE);
  assert_int_equal(t.color, XPS_COLOR_GRAY);
  assert_int_equal(t.duplex, XPS_DUPLEX_SHORT_EDGE);
  assert_int_equal(t.job_copies, 3);
  assert_int_equal(t.doc_copies, 2);
  assert_int_equal(t.collate, 0);
}

/* Keywords are QNames: what counts is the namespace, not the prefix. */
static void test_prefixes_are_resolved(void **state) {
  (void)state;
  const char *other =
      "<p:PrintTicket xmlns:p=\"" PSF_NS "\" xmlns:k=\"" PSK_NS
      "\" xmlns:psk=\"urn:not-keywords\">"
      "<p:Feature name=\"k:PageOutputColor\"><p:Option name=\"k:Monochrome\"/>"
      "</p:Feature>"
      "<p:Feature name=\"psk:PageOrientation\"><p:Option "
      "name=\"psk:Landscape\"/></p:Feature>"
      "</p:PrintTicket>";
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  assert_int_equal(parse(other, &ctx, &t, &err), 0);
  assert_int_equal(t.set, XPS_TK_COLOR);
  assert_int_equal(t.color, XPS_COLOR_MONO);
  /* A default namespace works for element names, and an unprefixed
   * keyword resolves against it. */
  const char *dflt =
      "<PrintTicket xmlns=\"" PSF_NS "\" xmlns:k=\"" PSK_NS "\">"
      "<Feature name=\"k:PageOrientation\"><Option name=\"k:ReversePortrait\"/>"
      "</Feature></PrintTicket>";
  assert_int_equal(parse(dflt, &ctx, &t, &err), 0);
  assert_int_equal(t.set, XPS_TK_ORIENTATION);
  assert_int_equal(t.orientation, XPS_ORIENT_REVERSE_PORTRAIT);
}

static void test_custom_media_by_parameter(void **state) {
  (void)state;
  const char *xml = HEAD FEATURE(
      "psk:PageMediaSize",
      OPTION("psk:CustomMediaSize",
             "<psf:ScoredProperty name=\"psk:MediaSizeWidth\">"
             "<psf:ParameterRef name=\"psk:PageMediaSizeMediaSizeWidth\"/>"
             "</psf:ScoredProperty>"
             "<psf:ScoredProperty name=\"psk:MediaSizeHeight\">"
             "<psf:ParameterRef name=\"psk:PageMediaSizeMediaSizeHeight\"/>"
             "</psf:ScoredProperty>"))
      PARAM("psk:PageMediaSizeMediaSizeWidth", "101600")
          PARAM("psk:PageMediaSizeMediaSizeHeight", "50800") TAIL;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(t.set, XPS_TK_MEDIA);
  assert_float_equal(t.media_w_in, 4.0, 1e-9);
  assert_float_equal(t.media_h_in, 2.0, 1e-9);
  assert_string_equal(t.media_name, "CustomMediaSize");
  /* Named size without properties. */
  const char *named = HEAD FEATURE("psk:PageMediaSize",
                                   OPTION("psk:NorthAmericaLegal", "")) TAIL;
  assert_int_equal(parse(named, &ctx, &t, &err), 0);
  assert_float_equal(t.media_w_in, 8.5, 1e-9);
  assert_float_equal(t.media_h_in, 14.0, 1e-9);
  /* A private option without sizes: warned, unset. */
  const char *priv =
      HEAD FEATURE("psk:PageMediaSize", "<psf:Option xmlns:v=\"urn:v\" "
                                        "name=\"v:Odd\"/>") TAIL;
  assert_int_equal(parse(priv, &ctx, &t, &err), 0);
  assert_int_equal(t.set, 0);
  assert_int_equal(ws.n, 1);
  assert_int_equal(ws.last_status, XR_E_UNSUPPORTED);
  assert_non_null(strstr(ws.last, "PageMediaSize"));
}

static void test_bad_values_warn(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  const char *xml = HEAD FEATURE("psk:PageOutputColor", OPTION("psk:Sepia", ""))
      FEATURE("psk:PageResolution",
              "<psf:Option>" PROP("psk:ResolutionX", "60x0") "</psf:Option>")
          FEATURE("psk:PageMediaSize",
                  OPTION("psk:ISOA4", PROP("psk:MediaSizeWidth", "-5")
                                          PROP("psk:MediaSizeHeight", "9")))
              FEATURE("psk:PageOrientation", OPTION("psk:Landscape", ""))
                  PARAM("psk:JobCopiesAllDocuments", "0") TAIL;
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(t.set, XPS_TK_ORIENTATION); /* the only good one */
  assert_int_equal(ws.n, 4);
  assert_true(ws.last_line > 1);
}

static void test_copies_limit(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  char xml[2048];
  int64_t lim = xps_limit(&ctx, XR_LIMIT_COPIES);
  assert_int_equal(lim, 9999);
  snprintf(xml, sizeof xml,
           HEAD PARAM("psk:JobCopiesAllDocuments", "%lld") TAIL,
           (long long)lim);
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(t.set, XPS_TK_JOB_COPIES);
  assert_int_equal(t.job_copies, lim);
  snprintf(xml, sizeof xml,
           HEAD PARAM("psk:JobCopiesAllDocuments", "%lld") TAIL,
           (long long)lim + 1);
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(t.set, 0);
  assert_int_equal(ws.last_status, XR_E_LIMIT);
  /* A job may lower it, never raise it past the bound. */
  xr_limits_set(&ctx.limits, XR_LIMIT_COPIES, 5);
  snprintf(xml, sizeof xml, HEAD PARAM("psk:DocumentCopiesAllPages", "6") TAIL);
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(t.set, 0);
  assert_int_equal(xr_limits_set(&ctx.limits, XR_LIMIT_COPIES, INT64_MAX),
                   xr_limit_bound(XR_LIMIT_COPIES));
  assert_int_equal(xr_limit_bound(XR_LIMIT_COPIES), 1000000);
}

static void test_malformed_and_foreign(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  /* Broken XML: an error that names the part and the line. */
  const char *broken = HEAD FEATURE(
      "psk:PageOrientation",
      OPTION("psk:Landscape",
             "")) "<psf:Feature name=\"psk:PageOutputColor\">\n<psf:Option>\n"
                  "</psf:Feature>" TAIL;
  assert_int_equal(parse(broken, &ctx, &t, &err), XR_E_FORMAT);
  assert_int_equal(t.set, 0); /* nothing half-applied */
  assert_string_equal(err.part, "/Documents/1/PT.xml");
  assert_true(err.line >= 4);
  /* Not a PrintTicket at all. */
  assert_int_equal(parse("<Hello xmlns=\"urn:x\"/>", &ctx, &t, &err),
                   XR_E_UNSUPPORTED);
  assert_int_equal(parse("<psf:PrintCapabilities xmlns:psf=\"" PSF_NS "\"/>",
                         &ctx, &t, &err),
                   XR_E_UNSUPPORTED);
  /* Empty input, and a DTD (entity expansion is never attempted). */
  assert_int_equal(parse("", &ctx, &t, &err), XR_E_FORMAT);
  const char *dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">"
                    "<!ENTITY b \"&a;&a;&a;&a;\">]>"
                    "<psf:PrintTicket xmlns:psf=\"" PSF_NS "\">&b;"
                    "</psf:PrintTicket>";
  assert_int_equal(parse(dtd, &ctx, &t, &err), XR_E_FORMAT);
}

static void test_depth_and_param_bounds(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  int depth = (int)xps_limit(&ctx, XR_LIMIT_XML_DEPTH);
  size_t cap = (size_t)depth * 40 + 1024;
  char *xml = malloc(cap);
  assert_non_null(xml);
  /* Nesting to depth N-1 (root is 0) is fine, N is not. */
  for (int extra = 0; extra < 2; extra++) {
    size_t n = (size_t)snprintf(xml, cap,
                                "<psf:PrintTicket xmlns:psf=\"" PSF_NS "\">");
    int inner = depth - 1 + extra;
    for (int i = 0; i < inner; i++)
      n += (size_t)snprintf(xml + n, cap - n, "<a>");
    for (int i = 0; i < inner; i++)
      n += (size_t)snprintf(xml + n, cap - n, "</a>");
    snprintf(xml + n, cap - n, "</psf:PrintTicket>");
    assert_int_equal(parse(xml, &ctx, &t, &err), extra ? XR_E_LIMIT : 0);
  }
  free(xml);
  /* More ParameterInits than kept: one warning, the kept ones still work. */
  size_t big = (XPS_TICKET_MAX_PARAMS + 10) * 200 + 1024;
  xml = malloc(big);
  assert_non_null(xml);
  size_t n =
      (size_t)snprintf(xml, big, HEAD PARAM("psk:JobCopiesAllDocuments", "4"));
  for (int i = 0; i < XPS_TICKET_MAX_PARAMS + 10; i++)
    n += (size_t)snprintf(xml + n, big - n, PARAM("psk:P%d", "1"), i);
  snprintf(xml + n, big - n, TAIL);
  ws.n = 0;
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(ws.n, 1);
  assert_int_equal(ws.last_status, XR_E_LIMIT);
  assert_int_equal(t.job_copies, 4);
  free(xml);
}

static void test_merge_scopes(void **state) {
  (void)state;
  xps_ticket job, doc, page, eff;
  xps_ticket_init(&job);
  xps_ticket_init(&doc);
  xps_ticket_init(&page);
  job.set = XPS_TK_JOB_COPIES | XPS_TK_DUPLEX | XPS_TK_RESOLUTION |
            XPS_TK_MEDIA | XPS_TK_DOC_COPIES;
  job.job_copies = 2;
  job.doc_copies = 5;
  job.duplex = XPS_DUPLEX_LONG_EDGE;
  job.res_x = job.res_y = 300;
  job.media_w_in = 8.5;
  job.media_h_in = 11;
  doc.set = XPS_TK_JOB_COPIES | XPS_TK_DOC_COPIES | XPS_TK_RESOLUTION;
  doc.job_copies = 7; /* a Job feature in a document ticket: ignored */
  doc.doc_copies = 3;
  doc.res_x = doc.res_y = 600;
  page.set =
      XPS_TK_DOC_COPIES | XPS_TK_DUPLEX | XPS_TK_MEDIA | XPS_TK_ORIENTATION;
  page.doc_copies = 9;                /* ignored at page level */
  page.duplex = XPS_DUPLEX_ONE_SIDED; /* ignored at page level */
  page.media_w_in = 4;
  page.media_h_in = 6;
  page.orientation = XPS_ORIENT_LANDSCAPE;
  page.set |= XPS_TK_COLLATE; /* a Job feature: ignored at page level */
  page.collate = 0;
  eff = job;
  xps_ticket_merge(&eff, &doc, XPS_TICKET_DOCUMENT);
  xps_ticket_merge(&eff, &page, XPS_TICKET_PAGE);
  assert_int_equal(eff.job_copies, 2);
  assert_int_equal(eff.doc_copies, 3);
  assert_int_equal(eff.duplex, XPS_DUPLEX_LONG_EDGE);
  assert_int_equal(eff.res_x, 600);
  assert_float_equal(eff.media_w_in, 4, 0);
  assert_int_equal(eff.orientation, XPS_ORIENT_LANDSCAPE);
  assert_int_equal(eff.set, job.set | XPS_TK_ORIENTATION);
  assert_false(eff.set & XPS_TK_COLLATE);
  assert_int_equal(xps_ticket_scope(XPS_TK_JOB_COPIES), XPS_TICKET_JOB);
  assert_int_equal(xps_ticket_scope(XPS_TK_COLLATE), XPS_TICKET_JOB);
  assert_int_equal(xps_ticket_scope(XPS_TK_DOC_COPIES), XPS_TICKET_DOCUMENT);
  assert_int_equal(xps_ticket_scope(XPS_TK_MEDIA), XPS_TICKET_PAGE);
}

static void collect(void *ud, const char *target) {
  char *got = ud;
  strcat(got, target);
  strcat(got, ";");
}

static void test_discard_parse(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  const char *xml =
      "<DiscardControl xmlns=\"http://schemas.microsoft.com/xps/2005/06/"
      "discard-control\">"
      "<Discard SentinelPage=\"/Documents/1/Pages/2.fpage\" "
      "Target=\"Resources/font.odttf\"/>"
      "<Discard SentinelPage=\"/Documents/1/Pages/3.fpage\"/>"
      "<Discard SentinelPage=\"/Documents/1/Pages/2.fpage\" "
      "Target=\"/Resources/img.png\"/>"
      "</DiscardControl>";
  xps_part part = {"/Discard/dc.xml", (unsigned char *)xml, strlen(xml)};
  xps_discard_list l;
  xr_errinfo err;
  assert_int_equal(xps_discard_parse(&part, &ctx, &l, &err), 0);
  assert_int_equal(l.n, 2);
  assert_int_equal(ws.n, 1); /* the entry without Target */
  assert_string_equal(l.v[0].target, "/Discard/Resources/font.odttf");
  assert_string_equal(l.v[1].target, "/Resources/img.png");
  char got[256] = "";
  xps_discard_after_page(&l, "/documents/1/PAGES/2.fpage", collect, got);
  assert_string_equal(got, "/Discard/Resources/font.odttf;/Resources/img.png;");
  got[0] = '\0';
  xps_discard_after_page(&l, "/Documents/1/Pages/1.fpage", collect, got);
  assert_string_equal(got, "");
  xps_discard_list_free(&l);
  assert_null(l.v);
  const char *wrong = "<Nope xmlns=\"urn:x\"/>";
  xps_part p2 = {"/d.xml", (unsigned char *)wrong, strlen(wrong)};
  assert_int_equal(xps_discard_parse(&p2, &ctx, &l, &err), XR_E_FORMAT);
}

static xps_pkg *open_corpus(const char *name, const xps_ctx *ctx) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/ticket/%s", XR_SOURCE_DIR, name);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open(path, ctx, &pkg, &err), 0);
  return pkg;
}

static void test_set_levels(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_pkg *pkg = open_corpus("levels.xps", &ctx);
  xps_ticket_set set;
  xr_errinfo err;
  assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), 0);
  assert_int_equal(ws.n, 0);
  assert_int_equal(set.ndocs, 2);
  assert_int_equal(set.npages, 3);
  assert_int_equal(set.doc_first_page[1], 2);
  assert_int_equal(set.npage_tickets, 1);
  assert_int_equal(xps_ticket_set_doc_of(&set, 1), 0);
  assert_int_equal(xps_ticket_set_doc_of(&set, 2), 1);
  xps_ticket t;
  xps_ticket_set_page(&set, 0, &t);
  assert_int_equal(t.set, XPS_TK_MEDIA | XPS_TK_RESOLUTION | XPS_TK_DOC_COPIES);
  assert_int_equal(t.res_x, 100);
  assert_float_equal(t.media_w_in, 8.5, 1e-9);
  assert_int_equal(t.doc_copies, 2);
  xps_ticket_set_page(&set, 1, &t);
  assert_true(t.set & XPS_TK_ORIENTATION);
  assert_false(t.set & XPS_TK_JOB_COPIES); /* doc ticket's Job copies */
  assert_int_equal(t.orientation, XPS_ORIENT_LANDSCAPE);
  assert_float_equal(t.media_w_in, 148000 / 25400.0, 1e-9);
  assert_string_equal(t.media_name, "ISOA5");
  xps_ticket_set_page(&set, 2, &t);
  assert_int_equal(t.set, XPS_TK_MEDIA | XPS_TK_RESOLUTION);
  xps_ticket_set_free(&set);
  xps_pkg_close(pkg);
}

static void test_set_job_and_oxps(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket_set set;
  xr_errinfo err;
  xps_pkg *pkg = open_corpus("job_ticket.xps", &ctx);
  assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), 0);
  assert_int_equal(set.job.job_copies, 2);
  assert_int_equal(set.job.duplex, XPS_DUPLEX_LONG_EDGE);
  assert_int_equal(set.job.color, XPS_COLOR_GRAY);
  assert_int_equal(set.job.res_x, 150);
  assert_string_equal(set.job.media_name, "ISOA4");
  xps_ticket_set_free(&set);
  xps_pkg_close(pkg);
  pkg = open_corpus("oxps_ticket.oxps", &ctx);
  assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), 0);
  assert_int_equal(set.job.set,
                   XPS_TK_RESOLUTION | XPS_TK_COLOR | XPS_TK_JOB_COPIES);
  assert_int_equal(set.job.color, XPS_COLOR_MONO);
  assert_int_equal(set.job.job_copies, 3);
  assert_int_equal(set.npages, 1);
  xps_ticket_set_free(&set);
  xps_pkg_close(pkg);
  assert_int_equal(ws.n, 0);
}

static void test_set_bad_tickets_warn(void **state) {
  (void)state;
  const char *files[] = {"bad_ticket.xps", "foreign_ticket.xps"};
  for (int i = 0; i < 2; i++) {
    xps_ctx ctx;
    warns ws;
    ctx_with(&ctx, &ws);
    xps_ticket_set set;
    xr_errinfo err;
    xps_pkg *pkg = open_corpus(files[i], &ctx);
    assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), 0);
    assert_int_equal(set.job.set, 0);
    assert_int_equal(set.npages, 1);
    assert_int_equal(ws.n, 1);
    assert_non_null(strstr(ws.last, "PrintTicket"));
    xps_ticket_set_free(&set);
    xps_pkg_close(pkg);
  }
}

static void test_discard_load(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_discard_list l;
  xr_errinfo err;
  xps_pkg *pkg = open_corpus("discard.xps", &ctx);
  assert_int_equal(xps_discard_load(pkg, &ctx, &l, &err), 1);
  assert_int_equal(l.n, 1);
  assert_string_equal(l.v[0].sentinel, "/Documents/1/Pages/1.fpage");
  xps_discard_list_free(&l);
  xps_pkg_close(pkg);
  pkg = open_corpus("levels.xps", &ctx);
  assert_int_equal(xps_discard_load(pkg, &ctx, &l, &err), 0);
  assert_int_equal(l.n, 0);
  xps_pkg_close(pkg);
}

/* The shape Windows drivers write: private namespaces, Property elements
 * beside ScoredProperties, option names from a private namespace with the
 * values in psk properties, nested sub-features, xsi:type on values. */
static void test_windows_like_ticket(void **state) {
  (void)state;
  const char *xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<psf:PrintTicket xmlns:psf=\"" PSF_NS "\" xmlns:psk=\"" PSK_NS "\" "
      "xmlns:xsi=\"" XSI_NS "\" "
      "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
      "xmlns:ns0000=\"http://schemas.microsoft.com/windows/printing/"
      "oemdriverpt/Contoso\" version=\"1\">\n"
      "<psf:Feature name=\"psk:JobInputBin\"><psf:Option "
      "name=\"psk:AutoSelect\"/></psf:Feature>\n"
      "<psf:Feature name=\"psk:PageMediaSize\">\n"
      "  <psf:Option name=\"psk:ISOA5\">\n"
      "    <psf:Property name=\"psk:DisplayName\"><psf:Value "
      "xsi:type=\"xsd:string\">A5</psf:Value></psf:Property>\n"
      "    <psf:ScoredProperty name=\"psk:MediaSizeWidth\"><psf:Value "
      "xsi:type=\"xsd:integer\">148000</psf:Value></psf:ScoredProperty>\n"
      "    <psf:ScoredProperty name=\"psk:MediaSizeHeight\"><psf:Value "
      "xsi:type=\"xsd:integer\">210000</psf:Value></psf:ScoredProperty>\n"
      "  </psf:Option>\n</psf:Feature>\n"
      "<psf:Feature name=\"psk:PageResolution\">\n"
      "  <psf:Option name=\"ns0000:_600x600\">\n"
      "    <psf:ScoredProperty name=\"psk:ResolutionX\"><psf:Value "
      "xsi:type=\"xsd:integer\">600</psf:Value></psf:ScoredProperty>\n"
      "    <psf:ScoredProperty name=\"psk:ResolutionY\"><psf:Value "
      "xsi:type=\"xsd:integer\">600</psf:Value></psf:ScoredProperty>\n"
      "  </psf:Option>\n</psf:Feature>\n"
      "<psf:Feature name=\"psk:DocumentNUp\">\n"
      "  <psf:Feature name=\"psk:PresentationDirection\"><psf:Option "
      "name=\"psk:RightBottom\"/></psf:Feature>\n"
      "  <psf:Option><psf:ScoredProperty name=\"psk:PagesPerSheet\">"
      "<psf:Value xsi:type=\"xsd:integer\">1</psf:Value>"
      "</psf:ScoredProperty></psf:Option>\n</psf:Feature>\n"
      "<psf:Feature name=\"ns0000:Watermark\"><psf:Option "
      "name=\"ns0000:None\"/></psf:Feature>\n"
      "<psf:ParameterInit name=\"psk:JobCopiesAllDocuments\"><psf:Value "
      "xsi:type=\"xsd:integer\">4</psf:Value></psf:ParameterInit>\n"
      "</psf:PrintTicket>\n";
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_ticket t;
  xr_errinfo err;
  assert_int_equal(parse(xml, &ctx, &t, &err), 0);
  assert_int_equal(ws.n, 0);
  assert_int_equal(t.set, XPS_TK_MEDIA | XPS_TK_RESOLUTION | XPS_TK_JOB_COPIES);
  assert_float_equal(t.media_w_in, 148000 / 25400.0, 1e-9);
  assert_string_equal(t.media_name, "ISOA5");
  assert_int_equal(t.res_x, 600);
  assert_int_equal(t.job_copies, 4);
}

/* The walk is bounded by the PAGES limit (levels.xps has 3 pages) and by
 * ENTRY_COUNT for documents (it has 2). */
static void test_set_limits(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  xps_pkg *pkg = open_corpus("levels.xps", &ctx);
  xps_ticket_set set;
  xr_errinfo err;
  xr_limits_set(&ctx.limits, XR_LIMIT_PAGES, 3);
  assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), 0);
  assert_int_equal(set.npages, 3);
  xps_ticket_set_free(&set);
  xr_limits_set(&ctx.limits, XR_LIMIT_PAGES, 2);
  assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), XR_E_LIMIT);
  assert_non_null(strstr(err.msg, "PageContent"));
  assert_null(set.docs); /* nothing left allocated */
  xr_limits_set(&ctx.limits, XR_LIMIT_PAGES, 100);
  xr_limits_set(&ctx.limits, XR_LIMIT_ENTRY_COUNT, 1);
  assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), XR_E_LIMIT);
  xps_pkg_close(pkg);
}

/* A pipe that a child fills with a corpus file's bytes. */
static int pipe_corpus(const char *name, pid_t *pid) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/ticket/%s", XR_SOURCE_DIR, name);
  int p[2];
  assert_int_equal(pipe(p), 0);
  *pid = fork();
  assert_true(*pid >= 0);
  if (*pid == 0) {
    close(p[0]);
    int fd = open(path, O_RDONLY);
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

static xps_pkg *stream_corpus(const char *name, const xps_ctx *ctx, int *fd,
                              pid_t *pid) {
  *fd = pipe_corpus(name, pid);
  xps_pkg *pkg = NULL;
  xr_errinfo err;
  assert_int_equal(xps_pkg_open_fd(*fd, ctx, &pkg, &err), 0);
  return pkg;
}

static void end_stream(xps_pkg *pkg, int fd, pid_t pid) {
  xps_pkg_close(pkg);
  close(fd);
  waitpid(pid, NULL, 0);
}

static void assert_same_ticket(const xps_ticket *a, const xps_ticket *b) {
  assert_int_equal(a->set, b->set);
  if (a->set & XPS_TK_MEDIA) {
    assert_float_equal(a->media_w_in, b->media_w_in, 1e-9);
    assert_float_equal(a->media_h_in, b->media_h_in, 1e-9);
    assert_string_equal(a->media_name, b->media_name);
  }
  if (a->set & XPS_TK_RESOLUTION) {
    assert_int_equal(a->res_x, b->res_x);
    assert_int_equal(a->res_y, b->res_y);
  }
  if (a->set & XPS_TK_ORIENTATION)
    assert_int_equal(a->orientation, b->orientation);
  if (a->set & XPS_TK_COLOR)
    assert_int_equal(a->color, b->color);
  if (a->set & XPS_TK_DOC_COPIES)
    assert_int_equal(a->doc_copies, b->doc_copies);
  if (a->set & XPS_TK_JOB_COPIES)
    assert_int_equal(a->job_copies, b->job_copies);
}

/* On a seekable package the lazy walk finds what the up-front set does. */
static void test_walk_matches_set(void **state) {
  (void)state;
  const char *files[] = {"levels.xps", "mixed.xps", "stream_ticket.xps",
                         "job_ticket.xps"};
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    xps_ctx ctx;
    warns ws;
    ctx_with(&ctx, &ws);
    xps_pkg *pkg = open_corpus(files[f], &ctx);
    xps_ticket_set set;
    xps_ticket_walk w;
    xr_errinfo err;
    assert_int_equal(xps_ticket_set_load(pkg, &ctx, &set, &err), 0);
    assert_int_equal(xps_ticket_walk_open(pkg, &ctx, &w, &err), 0);
    assert_int_equal(xps_ticket_walk_doc(&w), -1);
    int tickets = 0;
    for (int p = 0; p < set.npages; p++) {
      xps_ticket a, b;
      xps_ticket_set_page(&set, p, &a);
      assert_int_equal(xps_ticket_walk_page(&w, p, &b, &err), 0);
      assert_same_ticket(&a, &b);
      assert_int_equal(xps_ticket_walk_doc(&w), xps_ticket_set_doc_of(&set, p));
      tickets += a.set != 0;
    }
    assert_true(tickets > 0);
    /* Past the end: job and last document. */
    xps_ticket t;
    assert_int_equal(xps_ticket_walk_page(&w, set.npages + 5, &t, &err), 0);
    xps_ticket_walk_close(&w);
    xps_ticket_set_free(&set);
    xps_pkg_close(pkg);
  }
}

/* On a stream nothing is read beyond the page asked for and the start of
 * the next one. */
static void test_walk_stream(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  int fd;
  pid_t pid;
  xps_pkg *pkg = stream_corpus("stream_ticket.xps", &ctx, &fd, &pid);
  xps_ticket_walk w;
  xr_errinfo err;
  assert_int_equal(xps_ticket_walk_open(pkg, &ctx, &w, &err), 0);
  assert_int_equal(w.job.set, XPS_TK_RESOLUTION | XPS_TK_COLOR);
  assert_int_equal(w.job.res_x, 100);
  assert_int_equal(w.job.color, XPS_COLOR_GRAY);
  xps_ticket t;
  assert_int_equal(xps_ticket_walk_page(&w, 0, &t, &err), 0);
  assert_int_equal(t.set, XPS_TK_RESOLUTION | XPS_TK_COLOR);
  /* Page 1 has no relationships: the search ended as page 2 arrived. */
  size_t n = xps_pkg_part_count(pkg);
  assert_string_equal(xps_pkg_part_name(pkg, n - 1),
                      "/Documents/1/Pages/2.fpage");
  assert_int_equal(xps_ticket_walk_page(&w, 1, &t, &err), 0);
  assert_true(t.set & XPS_TK_ORIENTATION);
  assert_int_equal(t.orientation, XPS_ORIENT_LANDSCAPE);
  assert_int_equal(xps_ticket_walk_doc(&w), 0);
  assert_int_equal(xps_ticket_walk_page(&w, 2, &t, &err), 0);
  assert_int_equal(xps_ticket_walk_doc(&w), 1);
  assert_int_equal(t.orientation, XPS_ORIENT_LANDSCAPE);
  assert_int_equal(t.res_x, 100);
  assert_int_equal(ws.n, 0);
  xps_ticket_walk_close(&w);
  end_stream(pkg, fd, pid);

  /* Tickets stored after the pages are not waited for: the job ticket of
   * levels.xps is at the end, and asking for it stops at page 1. */
  pkg = stream_corpus("levels.xps", &ctx, &fd, &pid);
  assert_int_equal(xps_ticket_walk_open(pkg, &ctx, &w, &err), 0);
  assert_int_equal(w.job.set, 0);
  n = xps_pkg_part_count(pkg);
  assert_string_equal(xps_pkg_part_name(pkg, n - 1),
                      "/Documents/1/Pages/1.fpage");
  xps_ticket_walk_close(&w);
  end_stream(pkg, fd, pid);
}

static void forget_cb(void *ud, const char *target) {
  xps_pkg_forget(ud, target);
}

/* DiscardControl on a stream: stored first, it frees the big resource's
 * spill memory after page 1; stored last, it is not waited for. */
static void test_discard_stream(void **state) {
  (void)state;
  xps_ctx ctx;
  warns ws;
  ctx_with(&ctx, &ws);
  int fd;
  pid_t pid;
  xps_pkg *pkg = stream_corpus("discard_stream.xps", &ctx, &fd, &pid);
  xps_discard_list l;
  xr_errinfo err;
  assert_int_equal(xps_discard_load(pkg, &ctx, &l, &err), 1);
  assert_int_equal(l.n, 2);
  xps_part *p = NULL;
  assert_int_equal(
      xps_pkg_read_part(pkg, "/Documents/1/Pages/1.fpage", &p, &err), 0);
  xps_part_drop(p);
  uint64_t mem0, mem1, peak, file;
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem0, &peak, &file), 0);
  assert_true(mem0 >= 256 * 1024);
  xps_discard_after_page(&l, "/Documents/1/Pages/2.fpage", forget_cb, pkg);
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem1, &peak, &file), 0);
  assert_int_equal(mem1, mem0);
  xps_discard_after_page(&l, "/Documents/1/Pages/1.fpage", forget_cb, pkg);
  assert_int_equal(xps_pkg_spill_stats(pkg, &mem1, &peak, &file), 0);
  assert_true(mem1 + 256 * 1024 <= mem0);
  assert_int_equal(xps_pkg_read_part(pkg, "/Resources/big.bin", &p, &err),
                   XR_E_NOTFOUND);
  assert_int_equal(xps_pkg_drain(pkg, &err), 0);
  xps_discard_list_free(&l);
  end_stream(pkg, fd, pid);

  pkg = stream_corpus("discard.xps", &ctx, &fd, &pid);
  assert_int_equal(xps_discard_load(pkg, &ctx, &l, &err), 0);
  assert_int_equal(l.n, 0);
  size_t n = xps_pkg_part_count(pkg);
  assert_string_equal(xps_pkg_part_name(pkg, n - 1),
                      "/Documents/1/Pages/1.fpage");
  end_stream(pkg, fd, pid);
}

/* Spill memory seen at each page's start and end, through the glue. */
typedef struct spill_seen {
  xr_doc *doc;
  uint64_t begin[4], end[4];
} spill_seen;

static uint64_t spill_now(xr_doc *doc) {
  uint64_t mem = 0, peak, file;
  assert_int_equal(xps_pkg_spill_stats(xr_doc_pkg(doc), &mem, &peak, &file), 0);
  return mem;
}

static int seen_begin(void *ud, const xr_page_info *info) {
  spill_seen *s = ud;
  if (info->index >= 0 && info->index < 4)
    s->begin[info->index] = spill_now(s->doc);
  return 0;
}

static int seen_band(void *ud, const xr_page_info *info, int y, int rows,
                     const uint8_t *data, size_t stride) {
  (void)ud, (void)info, (void)y, (void)rows, (void)data, (void)stride;
  return 0;
}

static int seen_end(void *ud, const xr_page_info *info) {
  spill_seen *s = ud;
  if (info->index >= 0 && info->index < 4)
    s->end[info->index] = spill_now(s->doc);
  return 0;
}

/* xr_doc_render applies the DiscardControl after each page of a stream:
 * the 256 KiB resource leaves spill memory once page 1 is done. */
static void test_discard_render(void **state) {
  (void)state;
  pid_t pid;
  int fd = pipe_corpus("discard_stream.xps", &pid);
  spill_seen s;
  memset(&s, 0, sizeof s);
  xr_errinfo err;
  assert_int_equal(xr_doc_open_fd(fd, NULL, &s.doc, &err), 0);
  xr_band_sink sink = {&s, seen_begin, seen_band, seen_end};
  xr_render_opts ro;
  xr_render_opts_init(&ro);
  ro.dpi = 20;
  assert_int_equal(xr_doc_render(s.doc, &ro, &sink, &err), 0);
  assert_true(s.end[0] >= 256 * 1024);
  assert_true(s.begin[1] + 256 * 1024 <= s.end[0]);
  xr_doc_close(s.doc);
  close(fd);
  waitpid(pid, NULL, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_ticket),
      cmocka_unit_test(test_windows_like_ticket),
      cmocka_unit_test(test_prefixes_are_resolved),
      cmocka_unit_test(test_custom_media_by_parameter),
      cmocka_unit_test(test_bad_values_warn),
      cmocka_unit_test(test_copies_limit),
      cmocka_unit_test(test_malformed_and_foreign),
      cmocka_unit_test(test_depth_and_param_bounds),
      cmocka_unit_test(test_merge_scopes),
      cmocka_unit_test(test_discard_parse),
      cmocka_unit_test(test_set_levels),
      cmocka_unit_test(test_set_job_and_oxps),
      cmocka_unit_test(test_set_bad_tickets_warn),
      cmocka_unit_test(test_discard_load),
      cmocka_unit_test(test_set_limits),
      cmocka_unit_test(test_walk_matches_set),
      cmocka_unit_test(test_walk_stream),
      cmocka_unit_test(test_discard_stream),
      cmocka_unit_test(test_discard_render),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
