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

#include "xpsraster/document.h"
#include "xpsraster/render.h"

namespace {

const std::string kPage = std::string(XR_SOURCE_DIR) + "/corpus/text/page.xps";

int sink_begin(void *, const xr_page_info *) { return 0; }
int sink_band(void *ud, const xr_page_info *, int, int rows, const uint8_t *,
              size_t) {
  *static_cast<long *>(ud) += rows;
  return 0;
}
int sink_end(void *, const xr_page_info *) { return 0; }

void BM_TextPage(benchmark::State &state) {
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
    o.colorspace = XR_CS_GRAY;
    int rc = xr_doc_render(doc, &o, &sink, &err);
    xr_doc_close(doc);
    if (rc < 0) {
      state.SkipWithError(err.msg);
      return;
    }
  }
  state.counters["rows"] = double(rows) / double(state.iterations());
}
BENCHMARK(BM_TextPage)
    ->Args({300, 1})
    ->Args({300, 0})
    ->Args({600, 1})
    ->Args({600, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_MutoolTextPage(benchmark::State &state) {
  if (std::system("command -v mutool >/dev/null 2>&1") != 0) {
    state.SkipWithError("mutool not installed");
    return;
  }
  std::string cmd = "mutool draw -q -r " + std::to_string(state.range(0)) +
                    " -c gray -o /dev/null -F pgm '" + kPage +
                    "' >/dev/null 2>&1";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("mutool failed");
      return;
    }
  }
}
BENCHMARK(BM_MutoolTextPage)
    ->Arg(300)
    ->Arg(600)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();
