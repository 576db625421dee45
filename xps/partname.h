/* OPC part names: normalisation, the case-folded lookup key, hashing, and
 * recognition of interleaved piece names ("[3].piece", "[7].last.piece").
 *
 * A normalised name starts with '/', uses '/' as the only separator, and is
 * percent-decoded (except %2F, %5C, %00 and %25, which must not turn into
 * separators, cut the name or be decoded twice: normalising a normalised
 * name changes nothing). The key is the normalised name with ASCII letters
 * folded to lower case; two names name the same part iff their keys are
 * equal. */
#ifndef XPS_PARTNAME_H
#define XPS_PARTNAME_H

#include <stddef.h>
#include <stdint.h>

/* Normalises src (src_len bytes, need not be NUL-terminated) into out.
 * Returns the length written (without the NUL), XR_E_LIMIT when it does not
 * fit in outsize bytes, or XR_E_FORMAT for an empty name, a NUL byte, or a
 * "." or ".." segment. */
int xps_partname_norm(const char *src, size_t src_len, char *out,
                      size_t outsize);

/* Folds a normalised name to its key in place (ASCII lower case). */
void xps_partname_fold(char *name);

/* Hash of a key (FNV-1a, 64 bit). */
uint64_t xps_partname_hash(const char *key, size_t len);

/* Recognises a piece name: if the last segment of name (normalised, length
 * len) is "[n].piece" or "[n].last.piece" (case-insensitively), returns 1,
 * stores the piece number in *n (XR_E_LIMIT semantics: numbers with more
 * than 9 digits give *n = UINT32_MAX), *last, and the length of the part name
 * (without the "/[n]..." segment) in *base_len. Returns 0 otherwise. */
int xps_partname_piece(const char *name, size_t len, uint32_t *n, int *last,
                       size_t *base_len);

#endif
