// Rasterizer benchmarks through the public C API (xpsraster/raster.h and
// the document API): scan conversion in edges per second, span fill in
// megapixels per second, band threads, and whole corpus pages.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" {
#include "xpsraster/document.h"
#include "xpsraster/raster.h"
#include "xpsraster/render.h"
}

namespace {

struct Raster {
  xr_raster *r = nullptr;
  Raster(int w, int h) {
    if (xr_raster_new(w, h, &r))
      std::abort();
  }
  ~Raster() { xr_raster_drop(r); }
};

int discard_band(void *, int, int, const uint8_t *, size_t) {
  return 0;
}

// Renders the whole page on this thread through the band scheduler (one
// worker: inline, with its scratch reused across bands, as the filter
// does).
void render_page(const xr_raster *r, int cs, int w, int h, int band,
                 std::vector<uint8_t> &buf) {
  (void)w;
  (void)h;
  (void)buf;
  if (xr_raster_render_bands(r, cs, band, 1, discard_band, nullptr))
    std::abort();
}

// Many small triangles, like text: short edges, small bboxes.
void add_triangles(xr_raster *r, int w, int h, int count, double size) {
  uint32_t s = 12345;
  auto rnd = [&s]() {
    s = s * 1103515245u + 12345u;
    return (double)((s >> 8) & 0xffff) / 65536.0;
  };
  for (int i = 0; i < count; i++) {
    double x = rnd() * (w - size), y = rnd() * (h - size);
    double xy[6] = {x,        y,        x + size * rnd(),
                    y + size, x + size, y + size * rnd()};
    xr_raster_fill_polygon(r, xy, 3, 0, 0xff000000u);
  }
}

// One big star polygon: long edges crossing many rows and cells.
void add_star(xr_raster *r, int w, int h, int spikes) {
  std::vector<double> xy;
  double cx = w / 2.0, cy = h / 2.0, R = std::fmin(w, h) * 0.48;
  for (int i = 0; i < spikes * 2; i++) {
    double a = M_PI * i / spikes, rr = (i & 1) ? R * 0.3 : R;
    xy.push_back(cx + rr * std::cos(a));
    xy.push_back(cy + rr * std::sin(a));
  }
  xr_raster_fill_polygon(r, xy.data(), xy.size() / 2, 1, 0xff204080u);
}

void BM_ScanSmallEdges(benchmark::State &st) {
  const int w = 2550, h = 3300, n = (int)st.range(0);
  Raster r(w, h);
  add_triangles(r.r, w, h, n, 6);
  std::vector<uint8_t> buf;
  for (auto _ : st)
    render_page(r.r, XR_CS_GRAY, w, h, 64, buf);
  st.counters["edges/s"] = benchmark::Counter(3.0 * n * st.iterations(),
                                              benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScanSmallEdges)
    ->Arg(20000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

void BM_ScanLongEdges(benchmark::State &st) {
  const int w = 2550, h = 3300, spikes = (int)st.range(0);
  Raster r(w, h);
  add_star(r.r, w, h, spikes);
  std::vector<uint8_t> buf;
  for (auto _ : st)
    render_page(r.r, XR_CS_GRAY, w, h, 64, buf);
  st.counters["edges/s"] = benchmark::Counter(2.0 * spikes * st.iterations(),
                                              benchmark::Counter::kIsRate);
  st.counters["Mpx/s"] = benchmark::Counter(
      (double)w * h * st.iterations() / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ScanLongEdges)->Arg(100)->Arg(2000)->Unit(benchmark::kMillisecond);

// Recording: flattening, clipping, fixed-point conversion, block sorting.
void BM_RecordEdges(benchmark::State &st) {
  const int w = 2550, h = 3300, n = (int)st.range(0);
  for (auto _ : st) {
    Raster r(w, h);
    add_triangles(r.r, w, h, n, 6);
  }
  st.counters["edges/s"] = benchmark::Counter(3.0 * n * st.iterations(),
                                              benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RecordEdges)->Arg(100000)->Unit(benchmark::kMillisecond);

// Span fill: one page-sized rectangle, opaque or 50% alpha.
void BM_SpanFill(benchmark::State &st) {
  const int w = 2550, h = 3300, cs = (int)st.range(0);
  const uint32_t argb = st.range(1) ? 0xff336699u : 0x80336699u;
  Raster r(w, h);
  double xy[8] = {0, 0, (double)w, 0, (double)w, (double)h, 0, (double)h};
  xr_raster_fill_polygon(r.r, xy, 4, 0, argb);
  std::vector<uint8_t> buf;
  for (auto _ : st)
    render_page(r.r, cs, w, h, 64, buf);
  st.counters["Mpx/s"] = benchmark::Counter(
      (double)w * h * st.iterations() / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SpanFill)
    ->ArgsProduct({{XR_CS_GRAY, XR_CS_RGB, XR_CS_CMYK, XR_CS_MONO}, {1, 0}})
    ->ArgNames({"cs", "opaque"})
    ->Unit(benchmark::kMillisecond);

// Clearing only: an empty page (the floor for every page).
void BM_EmptyPage(benchmark::State &st) {
  const int w = 5100, h = 6600, cs = (int)st.range(0);
  Raster r(w, h);
  std::vector<uint8_t> buf;
  for (auto _ : st)
    render_page(r.r, cs, w, h, 64, buf);
  st.counters["Mpx/s"] = benchmark::Counter(
      (double)w * h * st.iterations() / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EmptyPage)
    ->Arg(XR_CS_GRAY)
    ->Arg(XR_CS_RGB)
    ->Unit(benchmark::kMillisecond);

// Transparency group over overlapping shapes (layer compositing).
void BM_Group(benchmark::State &st) {
  const int w = 2550, h = 3300;
  Raster r(w, h);
  xr_raster_begin_group(r.r, 0.5);
  add_triangles(r.r, w, h, 20000, 40);
  xr_raster_end_group(r.r);
  std::vector<uint8_t> buf;
  for (auto _ : st)
    render_page(r.r, XR_CS_RGB, w, h, 64, buf);
  st.counters["Mpx/s"] = benchmark::Counter(
      (double)w * h * st.iterations() / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Group)->Unit(benchmark::kMillisecond);

// The band scheduler: band height and thread count.
void BM_Bands(benchmark::State &st) {
  const int w = 5100, h = 6600;
  Raster r(w, h);
  add_triangles(r.r, w, h, 50000, 12);
  add_star(r.r, w, h, 500);
  for (auto _ : st)
    if (xr_raster_render_bands(r.r, XR_CS_RGB, (int)st.range(0),
                               (int)st.range(1), discard_band, nullptr))
      std::abort();
  st.counters["Mpx/s"] = benchmark::Counter(
      (double)w * h * st.iterations() / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Bands)
    ->ArgsProduct({{16, 32, 64, 128, 256, 0}, {1, 2}})
    ->ArgNames({"band", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Whole corpus pages through the document API, discarding the bands.
int sink_begin(void *, const xr_page_info *) {
  return 0;
}
int sink_band(void *, const xr_page_info *, int, int, const uint8_t *, size_t) {
  return 0;
}
int sink_end(void *, const xr_page_info *) {
  return 0;
}

void BM_CorpusPage(benchmark::State &st, const char *doc) {
  std::string path = std::string(XR_SOURCE_DIR) + "/corpus/" + doc;
  xr_render_opts o;
  xr_render_opts_init(&o);
  o.dpi = (double)st.range(0);
  o.colorspace = (int)st.range(1);
  o.threads = 1;
  xr_band_sink sink = {nullptr, sink_begin, sink_band, sink_end};
  for (auto _ : st) {
    xr_doc *d = nullptr;
    if (xr_doc_open(path.c_str(), nullptr, &d, nullptr)) {
      st.SkipWithError("cannot open corpus document");
      return;
    }
    if (xr_doc_render(d, &o, &sink, nullptr))
      st.SkipWithError("render failed");
    xr_doc_close(d);
  }
}
#define CORPUS_PAGE(name, doc)                                                 \
  BENCHMARK_CAPTURE(BM_CorpusPage, name, doc)                                  \
      ->ArgsProduct({{300, 600}, {XR_CS_GRAY, XR_CS_RGB}})                     \
      ->ArgNames({"dpi", "cs"})                                                \
      ->Unit(benchmark::kMillisecond)
CORPUS_PAGE(text, "text/page.xps");
CORPUS_PAGE(vector, "vector/clips.xps");
CORPUS_PAGE(gradient, "vector/linear_spread.xps");
CORPUS_PAGE(image, "image/png.xps");
CORPUS_PAGE(mixed, "vector/opacity_mask.xps");

} // namespace

BENCHMARK_MAIN();
