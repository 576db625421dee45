// Package layer benchmarks, through the public C API (xpsraster/package.h).
//
//  BM_PiecesOpen/N        open a package whose only page is split into N
//                         interleaved pieces stored in reverse order, and
//                         read that page (issue 4: N = 5000 under 50 ms;
//                         N = 1 is the same page in one piece).
//  BM_PiecesOpenPiped     the same through a pipe.
//  BM_FirstPagePiped/N    time from open to the first page's bytes on a
//                         piped N-page document (must not grow with N).
//  BM_PipedDrain/N        the whole piped document, every page read in
//                         order, with a 256 KiB spill budget; counters
//                         report the spill peak (bounded by the budget, not
//                         the document) and the bytes sent to the file.
//
// Fixtures are written once to $XR_BENCH_DIR (default /tmp) as
// xr-bench-pieces-<n>.xps and xr-bench-pages-<n>.xps, so that
// bench/pkg-compare can time mutool on the very same files.
#include <benchmark/benchmark.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>
#include <zlib.h>

#include "xpsraster/package.h"

namespace {

using Parts = std::vector<std::pair<std::string, std::string>>;

void put16(std::string &s, unsigned v) {
  s += char(v & 0xff);
  s += char((v >> 8) & 0xff);
}
void put32(std::string &s, unsigned long v) {
  put16(s, unsigned(v & 0xffff));
  put16(s, unsigned((v >> 16) & 0xffff));
}

std::string deflate_raw(const std::string &in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, uLong(in.size())), '\0');
  z.next_in = (Bytef *)in.data();
  z.avail_in = uInt(in.size());
  z.next_out = (Bytef *)&out[0];
  z.avail_out = uInt(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A minimal deflating ZIP writer (no ZIP64: fixtures are small).
std::string make_zip(const Parts &parts) {
  std::string out, cd;
  for (const auto &p : parts) {
    std::string comp = deflate_raw(p.second);
    unsigned long crc =
        crc32(0, (const Bytef *)p.second.data(), uInt(p.second.size()));
    unsigned long off = out.size();
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0);
    put16(out, 8);
    put32(out, 0);
    put32(out, crc);
    put32(out, comp.size());
    put32(out, p.second.size());
    put16(out, unsigned(p.first.size()));
    put16(out, 0);
    out += p.first + comp;
    put32(cd, 0x02014b50);
    put16(cd, 20);
    put16(cd, 20);
    put16(cd, 0);
    put16(cd, 8);
    put32(cd, 0);
    put32(cd, crc);
    put32(cd, comp.size());
    put32(cd, p.second.size());
    put16(cd, unsigned(p.first.size()));
    for (int i = 0; i < 4; i++)
      put16(cd, 0);
    put32(cd, 0);
    put32(cd, off);
    cd += p.first;
  }
  unsigned long cd_off = out.size();
  out += cd;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, unsigned(parts.size()));
  put16(out, unsigned(parts.size()));
  put32(out, cd.size());
  put32(out, cd_off);
  put16(out, 0);
  return out;
}

const char *kNs = "http://schemas.microsoft.com/xps/2005/06";

std::string page_xml(int seed, int paths) {
  std::string s = std::string("<FixedPage xmlns=\"") + kNs +
                  "\" Width=\"816\" Height=\"1056\" xml:lang=\"en-US\">\n";
  for (int i = 0; i < paths; i++) {
    char buf[160];
    int x = (seed * 37 + i * 13) % 700, y = (seed * 11 + i * 29) % 950;
    snprintf(buf, sizeof buf,
             "<Path Fill=\"#FF%02X%02X%02X\" Data=\"M %d,%d L %d,%d L %d,%d "
             "Z\"/>\n",
             (i * 7) & 255, (i * 13) & 255, (i * 29) & 255, x, y, x + 90, y,
             x + 45, y + 80);
    s += buf;
  }
  return s + "</FixedPage>\n";
}

Parts skeleton(int pages, std::vector<std::string> *page_names) {
  Parts parts;
  parts.push_back(
      {"[Content_Types].xml",
       "<?xml version=\"1.0\" encoding=\"utf-8\"?><Types xmlns=\"http://"
       "schemas.openxmlformats.org/package/2006/content-types\"><Default "
       "Extension=\"fpage\" ContentType=\"application/"
       "vnd.ms-package.xps-fixedpage+xml\"/><Default Extension=\"fdoc\" "
       "ContentType=\"application/vnd.ms-package.xps-fixeddocument+xml\"/>"
       "<Default Extension=\"fdseq\" ContentType=\"application/"
       "vnd.ms-package.xps-fixeddocumentsequence+xml\"/><Default "
       "Extension=\"rels\" ContentType=\"application/"
       "vnd.openxmlformats-package.relationships+xml\"/></Types>"});
  parts.push_back(
      {"_rels/.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
       "2006/relationships\"><Relationship Id=\"R0\" Type=\"http://"
       "schemas.microsoft.com/xps/2005/06/fixedrepresentation\" "
       "Target=\"/FixedDocSeq.fdseq\"/></Relationships>"});
  parts.push_back({"FixedDocSeq.fdseq",
                   std::string("<FixedDocumentSequence xmlns=\"") + kNs +
                       "\"><DocumentReference Source=\"Documents/1/"
                       "FixedDoc.fdoc\"/></FixedDocumentSequence>"});
  std::string fdoc = std::string("<FixedDocument xmlns=\"") + kNs + "\">";
  for (int i = 1; i <= pages; i++) {
    fdoc += "<PageContent Source=\"Pages/" + std::to_string(i) +
            ".fpage\" Width=\"816\" Height=\"1056\"/>";
    page_names->push_back("Documents/1/Pages/" + std::to_string(i) + ".fpage");
  }
  parts.push_back({"Documents/1/FixedDoc.fdoc", fdoc + "</FixedDocument>"});
  return parts;
}

std::string bench_dir() {
  const char *d = getenv("XR_BENCH_DIR");
  return d && *d ? d : "/tmp";
}

void write_file(const std::string &path, const std::string &data) {
  FILE *f = fopen(path.c_str(), "wb");
  if (!f || fwrite(data.data(), 1, data.size(), f) != data.size()) {
    fprintf(stderr, "cannot write %s\n", path.c_str());
    exit(1);
  }
  fclose(f);
}

// One page of 5000 paths (about 320 KB) split into `pieces` pieces, stored
// last piece first; the page is the same whatever the split.
const std::string &pieces_file(int pieces) {
  static std::string path;
  static int made = 0;
  if (made == pieces)
    return path;
  std::vector<std::string> names;
  Parts parts = skeleton(1, &names);
  std::string page = page_xml(1, 5000);
  size_t step = (page.size() + pieces - 1) / pieces;
  for (int i = pieces - 1; i >= 0; i--) {
    std::string name = names[0] + "/[" + std::to_string(i) + "]." +
                       (i == pieces - 1 ? "last." : "") + "piece";
    size_t a = std::min(page.size(), size_t(i) * step);
    size_t b = i == pieces - 1 ? page.size() : std::min(page.size(), a + step);
    parts.push_back({name, page.substr(a, b - a)});
  }
  path = bench_dir() + "/xr-bench-pieces-" + std::to_string(pieces) + ".xps";
  write_file(path, make_zip(parts));
  made = pieces;
  return path;
}

const std::string &pages_file(int pages) {
  static std::string paths[8];
  static int made[8];
  int slot = pages % 8;
  if (made[slot] == pages)
    return paths[slot];
  std::vector<std::string> names;
  Parts parts = skeleton(pages, &names);
  for (int i = 0; i < pages; i++)
    parts.push_back({names[i], page_xml(i, 20)});
  paths[slot] =
      bench_dir() + "/xr-bench-pages-" + std::to_string(pages) + ".xps";
  write_file(paths[slot], make_zip(parts));
  made[slot] = pages;
  return paths[slot];
}

std::string slurp(const std::string &path) {
  std::string s;
  FILE *f = fopen(path.c_str(), "rb");
  char buf[65536];
  size_t n;
  while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
    s.append(buf, n);
  if (f)
    fclose(f);
  return s;
}

// Feeds data into a pipe from a thread; the reader may stop early.
struct Feeder {
  int fds[2];
  std::thread t;
  explicit Feeder(const std::string &data) {
    if (pipe(fds) != 0)
      abort();
    t = std::thread([this, &data] {
      size_t off = 0;
      while (off < data.size()) {
        ssize_t w = write(fds[1], data.data() + off,
                          std::min<size_t>(65536, data.size() - off));
        if (w <= 0)
          break; // EPIPE once the reader has closed
        off += size_t(w);
      }
      close(fds[1]);
    });
  }
  int fd() const { return fds[0]; }
  void finish() {
    close(fds[0]);
    t.join();
  }
};

bool read_first_page(xr_pkg *pkg, size_t *bytes) {
  char name[1024];
  xr_errinfo err;
  if (xr_pkg_next_page(pkg, name, sizeof name, &err) != 1)
    return false;
  unsigned char *data;
  size_t size;
  if (xr_pkg_read(pkg, name, &data, &size, &err) != 0) {
    fprintf(stderr, "%s: %s\n", err.part, err.msg);
    return false;
  }
  free(data);
  *bytes = size;
  return true;
}

void BM_PiecesOpen(benchmark::State &state) {
  const std::string &path = pieces_file(int(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    xr_pkg *pkg;
    xr_errinfo err;
    if (xr_pkg_open(path.c_str(), nullptr, &pkg, &err) != 0 ||
        !read_first_page(pkg, &bytes)) {
      state.SkipWithError(err.msg);
      break;
    }
    xr_pkg_close(pkg);
  }
  state.counters["page_bytes"] = double(bytes);
}
BENCHMARK(BM_PiecesOpen)
    ->Arg(1)
    ->Arg(500)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond);

void BM_PiecesOpenPiped(benchmark::State &state) {
  std::string data = slurp(pieces_file(int(state.range(0))));
  size_t bytes = 0;
  for (auto _ : state) {
    Feeder feed(data);
    xr_pkg *pkg;
    xr_errinfo err;
    bool ok = xr_pkg_open_fd(feed.fd(), nullptr, &pkg, &err) == 0 &&
              read_first_page(pkg, &bytes);
    if (ok)
      xr_pkg_close(pkg);
    feed.finish();
    if (!ok) {
      state.SkipWithError("piped open failed");
      break;
    }
  }
  state.counters["page_bytes"] = double(bytes);
}
BENCHMARK(BM_PiecesOpenPiped)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_FirstPagePiped(benchmark::State &state) {
  std::string data = slurp(pages_file(int(state.range(0))));
  size_t bytes = 0;
  for (auto _ : state) {
    Feeder feed(data);
    xr_pkg *pkg;
    xr_errinfo err;
    bool ok = xr_pkg_open_fd(feed.fd(), nullptr, &pkg, &err) == 0 &&
              read_first_page(pkg, &bytes);
    if (ok)
      xr_pkg_close(pkg);
    // Stopping here is the point: the rest of the stream is never read.
    state.PauseTiming();
    feed.finish();
    state.ResumeTiming();
    if (!ok) {
      state.SkipWithError("piped open failed");
      break;
    }
  }
  state.counters["file_bytes"] = double(data.size());
}
BENCHMARK(BM_FirstPagePiped)
    ->Arg(50)
    ->Arg(500)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond);

void BM_PipedDrain(benchmark::State &state) {
  std::string data = slurp(pages_file(int(state.range(0))));
  xr_limits lim;
  xr_limits_init(&lim);
  xr_limits_set(&lim, XR_LIMIT_SPILL_MEMORY, 256 << 10);
  xr_pkg_stats st{};
  int pages = 0;
  for (auto _ : state) {
    Feeder feed(data);
    xr_pkg *pkg;
    xr_errinfo err;
    if (xr_pkg_open_fd(feed.fd(), &lim, &pkg, &err) != 0) {
      feed.finish();
      state.SkipWithError(err.msg);
      break;
    }
    // Read every page in order, as a renderer would.
    char name[1024];
    pages = 0;
    while (xr_pkg_next_page(pkg, name, sizeof name, &err) == 1) {
      unsigned char *d;
      size_t n;
      if (xr_pkg_read(pkg, name, &d, &n, &err) == 0)
        free(d);
      pages++;
    }
    xr_pkg_stats_get(pkg, &st);
    xr_pkg_close(pkg);
    feed.finish();
  }
  state.counters["pages"] = pages;
  state.counters["file_bytes"] = double(data.size());
  state.counters["spill_peak"] = double(st.spill_mem_peak);
  state.counters["spill_file"] = double(st.spill_file);
}
BENCHMARK(BM_PipedDrain)->Arg(500)->Arg(5000)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
