/* [Content_Types].xml: Default (by extension) and Override (by part name)
 * content types. */
#ifndef XPS_CONTENT_TYPES_H
#define XPS_CONTENT_TYPES_H

#include "xps/pkg.h"

typedef struct xps_ctypes xps_ctypes;

/* Parses a [Content_Types].xml part. Unknown elements are ignored. */
int xps_ctypes_parse(const xps_part *part, const xps_ctx *ctx, xps_ctypes **out,
                     xr_errinfo *err);

/* The content type of part name (an Override wins over a Default), borrowed
 * from types, or NULL when none applies. */
const char *xps_ctypes_lookup(const xps_ctypes *types, const char *name);

void xps_ctypes_drop(xps_ctypes *types);

#endif
