/* Helpers shared by the render tests: build display lists from simple
 * shapes and render whole pages. */
#ifndef TEST_SUPPORT_RENDER_H
#define TEST_SUPPORT_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "render/device.h"
#include "render/dl.h"

/* New list at dpi (96: one page unit per pixel) with begin_page done. */
ras_dl *t_dl(double dpi, double w, double h);
ras_paint t_solid(float r, float g, float b, float a);
/* Appends a rectangle figure x,y,w,h (clockwise). */
void t_rect(ras_path *p, double x, double y, double w, double h);
/* Five-pointed self-overlapping star centred at cx,cy with radius r. */
void t_star(ras_path *p, double cx, double cy, double r);
void t_fill(ras_dl *dl, const ras_path *p, int rule, ras_paint paint);
/* Renders the whole page in bands of band_h rows; caller frees. */
uint8_t *t_render(const ras_dl *dl, int format, int band_h, size_t *stride);
/* A page using every feature: curves, strokes, dashes, both rules,
 * clips, groups, masks, aliased edges, edges off the page. */
ras_dl *t_busy_page(double dpi);
/* Pixel helpers for gray8 and rgb8 pages. */
int t_gray(const uint8_t *img, size_t stride, int x, int y);
/* Sum of (255 - v) over a gray image: total "ink". */
double t_ink(const uint8_t *img, size_t stride, int w, int h);

#endif
