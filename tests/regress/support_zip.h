/* A small ZIP writer for tests that build hostile packages at run time:
 * stored or deflated entries, and hooks to make the archive lie (sizes,
 * offsets) the way an attacker's would. Test support, not library code. */
#ifndef SUPPORT_ZIP_H
#define SUPPORT_ZIP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct tzip_entry {
  char *name;
  uint32_t crc;
  uint64_t csize, usize; /* as written to both headers */
  uint64_t offset;       /* of the local header, as written to the CD */
  int method;            /* 0 stored, 8 deflated */
} tzip_entry;

typedef struct tzip {
  FILE *f;
  tzip_entry *e;
  size_t n, cap;
} tzip;

/* Creates path. Returns 0 or -1. */
int tzip_open(tzip *z, const char *path);
/* Adds an entry; compress != 0 deflates it. Returns its index or -1. */
int tzip_add(tzip *z, const char *name, const void *data, size_t len,
             int compress);
/* Adds an entry whose data is given already compressed (raw deflate) with
 * the claimed uncompressed size and CRC. Returns its index or -1. */
int tzip_add_raw(tzip *z, const char *name, const void *cdata, size_t clen,
                 uint64_t usize, uint32_t crc);
/* Writes the central directory from z->e (edit it first to lie) and
 * closes. Returns 0 or -1. */
int tzip_close(tzip *z);

/* Writes a file. Returns 0 or -1. */
int tfile_write(const char *path, const void *data, size_t len);

/* A growable string for generated markup. */
typedef struct tbuf {
  char *p;
  size_t n, cap;
} tbuf;
void tbuf_add(tbuf *b, const char *s);
void tbuf_addf(tbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tbuf_free(tbuf *b);

/* Standard XPS package scaffolding: [Content_Types].xml, _rels/.rels, a
 * FixedDocumentSequence and one FixedDocument listing pages
 * /Documents/1/Pages/<i>.fpage for i in 1..npages (the pages themselves
 * are added by the caller). */
int tzip_add_scaffold(tzip *z, int npages);

#endif
