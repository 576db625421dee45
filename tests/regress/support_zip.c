/* The test ZIP writer (support_zip.h): ZIP APPNOTE 4.3 local headers,
 * central directory and end record, no ZIP64 (tests stay under 4 GiB). */
#include "support_zip.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put16(FILE *f, unsigned v) {
  fputc(v & 0xff, f);
  fputc((v >> 8) & 0xff, f);
}

static void put32(FILE *f, uint32_t v) {
  put16(f, v & 0xffff);
  put16(f, v >> 16);
}

int tzip_open(tzip *z, const char *path) {
  memset(z, 0, sizeof *z);
  z->f = fopen(path, "wb");
  return z->f ? 0 : -1;
}

static int add_entry(tzip *z, const char *name, const void *cdata, size_t clen,
                     uint64_t usize, uint32_t crc, int method) {
  if (z->n == z->cap) {
    size_t cap = z->cap ? z->cap * 2 : 16;
    tzip_entry *e = realloc(z->e, cap * sizeof *e);
    if (!e)
      return -1;
    z->e = e;
    z->cap = cap;
  }
  tzip_entry *e = &z->e[z->n];
  e->name = strdup(name);
  e->crc = crc;
  e->csize = clen;
  e->usize = usize;
  e->offset = (uint64_t)ftell(z->f);
  e->method = method;
  size_t nl = strlen(name);
  put32(z->f, 0x04034b50);
  put16(z->f, 20);
  put16(z->f, 0);
  put16(z->f, (unsigned)method);
  put16(z->f, 0);
  put16(z->f, 0x21); /* 1980-01-01 */
  put32(z->f, crc);
  put32(z->f, (uint32_t)clen);
  put32(z->f, (uint32_t)usize);
  put16(z->f, (unsigned)nl);
  put16(z->f, 0);
  fwrite(name, 1, nl, z->f);
  if (clen && fwrite(cdata, 1, clen, z->f) != clen)
    return -1;
  return (int)z->n++;
}

int tzip_add_raw(tzip *z, const char *name, const void *cdata, size_t clen,
                 uint64_t usize, uint32_t crc) {
  return add_entry(z, name, cdata, clen, usize, crc, 8);
}

int tzip_add(tzip *z, const char *name, const void *data, size_t len,
             int compress) {
  uint32_t crc = (uint32_t)crc32(0, data, (uInt)len);
  if (!compress)
    return add_entry(z, name, data, len, len, crc, 0);
  z_stream s;
  memset(&s, 0, sizeof s);
  if (deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return -1;
  size_t cap = deflateBound(&s, (uLong)len);
  unsigned char *out = malloc(cap ? cap : 1);
  if (!out) {
    deflateEnd(&s);
    return -1;
  }
  s.next_in = (Bytef *)data;
  s.avail_in = (uInt)len;
  s.next_out = out;
  s.avail_out = (uInt)cap;
  int rc = deflate(&s, Z_FINISH);
  size_t clen = cap - s.avail_out;
  deflateEnd(&s);
  int idx =
      rc == Z_STREAM_END ? add_entry(z, name, out, clen, len, crc, 8) : -1;
  free(out);
  return idx;
}

int tzip_close(tzip *z) {
  long cd = ftell(z->f);
  for (size_t i = 0; i < z->n; i++) {
    tzip_entry *e = &z->e[i];
    size_t nl = strlen(e->name);
    put32(z->f, 0x02014b50);
    put16(z->f, 20);
    put16(z->f, 20);
    put16(z->f, 0);
    put16(z->f, (unsigned)e->method);
    put16(z->f, 0);
    put16(z->f, 0x21);
    put32(z->f, e->crc);
    put32(z->f, (uint32_t)e->csize);
    put32(z->f, (uint32_t)e->usize);
    put16(z->f, (unsigned)nl);
    put16(z->f, 0);
    put16(z->f, 0);
    put16(z->f, 0);
    put16(z->f, 0);
    put32(z->f, 0);
    put32(z->f, (uint32_t)e->offset);
    fwrite(e->name, 1, nl, z->f);
  }
  long end = ftell(z->f);
  put32(z->f, 0x06054b50);
  put16(z->f, 0);
  put16(z->f, 0);
  put16(z->f, (unsigned)z->n);
  put16(z->f, (unsigned)z->n);
  put32(z->f, (uint32_t)(end - cd));
  put32(z->f, (uint32_t)cd);
  put16(z->f, 0);
  int rc = ferror(z->f) ? -1 : 0;
  if (fclose(z->f))
    rc = -1;
  for (size_t i = 0; i < z->n; i++)
    free(z->e[i].name);
  free(z->e);
  memset(z, 0, sizeof *z);
  return rc;
}

int tfile_write(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  size_t n = fwrite(data, 1, len, f);
  return (fclose(f) == 0 && n == len) ? 0 : -1;
}

void tbuf_add(tbuf *b, const char *s) {
  size_t n = strlen(s);
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
      abort();
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n + 1);
  b->n += n;
}

void tbuf_addf(tbuf *b, const char *fmt, ...) {
  char small[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0)
    abort();
  if ((size_t)n < sizeof small) {
    tbuf_add(b, small);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (!big)
    abort();
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  tbuf_add(b, big);
  free(big);
}

void tbuf_free(tbuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

int tzip_add_scaffold(tzip *z, int npages) {
  static const char types[] =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><Types "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
      "content-types\"><Default Extension=\"fdoc\" "
      "ContentType=\"application/vnd.ms-package.xps-fixeddocument+xml\"/>"
      "<Default Extension=\"fdseq\" ContentType=\"application/"
      "vnd.ms-package.xps-fixeddocumentsequence+xml\"/><Default "
      "Extension=\"fpage\" ContentType=\"application/"
      "vnd.ms-package.xps-fixedpage+xml\"/><Default Extension=\"rels\" "
      "ContentType=\"application/"
      "vnd.openxmlformats-package.relationships+xml\"/><Default "
      "Extension=\"dict\" ContentType=\"application/"
      "vnd.ms-package.xps-resourcedictionary+xml\"/><Default "
      "Extension=\"png\" ContentType=\"image/png\"/><Default "
      "Extension=\"ttf\" ContentType=\"application/vnd.ms-opentype\"/>"
      "<Default Extension=\"odttf\" ContentType=\"application/"
      "vnd.ms-package.obfuscated-opentype\"/></Types>";
  static const char rels[] =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
      "2006/relationships\"><Relationship Id=\"R0\" "
      "Type=\"http://schemas.microsoft.com/xps/2005/06/fixedrepresentation\" "
      "Target=\"/FixedDocSeq.fdseq\"/></Relationships>";
  static const char seq[] =
      "<FixedDocumentSequence xmlns=\"http://schemas.microsoft.com/xps/2005/"
      "06\"><DocumentReference Source=\"Documents/1/FixedDoc.fdoc\"/>"
      "</FixedDocumentSequence>";
  if (tzip_add(z, "[Content_Types].xml", types, sizeof types - 1, 1) < 0 ||
      tzip_add(z, "_rels/.rels", rels, sizeof rels - 1, 1) < 0 ||
      tzip_add(z, "FixedDocSeq.fdseq", seq, sizeof seq - 1, 1) < 0)
    return -1;
  tbuf doc = {0};
  tbuf_add(&doc, "<FixedDocument xmlns=\"http://schemas.microsoft.com/xps/"
                 "2005/06\">");
  for (int i = 1; i <= npages; i++)
    tbuf_addf(&doc, "<PageContent Source=\"Pages/%d.fpage\"/>", i);
  tbuf_add(&doc, "</FixedDocument>");
  int rc = tzip_add(z, "Documents/1/FixedDoc.fdoc", doc.p, doc.n, 1);
  tbuf_free(&doc);
  return rc < 0 ? -1 : 0;
}
