/* PWG / CUPS raster writer: what goes in as bands must come out of libcups'
 * raster reader with the right headers and pixels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cups/raster.h>
#include <signal.h>
#include <unistd.h>

#include "filter/out_raster.h"

typedef struct page_spec {
  int w, h, cs;
  double dpi;
  int band;    /* rows per band */
  int deliver; /* rows actually delivered (<= h) */
} page_spec;

static int comps(int cs) {
  return cs == XR_CS_RGB ? 3 : cs == XR_CS_CMYK ? 4 : 1;
}

static size_t row_bytes(int cs, int w) {
  return cs == XR_CS_MONO ? ((size_t)w + 7) / 8 : (size_t)w * comps(cs);
}

/* A pattern where every byte depends on its position. */
static uint8_t pat(int x, int y, int c) {
  return (uint8_t)(x * 7 + y * 13 + c * 51 + 1);
}

static void fill_info(xr_page_info *info, const page_spec *p, int index) {
  memset(info, 0, sizeof *info);
  info->index = index;
  info->count = -1;
  info->width = p->w;
  info->height = p->h;
  info->dpi = p->dpi;
  info->width_in = p->w / p->dpi;
  info->height_in = p->h / p->dpi;
  info->colorspace = p->cs;
  info->components = comps(p->cs);
  info->bits = p->cs == XR_CS_MONO ? 1 : 8;
  info->stride = row_bytes(p->cs, p->w) + 5; /* padded on purpose */
}

static uint8_t *make_page(const xr_page_info *info) {
  uint8_t *d = calloc((size_t)info->height, info->stride);
  assert_non_null(d);
  size_t rb = row_bytes(info->colorspace, info->width);
  for (int y = 0; y < info->height; y++)
    for (size_t i = 0; i < rb; i++)
      d[(size_t)y * info->stride + i] = pat((int)i, y, 0);
  return d;
}

static int feed(xr_band_sink *s, const page_spec *p, int index) {
  xr_page_info info;
  fill_info(&info, p, index);
  int rc = s->begin_page(s->ud, &info);
  if (rc < 0)
    return rc;
  uint8_t *d = make_page(&info);
  int deliver = p->deliver ? p->deliver : p->h;
  for (int y = 0; y < deliver && rc == 0; y += p->band) {
    int n = p->band < deliver - y ? p->band : deliver - y;
    rc = s->write_band(s->ud, &info, y, n, d + (size_t)y * info.stride,
                       info.stride);
  }
  free(d);
  if (rc < 0)
    return rc;
  return s->end_page(s->ud, &info);
}

static int tmpfd(void) {
  char name[] = "/tmp/xr_rasterXXXXXX";
  int fd = mkstemp(name);
  assert_true(fd >= 0);
  unlink(name);
  return fd;
}

typedef struct readback {
  int pages;
  cups_page_header2_t hdr[4];
  uint8_t *px[4]; /* cupsBytesPerLine * cupsHeight */
} readback;

static void read_all(int fd, readback *rb) {
  memset(rb, 0, sizeof *rb);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  cups_raster_t *r = cupsRasterOpen(fd, CUPS_RASTER_READ);
  assert_non_null(r);
  cups_page_header2_t h;
  while (rb->pages < 4 && cupsRasterReadHeader2(r, &h)) {
    size_t n = (size_t)h.cupsBytesPerLine * h.cupsHeight;
    uint8_t *px = malloc(n ? n : 1);
    assert_non_null(px);
    for (unsigned y = 0; y < h.cupsHeight; y++)
      assert_int_equal(cupsRasterReadPixels(r,
                                            px + (size_t)y * h.cupsBytesPerLine,
                                            h.cupsBytesPerLine),
                       h.cupsBytesPerLine);
    rb->hdr[rb->pages] = h;
    rb->px[rb->pages] = px;
    rb->pages++;
  }
  cupsRasterClose(r);
}

static void readback_free(readback *rb) {
  for (int i = 0; i < rb->pages; i++)
    free(rb->px[i]);
}

static int get_px(const cups_page_header2_t *h, const uint8_t *px, int x, int y,
                  int c) {
  const uint8_t *row = px + (size_t)y * h->cupsBytesPerLine;
  if (h->cupsBitsPerPixel == 1)
    return (row[x >> 3] >> (7 - (x & 7))) & 1;
  int n = (int)h->cupsBitsPerPixel / 8;
  return row[x * n + c];
}

/* Source pixel as made by make_page. */
static int src_px(int cs, int x, int y, int c) {
  if (cs == XR_CS_MONO)
    return (pat(x >> 3, y, 0) >> (7 - (x & 7))) & 1;
  return pat(x * comps(cs) + c, y, 0);
}

static void roundtrip(int format, int cs, unsigned want_cspace, int bpp) {
  int fd = tmpfd();
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(fd, format, NULL, &s), 0);
  page_spec p = {13, 9, cs, 150.0, 4, 0};
  assert_int_equal(feed(&s, &p, 0), 0);
  p.w = 21;
  p.h = 3;
  assert_int_equal(feed(&s, &p, 1), 0);
  assert_int_equal(xr_raster_sink_pages(&s), 2);
  assert_int_equal(xr_raster_sink_close(&s), 0);
  assert_null(s.ud);
  readback rb;
  read_all(fd, &rb);
  assert_int_equal(rb.pages, 2);
  for (int pg = 0; pg < 2; pg++) {
    const cups_page_header2_t *h = &rb.hdr[pg];
    int w = pg ? 21 : 13, hh = pg ? 3 : 9;
    assert_int_equal(h->cupsWidth, w);
    assert_int_equal(h->cupsHeight, hh);
    assert_int_equal(h->HWResolution[0], 150);
    assert_int_equal(h->HWResolution[1], 150);
    assert_int_equal(h->cupsColorSpace, want_cspace);
    assert_int_equal(h->cupsBitsPerPixel, bpp);
    assert_int_equal(h->cupsBytesPerLine, row_bytes(cs, w));
    assert_int_equal(h->PageSize[0], (unsigned)(w / 150.0 * 72 + 0.5));
    for (int y = 0; y < hh; y++)
      for (int x = 0; x < w; x++)
        for (int c = 0; c < comps(cs); c++)
          assert_int_equal(get_px(h, rb.px[pg], x, y, c), src_px(cs, x, y, c));
  }
  readback_free(&rb);
  close(fd);
}

static void test_roundtrip_all(void **state) {
  (void)state;
  for (int f = 0; f < 2; f++) {
    roundtrip(f, XR_CS_GRAY, CUPS_CSPACE_SW, 8);
    roundtrip(f, XR_CS_RGB, CUPS_CSPACE_SRGB, 24);
    roundtrip(f, XR_CS_CMYK, CUPS_CSPACE_CMYK, 32);
    roundtrip(f, XR_CS_MONO, CUPS_CSPACE_K, 1);
  }
}

static void test_pwg_sync_word(void **state) {
  (void)state;
  for (int f = 0; f < 2; f++) {
    int fd = tmpfd();
    xr_band_sink s;
    assert_int_equal(xr_raster_sink_open(fd, f, NULL, &s), 0);
    page_spec p = {4, 4, XR_CS_GRAY, 72.0, 4, 0};
    assert_int_equal(feed(&s, &p, 0), 0);
    assert_int_equal(xr_raster_sink_close(&s), 0);
    char sync[5] = {0};
    assert_int_equal(pread(fd, sync, 4, 0), 4);
    /* PWG 5102.4: "RaS2"; compressed CUPS raster v2 too, but its header
     * carries "PwgRaster" only in PWG mode. */
    if (f == XR_RASTER_PWG)
      assert_string_equal(sync, "RaS2");
    else /* CUPS raster v2 is written in native byte order */
      assert_true(!strcmp(sync, "RaS2") || !strcmp(sync, "2SaR"));
    char hdr[10] = {0};
    assert_int_equal(pread(fd, hdr, 9, 4), 9);
    if (f == XR_RASTER_PWG)
      assert_string_equal(hdr, "PwgRaster");
    else
      assert_string_not_equal(hdr, "PwgRaster");
    close(fd);
  }
}

typedef struct setup_ud {
  xr_raster_page pg;
  int stop_at; /* page index whose setup fails, -1 none */
  int calls;
} setup_ud;

static int setup_cb(void *ud, const xr_page_info *info, xr_raster_page *pg) {
  setup_ud *s = ud;
  s->calls++;
  if (info->index == s->stop_at)
    return XR_E_CANCELLED;
  *pg = s->pg;
  return 0;
}

static void test_media_centre_and_crop(void **state) {
  (void)state;
  int fd = tmpfd();
  setup_ud su = {{0.14, 0.10, 0, 0, "", 0}, -1, 0};
  xr_raster_opts o = {setup_cb, &su, 0};
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, &o, &s), 0);
  page_spec p = {10, 6, XR_CS_GRAY, 100.0, 4, 0};
  assert_int_equal(feed(&s, &p, 0), 0); /* 10x6 on 14x10: offset (2,2) */
  su.pg.media_w_in = 0.06;
  su.pg.media_h_in = 0.04;
  assert_int_equal(feed(&s, &p, 1), 0); /* 10x6 on 6x4: offset (-2,-1) */
  assert_int_equal(xr_raster_sink_close(&s), 0);
  readback rb;
  read_all(fd, &rb);
  assert_int_equal(rb.pages, 2);
  const cups_page_header2_t *h = &rb.hdr[0];
  assert_int_equal(h->cupsWidth, 14);
  assert_int_equal(h->cupsHeight, 10);
  assert_int_equal(h->PageSize[0], 10); /* 0.14 in */
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 14; x++) {
      int in = x >= 2 && x < 12 && y >= 2 && y < 8;
      assert_int_equal(get_px(h, rb.px[0], x, y, 0),
                       in ? src_px(XR_CS_GRAY, x - 2, y - 2, 0) : 255);
    }
  h = &rb.hdr[1];
  assert_int_equal(h->cupsWidth, 6);
  assert_int_equal(h->cupsHeight, 4);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 6; x++)
      assert_int_equal(get_px(h, rb.px[1], x, y, 0),
                       src_px(XR_CS_GRAY, x + 2, y + 1, 0));
  readback_free(&rb);
  close(fd);
}

/* Corners of the source are given distinct values; a rotation must carry
 * each to the corner a clockwise turn puts it in. */
static void rotate_case(int cs, int rot) {
  int fd = tmpfd();
  setup_ud su = {{0, 0, rot, 0, "", 0}, -1, 0};
  xr_raster_opts o = {setup_cb, &su, 0};
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, &o, &s), 0);
  int W = 11, H = 5;
  xr_page_info info;
  page_spec p = {W, H, cs, 72.0, 2, 0};
  fill_info(&info, &p, 0);
  uint8_t *d = calloc((size_t)H, info.stride);
  assert_non_null(d);
  /* corner ids: TL=1 TR=2 BL=3 BR=4; mono marks only TL and BR. */
  int cx[4] = {0, W - 1, 0, W - 1}, cy[4] = {0, 0, H - 1, H - 1};
  for (int k = 0; k < 4; k++) {
    uint8_t *row = d + (size_t)cy[k] * info.stride;
    if (cs == XR_CS_MONO) {
      if (k == 0 || k == 3)
        row[cx[k] >> 3] |= (uint8_t)(0x80 >> (cx[k] & 7));
    } else {
      row[cx[k] * comps(cs)] = (uint8_t)(k + 1);
    }
  }
  if (cs == XR_CS_MONO) /* second mark distinguishes TL from BR */
    d[0] |= 0x40;
  assert_int_equal(s.begin_page(s.ud, &info), 0);
  for (int y = 0; y < H; y += 2)
    assert_int_equal(s.write_band(s.ud, &info, y, y + 2 <= H ? 2 : 1,
                                  d + (size_t)y * info.stride, info.stride),
                     0);
  assert_int_equal(s.end_page(s.ud, &info), 0);
  free(d);
  assert_int_equal(xr_raster_sink_close(&s), 0);
  readback rb;
  read_all(fd, &rb);
  assert_int_equal(rb.pages, 1);
  const cups_page_header2_t *h = &rb.hdr[0];
  int ow = rot % 180 ? H : W, oh = rot % 180 ? W : H;
  assert_int_equal(h->cupsWidth, ow);
  assert_int_equal(h->cupsHeight, oh);
  /* Where each source corner lands, by turning the page in quarter steps:
   * clockwise TL->TR->BR->BL->TL. */
  int ring[4] = {0, 1, 3, 2}; /* TL TR BR BL as corner ids 0..3 */
  int ox[4] = {0, ow - 1, 0, ow - 1}, oy[4] = {0, 0, oh - 1, oh - 1};
  for (int k = 0; k < 4; k++) {
    int pos = 0;
    while (ring[pos] != k)
      pos++;
    int dst = ring[(pos + rot / 90) % 4];
    if (cs == XR_CS_MONO) {
      assert_int_equal(get_px(h, rb.px[0], ox[dst], oy[dst], 0),
                       k == 0 || k == 3);
    } else {
      assert_int_equal(get_px(h, rb.px[0], ox[dst], oy[dst], 0), k + 1);
    }
  }
  if (cs == XR_CS_MONO) {
    /* The pixel right of TL moves one step along TL's clockwise edge. */
    int tl = ring[rot / 90 % 4];
    int nx = ox[tl], ny = oy[tl];
    switch (rot) {
    case 0:
      nx += 1;
      break;
    case 90:
      ny += 1;
      break;
    case 180:
      nx -= 1;
      break;
    default:
      ny -= 1;
      break;
    }
    assert_int_equal(get_px(h, rb.px[0], nx, ny, 0), 1);
    int ones = 0;
    for (int y = 0; y < oh; y++)
      for (int x = 0; x < ow; x++)
        ones += get_px(h, rb.px[0], x, y, 0);
    assert_int_equal(ones, 3);
  }
  readback_free(&rb);
  close(fd);
}

static void test_rotation(void **state) {
  (void)state;
  for (int rot = 0; rot < 360; rot += 90) {
    rotate_case(XR_CS_RGB, rot);
    rotate_case(XR_CS_GRAY, rot);
    rotate_case(XR_CS_MONO, rot);
  }
}

/* Rotation and placement together: a turned page centred on larger media
 * (blank rows above it) must keep every pixel; checked against the same
 * page turned without media, shifted by the centring offset. */
static void test_rotation_on_media(void **state) {
  (void)state;
  for (int rot = 90; rot < 360; rot += 90) {
    for (int cs = XR_CS_GRAY; cs <= XR_CS_MONO; cs++) {
      int fd[2] = {tmpfd(), tmpfd()};
      readback rb[2];
      for (int m = 0; m < 2; m++) {
        setup_ud su = {{m ? 0.40 : 0, m ? 0.30 : 0, rot, 0, "", 0}, -1, 0};
        xr_raster_opts o = {setup_cb, &su, 0};
        xr_band_sink s;
        assert_int_equal(xr_raster_sink_open(fd[m], XR_RASTER_PWG, &o, &s), 0);
        page_spec p = {17, 9, cs, 100.0, 4, 0};
        assert_int_equal(feed(&s, &p, 0), 0);
        assert_int_equal(xr_raster_sink_close(&s), 0);
        read_all(fd[m], &rb[m]);
        assert_int_equal(rb[m].pages, 1);
      }
      const cups_page_header2_t *h0 = &rb[0].hdr[0], *h1 = &rb[1].hdr[0];
      assert_int_equal(h1->cupsWidth, 40);
      assert_int_equal(h1->cupsHeight, 30);
      int ox = (40 - (int)h0->cupsWidth) / 2,
          oy = (30 - (int)h0->cupsHeight) / 2;
      int nc = cs == XR_CS_MONO ? 1 : comps(cs);
      for (int y = 0; y < 30; y++)
        for (int x = 0; x < 40; x++)
          for (int c = 0; c < nc; c++) {
            int in = x >= ox && x < ox + (int)h0->cupsWidth && y >= oy &&
                     y < oy + (int)h0->cupsHeight;
            int blank = cs == XR_CS_MONO || cs == XR_CS_CMYK ? 0 : 255;
            int want = in ? get_px(h0, rb[0].px[0], x - ox, y - oy, c) : blank;
            assert_int_equal(get_px(h1, rb[1].px[0], x, y, c), want);
          }
      readback_free(&rb[0]);
      readback_free(&rb[1]);
      close(fd[0]);
      close(fd[1]);
    }
  }
}

static void test_rotation_buffer_limit(void **state) {
  (void)state;
  int fd = tmpfd();
  setup_ud su = {{0, 0, 90, 0, "", 0}, -1, 0};
  xr_raster_opts o = {setup_cb, &su, 100};
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, &o, &s), 0);
  page_spec p = {10, 10, XR_CS_GRAY, 72.0, 4, 0}; /* exactly 100 bytes */
  assert_int_equal(feed(&s, &p, 0), 0);
  p.h = 11; /* 110 bytes */
  assert_int_equal(feed(&s, &p, 1), XR_E_LIMIT);
  assert_int_equal(xr_raster_sink_close(&s), XR_E_LIMIT);
  close(fd);
}

static void test_short_page_padded(void **state) {
  (void)state;
  int fd = tmpfd();
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_CUPS, NULL, &s), 0);
  page_spec p = {8, 7, XR_CS_RGB, 96.0, 2, 3};
  assert_int_equal(feed(&s, &p, 0), 0);
  /* A page left open at close is completed too. */
  xr_page_info info;
  fill_info(&info, &p, 1);
  assert_int_equal(s.begin_page(s.ud, &info), 0);
  assert_int_equal(xr_raster_sink_close(&s), 0);
  readback rb;
  read_all(fd, &rb);
  assert_int_equal(rb.pages, 2);
  for (int y = 0; y < 7; y++)
    for (int x = 0; x < 8; x++)
      assert_int_equal(get_px(&rb.hdr[0], rb.px[0], x, y, 1),
                       y < 3 ? src_px(XR_CS_RGB, x, y, 1) : 255);
  assert_int_equal(rb.hdr[1].cupsHeight, 7);
  assert_int_equal(get_px(&rb.hdr[1], rb.px[1], 0, 0, 0), 255);
  readback_free(&rb);
  close(fd);
}

static void test_setup_stops_cleanly(void **state) {
  (void)state;
  int fd = tmpfd();
  setup_ud su = {{0}, 1, 0};
  xr_raster_opts o = {setup_cb, &su, 0};
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, &o, &s), 0);
  page_spec p = {5, 5, XR_CS_GRAY, 72.0, 5, 0};
  assert_int_equal(feed(&s, &p, 0), 0);
  assert_int_equal(feed(&s, &p, 1), XR_E_CANCELLED);
  assert_int_equal(su.calls, 2);
  assert_int_equal(xr_raster_sink_close(&s), 0);
  readback rb;
  read_all(fd, &rb);
  assert_int_equal(rb.pages, 1);
  readback_free(&rb);
  close(fd);
}

static void test_duplex_and_name(void **state) {
  (void)state;
  int fd = tmpfd();
  setup_ud su = {{8.5, 11, 0, XR_DUPLEX_SHORT_EDGE, "", 0}, -1, 0};
  xr_raster_opts o = {setup_cb, &su, 0};
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, &o, &s), 0);
  page_spec p = {20, 20, XR_CS_GRAY, 10.0, 20, 0};
  assert_int_equal(feed(&s, &p, 0), 0);
  su.pg.duplex = XR_DUPLEX_LONG_EDGE;
  su.pg.copies = 7;
  snprintf(su.pg.media_name, sizeof su.pg.media_name, "iso_a4_210x297mm");
  assert_int_equal(feed(&s, &p, 1), 0);
  assert_int_equal(xr_raster_sink_close(&s), 0);
  readback rb;
  read_all(fd, &rb);
  assert_int_equal(rb.pages, 2);
  assert_true(rb.hdr[0].Duplex);
  assert_true(rb.hdr[0].Tumble);
  assert_int_equal(rb.hdr[0].cupsWidth, 85);
  assert_int_equal(rb.hdr[0].cupsHeight, 110);
  assert_int_equal(rb.hdr[0].PageSize[0], 612);
  assert_int_equal(rb.hdr[0].PageSize[1], 792);
  assert_string_equal(rb.hdr[0].cupsPageSizeName, "na_letter_8.5x11in");
  assert_true(rb.hdr[1].Duplex);
  assert_false(rb.hdr[1].Tumble);
  assert_true(rb.hdr[0].NumCopies <= 1);
  assert_int_equal(rb.hdr[1].NumCopies, 7);
  assert_string_equal(rb.hdr[1].cupsPageSizeName, "iso_a4_210x297mm");
  readback_free(&rb);
  close(fd);
  char buf[64];
  assert_string_equal(xr_raster_media_name(8.5, 11, buf, sizeof buf),
                      "na_letter_8.5x11in");
  assert_string_equal(
      xr_raster_media_name(210 / 25.4, 297 / 25.4, buf, sizeof buf),
      "iso_a4_210x297mm");
  /* A self-describing PWG 5101.1 name: custom_<name>_<w>x<h>in. */
  xr_raster_media_name(1.25, 3, buf, sizeof buf);
  assert_memory_equal(buf, "custom_", 7);
  size_t n = strlen(buf);
  assert_true(n > 16);
  assert_string_equal(buf + n - 9, "_1.25x3in");
}

static void test_misuse(void **state) {
  (void)state;
  xr_band_sink s;
  assert_int_equal(xr_raster_sink_open(-1, XR_RASTER_PWG, NULL, &s),
                   XR_E_INVAL);
  assert_int_equal(xr_raster_sink_open(1, 7, NULL, &s), XR_E_INVAL);
  assert_int_equal(xr_raster_sink_close(&s), 0); /* ud NULL: no-op */
  int fd = tmpfd();
  page_spec p = {8, 8, XR_CS_RGB, 72.0, 4, 0};
  xr_page_info info;

  /* stride too small */
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, NULL, &s), 0);
  fill_info(&info, &p, 0);
  info.stride = 8 * 3 - 1;
  assert_int_equal(s.begin_page(s.ud, &info), XR_E_INVAL);
  assert_int_equal(xr_raster_sink_close(&s), XR_E_INVAL);

  /* bands out of order, and one past the bottom */
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, NULL, &s), 0);
  fill_info(&info, &p, 0);
  uint8_t *d = make_page(&info);
  assert_int_equal(s.begin_page(s.ud, &info), 0);
  assert_int_equal(s.write_band(s.ud, &info, 4, 4, d, info.stride), 0);
  assert_int_equal(s.write_band(s.ud, &info, 0, 4, d, info.stride), XR_E_USAGE);
  assert_int_equal(xr_raster_sink_close(&s), XR_E_USAGE);
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, NULL, &s), 0);
  assert_int_equal(s.begin_page(s.ud, &info), 0);
  assert_int_equal(s.write_band(s.ud, &info, 6, 4, d, info.stride), XR_E_USAGE);
  assert_int_equal(xr_raster_sink_close(&s), XR_E_USAGE);
  free(d);

  /* bad colorspace / components / dpi; end_page without begin */
  assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, NULL, &s), 0);
  assert_int_equal(s.end_page(s.ud, &info), XR_E_USAGE);
  assert_int_equal(xr_raster_sink_close(&s), XR_E_USAGE);
  int bad[3][3] = {{9, 1, 72}, {XR_CS_RGB, 4, 72}, {XR_CS_GRAY, 1, 0}};
  for (int i = 0; i < 3; i++) {
    assert_int_equal(xr_raster_sink_open(fd, XR_RASTER_PWG, NULL, &s), 0);
    fill_info(&info, &p, 0);
    info.colorspace = bad[i][0];
    info.components = bad[i][1];
    info.dpi = bad[i][2];
    assert_int_equal(s.begin_page(s.ud, &info), XR_E_INVAL);
    assert_int_equal(xr_raster_sink_close(&s), XR_E_INVAL);
  }
  close(fd);
}

static void test_broken_pipe_is_io_error(void **state) {
  (void)state;
  signal(SIGPIPE, SIG_IGN);
  int pfd[2];
  assert_int_equal(pipe(pfd), 0);
  close(pfd[0]);
  xr_band_sink s;
  int rc = xr_raster_sink_open(pfd[1], XR_RASTER_PWG, NULL, &s);
  if (rc == 0) {
    page_spec p = {64, 64, XR_CS_RGB, 72.0, 16, 0};
    rc = feed(&s, &p, 0);
    int rc2 = xr_raster_sink_close(&s);
    assert_int_equal(rc2, rc);
  }
  assert_int_equal(rc, XR_E_IO);
  close(pfd[1]);
}

/* A PPD driver's header fields reach CUPS raster pages; ours (size,
 * resolution, colour) are kept; PWG raster ignores the template. */
static void test_cups_template(void **state) {
  (void)state;
  cups_page_header2_t t;
  memset(&t, 0, sizeof t);
  snprintf(t.MediaType, sizeof t.MediaType, "Glossy");
  t.cupsMediaType = 7;
  t.cupsCompression = 3;
  t.cupsRowCount = 17;
  t.cupsInteger[3] = 42;
  t.cupsColorSpace = CUPS_CSPACE_W;
  t.cupsWidth = 9999;
  t.HWResolution[0] = t.HWResolution[1] = 1200;
  for (int f = 0; f < 2; f++) {
    int fd = tmpfd();
    xr_band_sink s;
    assert_int_equal(xr_raster_sink_open(fd, f, NULL, &s), 0);
    assert_int_equal(xr_raster_sink_set_template(&s, &t), 0);
    page_spec p = {6, 4, XR_CS_GRAY, 72.0, 4, 0};
    assert_int_equal(feed(&s, &p, 0), 0);
    assert_int_equal(xr_raster_sink_close(&s), 0);
    readback rb;
    read_all(fd, &rb);
    assert_int_equal(rb.pages, 1);
    const cups_page_header2_t *h = &rb.hdr[0];
    assert_int_equal(h->cupsWidth, 6);
    assert_int_equal(h->HWResolution[0], 72);
    if (f == XR_RASTER_CUPS) {
      assert_string_equal(h->MediaType, "Glossy");
      assert_int_equal(h->cupsMediaType, 7);
      assert_int_equal(h->cupsCompression, 3);
      assert_int_equal(h->cupsRowCount, 17);
      assert_int_equal(h->cupsInteger[3], 42);
      assert_int_equal(h->cupsColorSpace, CUPS_CSPACE_W);
    } else {
      assert_int_equal(h->cupsMediaType, 0);
      assert_int_equal(h->cupsColorSpace, CUPS_CSPACE_SW);
    }
    for (int x = 0; x < 6; x++)
      assert_int_equal(get_px(h, rb.px[0], x, 3, 0),
                       src_px(XR_CS_GRAY, x, 3, 0));
    readback_free(&rb);
    close(fd);
  }
  xr_band_sink none = {0};
  assert_int_equal(xr_raster_sink_set_template(&none, &t), XR_E_INVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_all),
      cmocka_unit_test(test_pwg_sync_word),
      cmocka_unit_test(test_media_centre_and_crop),
      cmocka_unit_test(test_rotation),
      cmocka_unit_test(test_rotation_on_media),
      cmocka_unit_test(test_rotation_buffer_limit),
      cmocka_unit_test(test_short_page_padded),
      cmocka_unit_test(test_setup_stops_cleanly),
      cmocka_unit_test(test_duplex_and_name),
      cmocka_unit_test(test_cups_template),
      cmocka_unit_test(test_misuse),
      cmocka_unit_test(test_broken_pipe_is_io_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
