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

#include "bench_page.h"

namespace {

const std::string kPage =
    std::string(XR_SOURCE_DIR) + "/corpus/image/bench.xps";

void BM_ImagePage(benchmark::State &state) {
  xrb::render_page(state, kPage, double(state.range(0)), int(state.range(1)),
                   int(state.range(2)));
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
  xrb::mutool_page(state, kPage, int(state.range(0)), "-c rgb -F pnm");
}
BENCHMARK(BM_MutoolImagePage)
    ->Arg(150)
    ->Arg(300)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();
