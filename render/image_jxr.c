/* JPEG XR / HD Photo / WDP decoding through libjxr (jxrlib's glue API over
 * a memory stream). Gray, RGB/BGR with or without alpha, and CMYK are
 * taken as they come; other pixel formats (16-bit, float, fixed point,
 * 5-6-5...) go through jxrlib's format converter to 8-bit RGB(A). */
#include "render/image_decode.h"

#ifndef XR_HAVE_JXR

int ras_image_decode_jxr(const uint8_t *data, size_t len, const xr_limits *lim,
                         ras_image **out, xr_errinfo *err) {
  (void)data, (void)lim;
  *out = NULL;
  return xr_errinfo_set(err, XR_E_UNSUPPORTED, NULL, -1, -1,
                        "JPEG XR image (%zu bytes), but built without libjxr",
                        len);
}

#else

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <JXRGlue.h>

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static int fits(uint64_t off, uint64_t n, size_t len) {
  return off <= len && n <= len - off;
}

/* jxrlib, as Debian builds it, asserts (aborting the process) on some
 * malformed container fields and prints unknown tags to stderr, which is
 * the CUPS channel. So the container is checked here first, on a copy:
 * the tags decoding needs are bounds-checked, every other entry (metadata
 * that jxrlib parses with asserts, or does not know) is turned into a tag
 * it ignores, and the codestream header's output format must be one the
 * library can describe. Returns 0 or XR_E_FORMAT. */
static int sanitize(uint8_t *d, size_t len, const char **why) {
  *why = "malformed JPEG XR container";
  if (len < 8)
    return XR_E_FORMAT;
  uint32_t ifd = rd32(d + 4);
  if (!fits(ifd, 2, len))
    return XR_E_FORMAT;
  unsigned n = (unsigned)d[ifd] | (unsigned)d[ifd + 1] << 8;
  if (n == 0 || !fits((uint64_t)ifd + 2, (uint64_t)n * 12, len))
    return XR_E_FORMAT;
  uint32_t img_off = 0;
  for (unsigned i = 0; i < n; i++) {
    uint8_t *e = d + ifd + 2 + (size_t)i * 12;
    unsigned tag = (unsigned)e[0] | (unsigned)e[1] << 8;
    uint32_t count = rd32(e + 4), value = rd32(e + 8);
    int keep = 1;
    switch (tag) {
    case WMP_tagPixelFormat:
      keep = fits(value, 16, len);
      break;
    case WMP_tagTransformation:
      keep = count == 1 && value < O_MAX;
      break;
    case WMP_tagIccProfile:
      keep = fits(value, count, len);
      break;
    case WMP_tagImageOffset:
      img_off = value;
      break;
    case WMP_tagCompression:
    case WMP_tagImageType:
    case WMP_tagImageWidth:
    case WMP_tagImageHeight:
    case WMP_tagWidthResolution:
    case WMP_tagHeightResolution:
    case WMP_tagImageByteCount:
    case WMP_tagAlphaOffset:
    case WMP_tagAlphaByteCount:
    case WMP_tagImageDataDiscard:
    case WMP_tagAlphaDataDiscard:
      break;
    default:
      keep = 0;
    }
    if (!keep) {
      e[0] = WMP_tagCompression & 0xff;
      e[1] = WMP_tagCompression >> 8;
    }
  }
  /* Codestream header: "WMPHOTO\0", three bytes of flags, then the output
   * colour format and bit depth nibbles. */
  if (!fits(img_off, 12, len) || memcmp(d + img_off, "WMPHOTO", 8) != 0)
    return XR_E_FORMAT;
  unsigned fmt = d[img_off + 11] >> 4, depth = d[img_off + 11] & 15;
  if (fmt >= CFT_MAX || (depth >= BDB_MAX && depth != BD_1alt)) {
    *why = "unknown JPEG XR output format";
    return XR_E_FORMAT;
  }
  return 0;
}

enum layout { L_GRAY, L_RGB, L_BGR, L_BGRX, L_BGRA, L_RGBA, L_CMYK, L_OTHER };

static enum layout layout_of(const PKPixelFormatGUID *g, int *premul) {
  *premul = 0;
  if (IsEqualGUID(g, &GUID_PKPixelFormat8bppGray))
    return L_GRAY;
  if (IsEqualGUID(g, &GUID_PKPixelFormat24bppRGB))
    return L_RGB;
  if (IsEqualGUID(g, &GUID_PKPixelFormat24bppBGR))
    return L_BGR;
  if (IsEqualGUID(g, &GUID_PKPixelFormat32bppBGR))
    return L_BGRX;
  if (IsEqualGUID(g, &GUID_PKPixelFormat32bppBGRA))
    return L_BGRA;
  if (IsEqualGUID(g, &GUID_PKPixelFormat32bppRGBA))
    return L_RGBA;
  if (IsEqualGUID(g, &GUID_PKPixelFormat32bppPBGRA))
    return *premul = 1, L_BGRA;
  if (IsEqualGUID(g, &GUID_PKPixelFormat32bppPRGBA))
    return *premul = 1, L_RGBA;
  if (IsEqualGUID(g, &GUID_PKPixelFormat32bppCMYK))
    return L_CMYK;
  return L_OTHER;
}

static int decode_inproc(const uint8_t *data, size_t len, const xr_limits *lim,
                         ras_image **out, xr_errinfo *err) {
  *out = NULL;
  struct WMPStream *ws = NULL;
  PKImageDecode *dec = NULL;
  PKFormatConverter *fc = NULL;
  ras_image *img = NULL;
  U8 *buf = NULL, *icc = NULL, *copy = NULL;
  int rc = XR_E_FORMAT;
  const char *why = "not a readable JPEG XR stream";
  copy = malloc(len ? len : 1);
  if (!copy) {
    rc = XR_E_NOMEM;
    why = "no memory";
    goto fail;
  }
  memcpy(copy, data, len);
  if ((rc = sanitize(copy, len, &why)) < 0)
    goto fail;
  rc = XR_E_FORMAT;
  why = "not a readable JPEG XR stream";
  if (CreateWS_Memory(&ws, copy, len) < 0) {
    rc = XR_E_NOMEM;
    why = "stream setup";
    goto fail;
  }
  if (PKImageDecode_Create_WMP(&dec) < 0) {
    rc = XR_E_NOMEM;
    why = "decoder setup";
    goto fail;
  }
  if (dec->Initialize(dec, ws) < 0)
    goto fail;
  I32 w = 0, h = 0;
  dec->GetSize(dec, &w, &h);
  rc = ras_image_check(w, h, lim);
  if (rc < 0) {
    why = "image size over the image limits";
    goto fail;
  }
  rc = XR_E_FORMAT;
  PKPixelFormatGUID src;
  dec->GetPixelFormat(dec, &src);
  PKPixelInfo pi;
  memset(&pi, 0, sizeof pi);
  pi.pGUIDPixFmt = &src;
  if (PixelFormatLookup(&pi, LOOKUP_FORWARD) < 0 || pi.cbitUnit == 0 ||
      pi.cbitUnit > 256) {
    rc = XR_E_UNSUPPORTED;
    why = "unknown pixel format";
    goto fail;
  }
  int premul;
  enum layout lay = layout_of(&src, &premul);
  int alpha = (pi.grBit & PK_pixfmtHasAlpha) != 0;
  PKPixelFormatGUID dst =
      alpha ? GUID_PKPixelFormat32bppRGBA : GUID_PKPixelFormat24bppRGB;
  if (lay == L_OTHER) {
    if (PKCodecFactory_CreateFormatConverter(&fc) < 0 ||
        fc->Initialize(fc, dec, NULL, dst) < 0) {
      rc = XR_E_UNSUPPORTED;
      why = "pixel format without a conversion to 8-bit RGB";
      goto fail;
    }
    lay = alpha ? L_RGBA : L_RGB;
    premul = 0;
  }
  int n = lay == L_GRAY ? 1 : lay == L_CMYK ? 4 : 3;
  int has_a = lay == L_BGRA || lay == L_RGBA;
  /* The decoder writes the source format first and converts in place, so
   * the buffer holds the wider of the two; rounded up to whole 16 x 16
   * macroblocks for safety. */
  size_t ubytes = (pi.cbitUnit + 7) / 8;
  if (ubytes < 4)
    ubytes = 4;
  size_t w16 = ((size_t)w + 15) & ~(size_t)15;
  size_t h16 = ((size_t)h + 15) & ~(size_t)15;
  size_t stride = w16 * ubytes;
  if (stride > UINT32_MAX || h16 > SIZE_MAX / stride ||
      (int64_t)(stride * h16) > xr_limits_get(lim, XR_LIMIT_JOB_MEMORY)) {
    rc = XR_E_LIMIT;
    why = "decoding buffer over the job memory limit";
    goto fail;
  }
  buf = calloc(h16, stride);
  if (!buf) {
    rc = XR_E_NOMEM;
    why = "decoding buffer";
    goto fail;
  }
  PKRect r = {0, 0, w, h};
  ERR e = fc ? fc->Copy(fc, &r, buf, (U32)stride)
             : dec->Copy(dec, &r, buf, (U32)stride);
  if (e < 0) {
    /* jxrlib ends its decoding context only after a complete decode; a
     * failed one leaves it to us. With planar alpha we cannot tell whether
     * the colour context already ended (its pointer is not cleared), so we
     * leave that rare case alone rather than risk a double free. */
    if (!dec->WMP.bHasAlpha && dec->WMP.ctxSC) {
      ImageStrDecTerm(dec->WMP.ctxSC);
      dec->WMP.ctxSC = NULL;
    }
    why = "corrupt or truncated image data";
    goto fail;
  }
  rc = ras_image_new(w, h, n, has_a, lim, &img);
  if (rc < 0) {
    why = "no memory for the pixels";
    goto fail;
  }
  int bpp = n + has_a;
  for (I32 y = 0; y < h; y++) {
    const U8 *s = buf + (size_t)y * stride;
    uint8_t *d = img->px + (size_t)y * img->stride;
    for (I32 x = 0; x < w; x++, d += bpp) {
      switch (lay) {
      case L_GRAY:
        d[0] = s[x];
        break;
      case L_RGB:
        memcpy(d, s + x * 3, 3);
        break;
      case L_BGR:
        d[0] = s[x * 3 + 2], d[1] = s[x * 3 + 1], d[2] = s[x * 3];
        break;
      case L_BGRX:
      case L_BGRA:
        d[0] = s[x * 4 + 2], d[1] = s[x * 4 + 1], d[2] = s[x * 4];
        if (has_a)
          d[3] = s[x * 4 + 3];
        break;
      case L_RGBA:
      case L_CMYK:
        memcpy(d, s + x * 4, 4);
        break;
      default:
        break;
      }
      if (premul && d[3] && d[3] < 255)
        for (int c = 0; c < 3; c++) {
          unsigned v = (d[c] * 255u + d[3] / 2) / d[3];
          d[c] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
  }
  Float rx = 0, ry = 0;
  dec->GetResolution(dec, &rx, &ry);
  if (rx > 0 && ry > 0 && rx < 1e6 && ry < 1e6) {
    img->xdpi = rx;
    img->ydpi = ry;
  }
  U32 ilen = 0;
  if (dec->GetColorContext(dec, NULL, &ilen) >= 0 && ilen > 0 &&
      ilen < RAS_IMAGE_MAX_CHUNK && (icc = malloc(ilen)) &&
      dec->GetColorContext(dec, icc, &ilen) >= 0)
    ras_image_set_icc(img, icc, ilen);
  free(icc);
  free(buf);
  if (fc)
    fc->Release(&fc);
  dec->Release(&dec);
  ws->Close(&ws); /* fStreamOwner is unset: the stream is ours to close */
  free(copy);
  *out = img;
  return 0;
fail:
  free(buf);
  ras_image_drop(img);
  if (fc)
    fc->Release(&fc);
  if (dec)
    dec->Release(&dec);
  if (ws)
    ws->Close(&ws);
  free(copy);
  return xr_errinfo_set(err, rc, NULL, -1, -1, "JPEG XR: %s", why);
}

/* ---- out-of-process decoding ----------------------------------------------
 *
 * jxrlib's codec is not safe on hostile codestreams: fuzzing found reads far
 * out of bounds (a crash, not an error) besides the asserts that the
 * container check above prevents. A print filter must not die on one bad
 * image, so the decoding runs in a forked child that sends the pixels back
 * through a pipe; a child that crashes, hangs or prints only costs the
 * image (a warning, the element skipped). The child's stderr goes to
 * /dev/null, so jxrlib can never write on the CUPS channel. The parent
 * checks the size against the limits again before it allocates. */

#define CHILD_SECONDS 30

typedef struct jxr_hdr {
  int32_t status, w, h, n, alpha;
  uint32_t icc_len;
  double xdpi, ydpi;
  char msg[256];
} jxr_hdr;

static int write_all(int fd, const void *p, size_t n) {
  const uint8_t *b = p;
  while (n) {
    ssize_t k = write(fd, b, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    b += k;
    n -= (size_t)k;
  }
  return 0;
}

/* Reads n bytes before the deadline (CLOCK_MONOTONIC seconds). */
static int read_all(int fd, void *p, size_t n, double deadline) {
  uint8_t *b = p;
  while (n) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double left = deadline - (ts.tv_sec + ts.tv_nsec / 1e9);
    if (left <= 0)
      return -2;
    struct pollfd pf = {fd, POLLIN, 0};
    int r = poll(&pf, 1, (int)(left * 1000) + 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return r == 0 ? -2 : -1;
    ssize_t k = read(fd, b, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1; /* the child ended early */
    b += k;
    n -= (size_t)k;
  }
  return 0;
}

static void child(const uint8_t *data, size_t len, const xr_limits *lim,
                  int fd) {
  int nul = open("/dev/null", O_WRONLY);
  if (nul >= 0)
    dup2(nul, 2);
  /* Die at once on a fault: nothing in this process is worth a crash
   * report (a sanitizer's would take seconds to symbolise). */
  static const int fatal[] = {SIGSEGV, SIGBUS, SIGABRT,
                              SIGFPE,  SIGILL, SIGPIPE};
  for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
    signal(fatal[i], SIG_DFL);
  jxr_hdr h;
  memset(&h, 0, sizeof h);
  xr_errinfo err;
  xr_errinfo_clear(&err);
  ras_image *img = NULL;
  h.status = decode_inproc(data, len, lim, &img, &err);
  if (h.status < 0) {
    snprintf(h.msg, sizeof h.msg, "%s", err.msg);
    write_all(fd, &h, sizeof h);
    _exit(0);
  }
  h.w = img->w, h.h = img->h, h.n = img->n, h.alpha = img->alpha;
  h.xdpi = img->xdpi, h.ydpi = img->ydpi;
  h.icc_len = (uint32_t)img->icc_len;
  if (write_all(fd, &h, sizeof h) ||
      write_all(fd, img->px, img->stride * (size_t)img->h) ||
      (img->icc_len && write_all(fd, img->icc, img->icc_len)))
    _exit(1);
  _exit(0);
}

int ras_image_decode_jxr(const uint8_t *data, size_t len, const xr_limits *lim,
                         ras_image **out, xr_errinfo *err) {
  *out = NULL;
  int fds[2];
  if (pipe(fds) < 0)
    return xr_errinfo_set(err, XR_E_IO, NULL, -1, -1,
                          "JPEG XR: no pipe for the decoder");
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return xr_errinfo_set(err, XR_E_IO, NULL, -1, -1,
                          "JPEG XR: cannot start the decoder");
  }
  if (pid == 0) {
    close(fds[0]);
    child(data, len, lim, fds[1]);
  }
  close(fds[1]);
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double deadline = ts.tv_sec + ts.tv_nsec / 1e9 + CHILD_SECONDS;
  jxr_hdr h;
  ras_image *img = NULL;
  uint8_t *icc = NULL;
  int rc = read_all(fds[0], &h, sizeof h, deadline);
  const char *why = NULL;
  if (rc == 0 && h.status < 0) {
    h.msg[sizeof h.msg - 1] = '\0';
    rc = h.status;
    xr_errinfo_set(err, rc, NULL, -1, -1, "%s", h.msg);
  } else if (rc == 0) {
    /* The child is not trusted either: everything is checked again. */
    if ((h.n != 1 && h.n != 3 && h.n != 4) || (h.alpha != 0 && h.alpha != 1) ||
        h.icc_len > RAS_IMAGE_MAX_CHUNK)
      rc = XR_E_FORMAT, why = "JPEG XR: bad reply from the decoder";
    else if ((rc = ras_image_new(h.w, h.h, h.n, h.alpha, lim, &img)) < 0)
      why = "JPEG XR: image over the image limits";
    else if (read_all(fds[0], img->px, img->stride * (size_t)img->h,
                      deadline) ||
             (h.icc_len && (!(icc = malloc(h.icc_len)) ||
                            read_all(fds[0], icc, h.icc_len, deadline))))
      rc = XR_E_FORMAT, why = "JPEG XR: the decoder stopped early";
    else if (icc && ras_image_set_icc(img, icc, h.icc_len) < 0)
      rc = XR_E_NOMEM, why = "JPEG XR: no memory";
    if (rc == 0 && h.xdpi > 0 && h.xdpi < 1e6 && h.ydpi > 0 && h.ydpi < 1e6)
      img->xdpi = h.xdpi, img->ydpi = h.ydpi;
  } else {
    why = rc == -2 ? "JPEG XR: the decoder took too long"
                   : "JPEG XR: the decoder crashed on this image";
    rc = XR_E_FORMAT;
  }
  close(fds[0]);
  if (why)
    kill(pid, SIGKILL);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  free(icc);
  if (rc < 0) {
    ras_image_drop(img);
    if (why)
      xr_errinfo_set(err, rc, NULL, -1, -1, "%s", why);
    return rc;
  }
  *out = img;
  return 0;
}

#endif
