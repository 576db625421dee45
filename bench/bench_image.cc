// Image benchmarks, through the public C API (xpsraster/render.h).
//
//  BM_ImagePage/dpi/threads/cs  corpus/image/bench.xps: a Letter page with
//                               a 2400 x 1600 PNG scaled into a 7 x 4.7
//                               inch box, the same image as nine
//                               thumbnails, four small JPEGs (RGB and
//                               Adobe CMYK) and a tiled, translucent image
//                               background; bands discarded. cs is the
//                               output colour space (1 RGB, 2 CMYK through
//                               the built-in ICC profile, 3 mono).
//  BM_MutoolImagePage/dpi       the same page through `mutool draw`
//                               (process start and PNM encoding included,
//                               so it is an upper bound for mutool).
//
// Each iteration opens the document, so decoding, colour conversion and
// mip building are part of the measured time, as in one print job.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "xpsraster/document.h"
#include "xpsraster/render.h"

namespace {

const std::string kPage =
    std::string(XR_SOURCE_DIR) + "/corpus/image/bench.xps";

int sink_begin(void *, const xr_page_info *) {
  return 0;
}
int sink_band(void *ud, const xr_page_info *, int, int rows, const uint8_t *,
              size_t) {
  *static_cast<long *>(ud) += rows;
  return 0;
}
int sink_end(void *, const xr_page_info *) {
  return 0;
}

void BM_ImagePage(benchmark::State &state) {
  long rows = 0;
  xr_band_sink sink = {&rows, sink_begin, sink_band, sink_end};
  for (auto _ : state) {
    xr_doc *doc = nullptr;
    xr_errinfo err;
    if (xr_doc_open(kPage.c_str(), nullptr, &doc, &err) < 0) {
      state.SkipWithError(err.msg);
      return;
    }
    xr_render_opts o;
    xr_render_opts_init(&o);
    o.dpi = double(state.range(0));
    o.threads = int(state.range(1));
    o.colorspace = int(state.range(2));
    int rc = xr_doc_render(doc, &o, &sink, &err);
    xr_doc_close(doc);
    if (rc < 0) {
      state.SkipWithError(err.msg);
      return;
    }
  }
  state.counters["rows"] = double(rows) / double(state.iterations());
}
BENCHMARK(BM_ImagePage)
    ->Args({150, 1, XR_CS_RGB})
    ->Args({300, 1, XR_CS_RGB})
    ->Args({300, 0, XR_CS_RGB})
    ->Args({300, 1, XR_CS_CMYK})
    ->Args({300, 1, XR_CS_MONO})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_MutoolImagePage(benchmark::State &state) {
  if (std::system("command -v mutool >/dev/null 2>&1") != 0) {
    state.SkipWithError("mutool not installed");
    return;
  }
  std::string cmd = "mutool draw -q -r " + std::to_string(state.range(0)) +
                    " -c rgb -o /dev/null -F pnm '" + kPage +
                    "' >/dev/null 2>&1";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("mutool failed");
      return;
    }
  }
}
BENCHMARK(BM_MutoolImagePage)
    ->Arg(150)
    ->Arg(300)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();
