// Text benchmarks, through the public C API (xpsraster/render.h).
//
//  BM_TextPage/dpi/threads   corpus/text/page.xps (a Letter page of 62
//                            lines of 10 pt text, two embedded fonts)
//                            rendered to 8-bit gray, bands discarded;
//                            threads 0 = one per core.
//  BM_MutoolTextPage/dpi     the same page through `mutool draw -c gray`
//                            (process start and PGM encoding included, so
//                            it is an upper bound for mutool).
//
// Each iteration opens the document, so font loading and the glyph cache
// warm-up are part of the measured time, as in one print job.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_page.h"

namespace {

const std::string kPage = std::string(XR_SOURCE_DIR) + "/corpus/text/page.xps";

void BM_TextPage(benchmark::State &state) {
  xrb::render_page(state, kPage, double(state.range(0)), int(state.range(1)),
                   XR_CS_GRAY);
}
BENCHMARK(BM_TextPage)
    ->Args({300, 1})
    ->Args({300, 0})
    ->Args({600, 1})
    ->Args({600, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_MutoolTextPage(benchmark::State &state) {
  xrb::mutool_page(state, kPage, int(state.range(0)), "-c gray -F pgm");
}
BENCHMARK(BM_MutoolTextPage)
    ->Arg(300)
    ->Arg(600)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();
