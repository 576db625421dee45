// Shared by the whole-page benchmarks (text, image): render one document
// per iteration through the public C API, and time `mutool draw` on the
// same file. Header-only: each bench_*.cc is its own executable.
#ifndef XR_BENCH_PAGE_H
#define XR_BENCH_PAGE_H

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "xpsraster/document.h"
#include "xpsraster/render.h"

namespace xrb {

inline int sink_begin(void *, const xr_page_info *) { return 0; }
inline int sink_band(void *ud, const xr_page_info *, int, int rows,
                     const uint8_t *, size_t) {
  *static_cast<long *>(ud) += rows;
  return 0;
}
inline int sink_end(void *, const xr_page_info *) { return 0; }

// Opens and renders path once per iteration (so font loading, image
// decoding and cache warm-up are measured, as in one print job); bands are
// counted and discarded. Reports rows per iteration.
inline void render_page(benchmark::State &state, const std::string &path,
                        double dpi, int threads, int colorspace) {
  long rows = 0;
  xr_band_sink sink = {&rows, sink_begin, sink_band, sink_end};
  for (auto _ : state) {
    xr_doc *doc = nullptr;
    xr_errinfo err;
    if (xr_doc_open(path.c_str(), nullptr, &doc, &err) < 0) {
      state.SkipWithError(err.msg);
      return;
    }
    xr_render_opts o;
    xr_render_opts_init(&o);
    o.dpi = dpi;
    o.threads = threads;
    o.colorspace = colorspace;
    int rc = xr_doc_render(doc, &o, &sink, &err);
    xr_doc_close(doc);
    if (rc < 0) {
      state.SkipWithError(err.msg);
      return;
    }
  }
  state.counters["rows"] = double(rows) / double(state.iterations());
}

// `mutool draw -q -r dpi <args> -o /dev/null path` per iteration (process
// start and PNM encoding included: an upper bound for mutool).
inline void mutool_page(benchmark::State &state, const std::string &path,
                        int dpi, const std::string &args) {
  if (std::system("command -v mutool >/dev/null 2>&1") != 0) {
    state.SkipWithError("mutool not installed");
    return;
  }
  std::string cmd = "mutool draw -q -r " + std::to_string(dpi) + " " + args +
                    " -o /dev/null '" + path + "' >/dev/null 2>&1";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("mutool failed");
      return;
    }
  }
}

} // namespace xrb

#endif
