/* Print settings layers: parsing of CUPS options and PPD defaults, and the
 * precedence defaults < PPD < PrintTicket < job options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "filter/printopts.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <cups/ppd.h>

typedef struct warns {
  int n;
  char last[512];
} warns;

static void on_warn(void *ud, const char *msg) {
  warns *w = ud;
  w->n++;
  snprintf(w->last, sizeof w->last, "%s", msg);
}

static int opts(xr_print_layer *l, const char *copies, const char *o,
                char *pages, warns *w) {
  memset(w, 0, sizeof *w);
  return xr_print_from_options(l, copies, o, NULL, pages, 64, on_warn, w);
}

static void test_options(void **state) {
  (void)state;
  xr_print_layer l;
  warns w;
  char pages[64];
  assert_int_equal(opts(&l, "1", "", pages, &w), 0);
  assert_int_equal(l.set, 0); /* copies 1 is what cupsd always sends */
  assert_string_equal(pages, "");

  assert_int_equal(opts(&l, "3",
                        "Resolution=300x600dpi ColorModel=Gray "
                        "media=tray-1,A4 orientation-requested=4 "
                        "sides=two-sided-short-edge page-ranges=2-3,5",
                        pages, &w),
                   0);
  assert_int_equal(w.n, 0);
  assert_int_equal(l.set, XR_PS_COPIES | XR_PS_DPI | XR_PS_COLOR | XR_PS_MEDIA |
                              XR_PS_ORIENT | XR_PS_DUPLEX);
  assert_int_equal(l.copies, 3);
  assert_int_equal(l.dpi, 600);
  assert_int_equal(l.colorspace, XR_CS_GRAY);
  assert_float_equal(l.media_w_in, 210 / 25.4, 1e-6);
  assert_string_equal(l.media_name, "iso_a4_210x297mm");
  assert_int_equal(l.orientation, XPS_ORIENT_LANDSCAPE);
  assert_int_equal(l.duplex, XPS_DUPLEX_SHORT_EDGE);
  assert_string_equal(pages, "2-3,5");

  /* dpcm, custom sizes in several units, print-color-mode. */
  assert_int_equal(opts(&l, NULL,
                        "printer-resolution=118dpcm PageSize=Custom.4x6in "
                        "print-color-mode=bi-level",
                        pages, &w),
                   0);
  assert_int_equal(l.dpi, 300);
  assert_float_equal(l.media_w_in, 4, 1e-9);
  assert_float_equal(l.media_h_in, 6, 1e-9);
  assert_int_equal(l.colorspace, XR_CS_MONO);
  assert_int_equal(opts(&l, NULL, "media=Custom.100x150mm", pages, &w), 0);
  assert_float_equal(l.media_h_in, 150 / 25.4, 1e-9);
  assert_int_equal(opts(&l, NULL, "PageSize=Custom.612x792", pages, &w), 0);
  assert_float_equal(l.media_w_in, 8.5, 1e-9);

  /* print-color-mode=color/auto leave colour to the weaker layers. */
  assert_int_equal(opts(&l, NULL, "print-color-mode=color", pages, &w), 0);
  assert_false(l.set & XR_PS_COLOR);
  assert_int_equal(opts(&l, NULL, "print-color-mode=auto", pages, &w), 0);
  assert_false(l.set & XR_PS_COLOR);
  assert_int_equal(
      opts(&l, NULL, "orientation-requested=7 landscape=false", pages, &w), 0);
  assert_false(l.set & XR_PS_ORIENT);
  assert_int_equal(w.n, 0);
  assert_int_equal(opts(&l, NULL, "collate=false", pages, &w), 0);
  assert_int_equal(l.set, XR_PS_COLLATE);
  assert_int_equal(l.collate, 0);
  const char *gray[] = {"ColorModel=FastGray", "ColorModel=DeviceGray",
                        "ColorModel=Grey"};
  for (int i = 0; i < 3; i++) {
    assert_int_equal(opts(&l, NULL, gray[i], pages, &w), 0);
    assert_int_equal(l.colorspace, XR_CS_GRAY);
  }
  assert_int_equal(opts(&l, NULL, "print-scaling=none", pages, &w), 0);
  assert_int_equal(l.set, XR_PS_FIT);
  assert_int_equal(l.fit, XR_FIT_CLIP);
  assert_int_equal(opts(&l, NULL, "fit-to-page=true", pages, &w), 0);
  assert_int_equal(l.fit, XR_FIT_SCALE);
  assert_int_equal(opts(&l, NULL, "print-scaling=stretch", pages, &w), 0);
  assert_int_equal(w.n, 1);
  assert_int_equal(l.set, 0);
  assert_int_equal(opts(&l, NULL, "Collate=True", pages, &w), 0);
  assert_int_equal(l.collate, 1);
  assert_int_equal(
      opts(&l, NULL,
           "multiple-document-handling=separate-documents-uncollated-copies",
           pages, &w),
      0);
  assert_int_equal(l.collate, 0);
}

static void test_bad_options_warn(void **state) {
  (void)state;
  xr_print_layer l;
  warns w;
  char pages[64];
  assert_int_equal(opts(&l, "x", "", pages, &w), XR_E_USAGE);
  assert_int_equal(opts(&l, "0", "", pages, &w), XR_E_USAGE);
  const char *bad[] = {"Resolution=0dpi",         "Resolution=99999dpi",
                       "Resolution=300dpx",       "ColorModel=Sepia",
                       "print-color-mode=pink",   "media=not-a-size",
                       "PageSize=Custom.0x5in",   "PageSize=Custom.5x5furlong",
                       "orientation-requested=9", "sides=three-sided",
                       "page-ranges=3-1",         "page-ranges=a"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(opts(&l, NULL, bad[i], pages, &w), 0);
    if (w.n != 1)
      print_message("not warned: %s\n", bad[i]);
    assert_int_equal(w.n, 1);
    assert_int_equal(l.set, 0);
    assert_string_equal(pages, "");
  }
  /* Resolution at the DPI limit is taken, one above is warned about. */
  char res[64];
  xr_limits lim;
  xr_limits_init(&lim);
  snprintf(res, sizeof res, "Resolution=%lld", (long long)lim.v[XR_LIMIT_DPI]);
  assert_int_equal(opts(&l, NULL, res, pages, &w), 0);
  assert_int_equal(l.dpi, lim.v[XR_LIMIT_DPI]);
  snprintf(res, sizeof res, "Resolution=%lld",
           (long long)lim.v[XR_LIMIT_DPI] + 1);
  assert_int_equal(opts(&l, NULL, res, pages, &w), 0);
  assert_int_equal(w.n, 1);
  assert_false(l.set & XR_PS_DPI);
  /* Copies above the limit: warned, left to the other layers. */
  char big[32];
  snprintf(big, sizeof big, "%lld",
           (long long)xr_limit_bound(XR_LIMIT_COPIES) + 1);
  assert_int_equal(opts(&l, big, "", pages, &w), 0);
  assert_int_equal(w.n, 1);
  assert_false(l.set & XR_PS_COPIES);
}

static void test_precedence(void **state) {
  (void)state;
  xr_print_layer eff, ppd, tl, op;
  xr_print_defaults(&eff);
  assert_int_equal(eff.dpi, 300);
  assert_int_equal(eff.colorspace, XR_CS_RGB);
  assert_false(eff.set & XR_PS_MEDIA);
  /* PPD: 100 dpi, Letter, gray. */
  memset(&ppd, 0, sizeof ppd);
  ppd.set = XR_PS_DPI | XR_PS_MEDIA | XR_PS_COLOR;
  ppd.dpi = 100;
  ppd.media_w_in = 8.5;
  ppd.media_h_in = 11;
  ppd.colorspace = XR_CS_GRAY;
  /* Ticket: A4 and 2 copies (nothing about resolution or colour). */
  xps_ticket t;
  xps_ticket_init(&t);
  t.set = XPS_TK_MEDIA | XPS_TK_JOB_COPIES | XPS_TK_RESOLUTION;
  t.media_w_in = 210 / 25.4;
  t.media_h_in = 297 / 25.4;
  t.job_copies = 2;
  t.res_x = 150;
  t.res_y = 600; /* the larger axis is used */
  xr_print_from_ticket(&tl, &t);
  assert_string_equal(tl.media_name, "iso_a4_210x297mm");
  /* Options: 200 dpi only. */
  warns w;
  char pages[64];
  assert_int_equal(opts(&op, "1", "Resolution=200", pages, &w), 0);

  xr_print_over(&eff, &ppd);
  xr_print_over(&eff, &tl);
  xr_print_over(&eff, &op);
  assert_int_equal(eff.dpi, 200);                       /* options */
  assert_float_equal(eff.media_h_in, 297 / 25.4, 1e-9); /* ticket */
  assert_int_equal(eff.copies, 2);                      /* ticket */
  assert_int_equal(eff.colorspace, XR_CS_GRAY);         /* PPD */
  assert_int_equal(eff.duplex, XPS_DUPLEX_ONE_SIDED);   /* default */
  /* Without options, the ticket's resolution. */
  xr_print_defaults(&eff);
  xr_print_over(&eff, &ppd);
  xr_print_over(&eff, &tl);
  assert_int_equal(eff.dpi, 600);
  char buf[256];
  assert_non_null(strstr(xr_print_describe(&eff, buf, sizeof buf),
                         "600 dpi, gray, iso_a4_210x297mm"));
}

static void test_ppd_defaults(void **state) {
  (void)state;
  char path[] = "/tmp/xr_ppdXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *ppd_text =
      "*PPD-Adobe: \"4.3\"\n*FormatVersion: \"4.3\"\n*FileVersion: \"1.0\"\n"
      "*LanguageVersion: English\n*LanguageEncoding: ISOLatin1\n"
      "*PCFileName: \"T.PPD\"\n*Manufacturer: \"x\"\n*Product: \"(x)\"\n"
      "*ModelName: \"x\"\n*ShortNickName: \"x\"\n*NickName: \"x\"\n"
      "*ColorDevice: True\n"
      "*OpenUI *PageSize: PickOne\n*DefaultPageSize: A4\n"
      "*PageSize Letter: \"<</PageSize[612 792]>>setpagedevice\"\n"
      "*PageSize A4: \"<</PageSize[595 842]>>setpagedevice\"\n"
      "*CloseUI: *PageSize\n"
      "*DefaultPaperDimension: A4\n*PaperDimension Letter: \"612 792\"\n"
      "*PaperDimension A4: \"595 842\"\n"
      "*DefaultImageableArea: A4\n*ImageableArea Letter: \"0 0 612 792\"\n"
      "*ImageableArea A4: \"0 0 595 842\"\n"
      "*OpenUI *Resolution: PickOne\n*DefaultResolution: 600dpi\n"
      "*Resolution 300dpi: \"\"\n*Resolution 600dpi: \"\"\n"
      "*CloseUI: *Resolution\n"
      "*OpenUI *ColorModel: PickOne\n*DefaultColorModel: CMYK\n"
      "*ColorModel RGB: \"\"\n*ColorModel CMYK: \"\"\n"
      "*CloseUI: *ColorModel\n"
      "*OpenUI *Duplex: PickOne\n*DefaultDuplex: DuplexTumble\n"
      "*Duplex None: \"\"\n*Duplex DuplexTumble: \"\"\n*CloseUI: *Duplex\n";
  assert_int_equal(write(fd, ppd_text, strlen(ppd_text)),
                   (ssize_t)strlen(ppd_text));
  close(fd);
  ppd_file_t *ppd = ppdOpenFile(path);
  unlink(path);
  assert_non_null(ppd);
  xr_print_layer l;
  xr_print_from_ppd(&l, ppd);
  assert_int_equal(l.set, XR_PS_DPI | XR_PS_MEDIA | XR_PS_COLOR | XR_PS_DUPLEX);
  assert_int_equal(l.dpi, 600);
  assert_int_equal(l.colorspace, XR_CS_CMYK);
  assert_int_equal(l.duplex, XPS_DUPLEX_SHORT_EDGE);
  assert_float_equal(l.media_w_in, 595 / 72.0, 1e-9);
  assert_string_equal(l.media_name, "iso_a4_210x297mm");
  /* PPD page names resolve through the PPD too. */
  double w, h;
  char name[64];
  assert_int_equal(xr_print_media("Letter", ppd, &w, &h, name, sizeof name), 0);
  assert_float_equal(h, 11, 1e-9);
  ppdClose(ppd);
  xr_print_from_ppd(&l, NULL);
  assert_int_equal(l.set, 0);
}

static void test_rotation_map(void **state) {
  (void)state;
  assert_int_equal(xr_print_rotation(XPS_ORIENT_PORTRAIT), 0);
  assert_int_equal(xr_print_rotation(XPS_ORIENT_LANDSCAPE), 270);
  assert_int_equal(xr_print_rotation(XPS_ORIENT_REVERSE_PORTRAIT), 180);
  assert_int_equal(xr_print_rotation(XPS_ORIENT_REVERSE_LANDSCAPE), 90);
}

static void test_ppd_raster_setup(void **state) {
  (void)state;
  cups_page_header2_t h;
  memset(&h, 0, sizeof h);
  xr_print_layer l;
  struct {
    unsigned cs, bits;
    int want; /* -1: not renderable */
  } cases[] = {
      {CUPS_CSPACE_SW, 8, XR_CS_GRAY},
      {CUPS_CSPACE_W, 8, XR_CS_GRAY},
      {CUPS_CSPACE_SRGB, 8, XR_CS_RGB},
      {CUPS_CSPACE_RGB, 8, XR_CS_RGB},
      {CUPS_CSPACE_CMYK, 8, XR_CS_CMYK},
      {CUPS_CSPACE_K, 1, XR_CS_MONO},
      {CUPS_CSPACE_K, 8, -1},
      {CUPS_CSPACE_RGB, 16, -1},
      {CUPS_CSPACE_KCMY, 8, -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    h.cupsColorSpace = cases[i].cs;
    h.cupsBitsPerColor = cases[i].bits;
    h.HWResolution[0] = 600;
    h.HWResolution[1] = 300;
    xr_print_from_header(&l, &h, XR_PS_DPI | XR_PS_COLOR);
    assert_int_equal(l.dpi, 600);
    if (cases[i].want < 0) {
      assert_false(l.set & XR_PS_COLOR);
    } else {
      assert_true(l.set & XR_PS_COLOR);
      assert_int_equal(l.colorspace, cases[i].want);
    }
  }
  /* A PPD whose ColorModel names mean nothing to us: its code decides. */
  char path[] = "/tmp/xr_ppd2XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *ppd_text =
      "*PPD-Adobe: \"4.3\"\n*FormatVersion: \"4.3\"\n*FileVersion: \"1.0\"\n"
      "*LanguageVersion: English\n*LanguageEncoding: ISOLatin1\n"
      "*PCFileName: \"T.PPD\"\n*Manufacturer: \"x\"\n*Product: \"(x)\"\n"
      "*ModelName: \"x\"\n*ShortNickName: \"x\"\n*NickName: \"x\"\n"
      "*ColorDevice: True\n*DefaultResolution: 360dpi\n"
      "*OpenUI *ColorModel: PickOne\n*DefaultColorModel: Noir\n"
      "*ColorModel Noir: \"<</cupsColorSpace 3/cupsBitsPerColor 1>>"
      "setpagedevice\"\n"
      "*ColorModel Vivid: \"<</cupsColorSpace 1/cupsBitsPerColor 8>>"
      "setpagedevice\"\n*CloseUI: *ColorModel\n"
      "*OpenUI *MediaType: PickOne\n*DefaultMediaType: Plain\n"
      "*MediaType Plain: \"<</MediaType(Plain)/cupsMediaType 0>>"
      "setpagedevice\"\n"
      "*MediaType Glossy: \"<</MediaType(Glossy)/cupsMediaType 7>>"
      "setpagedevice\"\n*CloseUI: *MediaType\n";
  assert_int_equal(write(fd, ppd_text, strlen(ppd_text)),
                   (ssize_t)strlen(ppd_text));
  close(fd);
  ppd_file_t *ppd = ppdOpenFile(path);
  unlink(path);
  assert_non_null(ppd);
  unsigned valid;
  assert_int_equal(xr_print_ppd_header(ppd, NULL, &h, &valid), 0);
  /* No Resolution option: libcups' default resolution is not the PPD's. */
  assert_int_equal(valid, XR_PS_COLOR);
  xr_print_from_header(&l, &h, valid);
  assert_int_equal(l.set, XR_PS_COLOR);
  assert_int_equal(l.colorspace, XR_CS_MONO);
  assert_int_equal(h.cupsMediaType, 0);
  assert_int_equal(
      xr_print_ppd_header(ppd, "ColorModel=Vivid MediaType=Glossy", &h, &valid),
      0);
  xr_print_from_header(&l, &h, valid);
  assert_int_equal(l.colorspace, XR_CS_RGB);
  assert_int_equal(h.cupsMediaType, 7);
  assert_string_equal(h.MediaType, "Glossy");
  /* The PPD is left with its defaults marked. */
  xr_print_layer d;
  xr_print_from_ppd(&d, ppd);
  ppd_choice_t *c = ppdFindMarkedChoice(ppd, "ColorModel");
  assert_non_null(c);
  assert_string_equal(c->choice, "Noir");
  ppdClose(ppd);
  assert_int_equal(xr_print_ppd_header(NULL, NULL, &h, &valid), -1);
  assert_int_equal(valid, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_options),
      cmocka_unit_test(test_bad_options_warn),
      cmocka_unit_test(test_precedence),
      cmocka_unit_test(test_ppd_defaults),
      cmocka_unit_test(test_rotation_map),
      cmocka_unit_test(test_ppd_raster_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
