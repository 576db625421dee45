// Notification queue benchmarks, through the public C API only.
//
// The workload: producers post short text events (a warning-sized line) to
// one consumer thread, which takes each off and reads its text (a checksum
// standing in for a sink). Three
// implementations run it in the same process and the same run:
//   ours   xr_notify_message into a notifier with no sinks (its thread is
//          the consumer);
//   wfcq   liburcu's wait-free concurrent queue (cds_wfcq) with a malloc'd
//          node per event, freed by the consumer;
//   mutex  a bounded ring under a mutex, with two condition variables.
// The peers get the same sleep/wake handshake as ours (eventfd woken only
// when the consumer sleeps, one yield before sleeping) for wfcq, and
// condition variables for mutex, so the comparison is about the queues,
// not about spinning consumers. Producers of ours retry after a yield when
// the ring is full (the mutex queue's producers block instead; wfcq is
// unbounded).
// Every consumer does the same work per event: strlen of the text, then a
// checksum of it (standing in for a sink), on a text copied into the queue
// at the same size (XR_NOTIFY_TEXT_MAX bytes of room).
// Latency is the duration of one successful enqueue call (clock overhead
// subtracted; ours' XR_E_QUEUE_FULL answers are not samples, they are
// counted as full_retries, while a mutex producer that blocks on a full
// ring is one long sample). Throughput is reported two ways, from the same
// runs: end to end, events / (start until the consumer has taken the last
// event and stopped), and producer side, events / (start until the last
// producer returned from its last post). Also: rendering a corpus document with
// a listener connected that never reads, against no listener.
#define _LGPL_SOURCE 1
#include <urcu/wfcqueue.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif
#include <sys/eventfd.h>
#include <unistd.h>

extern "C" {
#include "xpsraster/document.h"
#include "xpsraster/notify.h"
#include "xpsraster/render.h"
}

namespace {

const char kText[] = "page 12, band 3 of 40: font Arial not found";
constexpr unsigned kSlots = 1024;
constexpr size_t kTextMax = XR_NOTIFY_TEXT_MAX;

using Clock = std::chrono::steady_clock;

// Latency timer: on x86 the time-stamp counter, LFENCE on both sides (so
// the call cannot start before the first read nor end after the second),
// converted with a rate calibrated against steady_clock. It costs less per
// read than steady_clock (subtracted either way), but is no finer: in a VM
// the counter may advance in steps (10 ns on the machine NOTIFY.md reports),
// and then every sample is a multiple of that step.
#if defined(__x86_64__) || defined(__i386__)
inline uint64_t ticks() {
  _mm_lfence();
  uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}
#else
inline uint64_t ticks() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          Clock::now().time_since_epoch())
          .count());
}
#endif
double g_ns_per_tick = 1;

// ---- a sleep/wake handshake like notify/wake.c, for the wfcq peer ----
struct Wake {
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::atomic<int> sleeping{0};
  ~Wake() { close(fd); }
  void signal() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!sleeping.load(std::memory_order_relaxed))
      return;
    if (!sleeping.exchange(0, std::memory_order_relaxed))
      return;
    uint64_t one = 1;
    if (write(fd, &one, sizeof one) < 0) {
    }
  }
  void prepare() {
    sleeping.store(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  void cancel() { sleeping.store(0, std::memory_order_relaxed); }
  void sleep() {
    struct pollfd p = {fd, POLLIN, 0};
    poll(&p, 1, 100);
    uint64_t v;
    sleeping.store(0, std::memory_order_relaxed);
    if (read(fd, &v, sizeof v) < 0) {
    }
  }
};

// What every consumer does with an event: read its text.
std::atomic<unsigned long> g_sink{0};
inline unsigned long consume_text(const char *t) {
  unsigned long h = 0;
  size_t len = strlen(t);
  for (size_t i = 0; i < len; i++)
    h = h * 31 + static_cast<unsigned char>(t[i]);
  return h;
}

// ---- the three implementations ----

struct Ours {
  xr_notifier *n = nullptr;
  unsigned long h = 0; // the notifier thread's checksum
  static void sink(const xr_event *ev, void *ud) {
    static_cast<Ours *>(ud)->h += consume_text(ev->text);
  }
  Ours() {
    xr_notifier_opts o;
    xr_notifier_opts_init(&o);
    o.queue_slots = kSlots;
    if (xr_notifier_new_opts(nullptr, &o, &n) != XR_OK ||
        xr_notifier_add_callback_sink(n, sink, this) != XR_OK)
      std::abort();
  }
  bool push(const char *text) {
    return xr_notify_message(n, XR_LEVEL_WARNING, text) == XR_OK;
  }
  unsigned long wakeups = 0;
  void finish() { // delivers everything first
    xr_notify_stats st;
    xr_notifier_stats(n, &st);
    wakeups = st.wakeups;
    xr_notifier_drop(n);
    g_sink += h;
  }
};

struct Wfcq {
  struct Node {
    cds_wfcq_node node;
    uint32_t len;
    char text[kTextMax + 1];
  };
  cds_wfcq_head head;
  cds_wfcq_tail tail;
  Wake wake;
  std::atomic<bool> stop{false};
  std::thread consumer;
  Wfcq() {
    cds_wfcq_init(&head, &tail);
    consumer = std::thread([this] { consume(); });
  }
  bool push(const char *text) {
    Node *nd = static_cast<Node *>(malloc(sizeof(Node)));
    if (!nd)
      return false;
    cds_wfcq_node_init(&nd->node);
    size_t len = strnlen(text, kTextMax);
    memcpy(nd->text, text, len);
    nd->text[len] = '\0';
    nd->len = static_cast<uint32_t>(len);
    cds_wfcq_enqueue(cds_wfcq_head_cast(&head), &tail, &nd->node);
    wake.signal();
    return true;
  }
  void consume() {
    unsigned long h = 0;
    for (;;) {
      cds_wfcq_node *node;
      while ((node = __cds_wfcq_dequeue_blocking(cds_wfcq_head_cast(&head),
                                                 &tail)) != nullptr) {
        Node *nd = caa_container_of(node, Node, node);
        h += consume_text(nd->text);
        free(nd);
      }
      bool done = stop.load(std::memory_order_acquire);
      if (done && cds_wfcq_empty(cds_wfcq_head_cast(&head), &tail)) {
        g_sink += h;
        return;
      }
      // The same one yield before sleeping as the notifier thread.
      std::this_thread::yield();
      if (!cds_wfcq_empty(cds_wfcq_head_cast(&head), &tail))
        continue;
      wake.prepare();
      if (!cds_wfcq_empty(cds_wfcq_head_cast(&head), &tail) ||
          stop.load(std::memory_order_acquire)) {
        wake.cancel();
        continue;
      }
      wake.sleep();
    }
  }
  void finish() {
    stop.store(true, std::memory_order_release);
    wake.sleeping.store(1);
    wake.signal();
    consumer.join();
    cds_wfcq_destroy(&head, &tail);
  }
};

struct Mutex {
  struct Slot {
    uint32_t len;
    char text[kTextMax + 1];
  };
  std::vector<Slot> ring = std::vector<Slot>(kSlots);
  size_t head = 0, count = 0;
  std::mutex mu;
  std::condition_variable not_empty, not_full;
  bool stop = false;
  std::thread consumer;
  Mutex() {
    consumer = std::thread([this] { consume(); });
  }
  bool push(const char *text) {
    std::unique_lock<std::mutex> lk(mu);
    not_full.wait(lk, [this] { return count < kSlots; });
    Slot &s = ring[(head + count) % kSlots];
    size_t len = strnlen(text, kTextMax);
    memcpy(s.text, text, len);
    s.text[len] = '\0';
    s.len = static_cast<uint32_t>(len);
    if (count++ == 0)
      not_empty.notify_one();
    return true;
  }
  void consume() {
    // Copy a batch out under the lock, read it outside: the usual way to
    // keep producers from waiting on the consumer's work.
    std::vector<Slot> batch(64);
    unsigned long h = 0;
    std::unique_lock<std::mutex> lk(mu);
    for (;;) {
      not_empty.wait(lk, [this] { return count > 0 || stop; });
      if (count == 0 && stop)
        break;
      size_t k = std::min<size_t>(count, batch.size());
      bool was_full = count == kSlots;
      for (size_t i = 0; i < k; i++) {
        const Slot &s = ring[(head + i) % kSlots];
        batch[i].len = s.len;
        memcpy(batch[i].text, s.text, s.len + 1);
      }
      head = (head + k) % kSlots;
      count -= k;
      if (was_full)
        not_full.notify_all();
      lk.unlock();
      for (size_t i = 0; i < k; i++)
        h += consume_text(batch[i].text);
      lk.lock();
    }
    g_sink += h;
  }
  void finish() {
    {
      std::lock_guard<std::mutex> lk(mu);
      stop = true;
    }
    not_empty.notify_one();
    consumer.join();
  }
};

// ---- running one workload ----

template <class Q> unsigned long wakeups_of(const Q &) {
  return 0;
}
template <> unsigned long wakeups_of<Ours>(const Ours &q) {
  return q.wakeups;
}

struct Result {
  double seconds = 0;          // until the consumer took the last event
  double producer_seconds = 0; // until the last producer returned
  unsigned long wakeups = 0;   // ours: write()s to the notifier's eventfd
  long events = 0;
  long retries = 0;      // ours: XR_E_QUEUE_FULL answers, retried
  std::vector<float> ns; // latency samples
};

double g_clock_overhead_ns = 0;

template <class Q> Result run(int producers, long per_producer, bool timed) {
  Result r;
  Q q;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> th;
  std::vector<std::vector<uint32_t>> samples(producers);
  std::vector<long> retries(producers, 0);
  for (int p = 0; p < producers; p++) {
    if (timed)
      samples[p].reserve(per_producer);
    th.emplace_back([&, p] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      for (long i = 0; i < per_producer; i++) {
        if (timed) {
          for (;;) {
            uint64_t t0 = ticks();
            bool ok = q.push(kText);
            uint64_t t1 = ticks();
            if (ok) {
              samples[p].push_back(static_cast<uint32_t>(
                  std::min<uint64_t>(t1 - t0, UINT32_MAX)));
              break;
            }
            retries[p]++;
            std::this_thread::yield(); // full: let the consumer run
          }
        } else {
          while (!q.push(kText)) {
            retries[p]++;
            std::this_thread::yield();
          }
        }
      }
    });
  }
  while (ready.load() < producers) {
  }
  auto start = Clock::now();
  go.store(true, std::memory_order_release);
  for (auto &t : th)
    t.join();
  r.producer_seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  q.finish(); // returns when the consumer has taken everything
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.wakeups = wakeups_of(q);
  r.events = per_producer * producers;
  for (int p = 0; p < producers; p++) {
    r.retries += retries[p];
    for (uint32_t v : samples[p]) {
      double d = v * g_ns_per_tick - g_clock_overhead_ns;
      r.ns.push_back(d < 0 ? 0.0f : static_cast<float>(d));
    }
  }
  return r;
}

template <class T> double percentile(std::vector<T> &v, double q) {
  if (v.empty())
    return 0;
  size_t k = static_cast<size_t>(q * (v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

struct Key {
  std::string impl;
  int producers;
  bool operator<(const Key &o) const {
    return impl != o.impl ? impl < o.impl : producers < o.producers;
  }
};
std::map<Key, double> g_rate, g_prate, g_p50, g_p99, g_lat_retries;

template <class Q>
void BM_Throughput(benchmark::State &state, const char *name) {
  int producers = static_cast<int>(state.range(0));
  long per = 1000000 / producers;
  double secs = 0, psecs = 0;
  long events = 0, retries = 0;
  unsigned long wakeups = 0;
  for (auto _ : state) {
    Result r = run<Q>(producers, per, false);
    state.SetIterationTime(r.seconds);
    secs += r.seconds;
    psecs += r.producer_seconds;
    events += r.events;
    retries += r.retries;
    wakeups += r.wakeups;
  }
  double rate = events / secs;
  state.counters["events/s"] = rate;
  state.counters["posted/s"] = events / psecs;
  state.counters["full_retries"] = static_cast<double>(retries);
  state.counters["wakeups"] = static_cast<double>(wakeups);
  g_rate[{name, producers}] = rate;
  g_prate[{name, producers}] = events / psecs;
}

template <class Q> void BM_Latency(benchmark::State &state, const char *name) {
  int producers = static_cast<int>(state.range(0));
  long per = 200000 / producers;
  std::vector<float> all;
  long retries = 0;
  unsigned long wakeups = 0;
  for (auto _ : state) {
    Result r = run<Q>(producers, per, true);
    state.SetIterationTime(r.seconds);
    all.insert(all.end(), r.ns.begin(), r.ns.end());
    retries += r.retries;
    wakeups += r.wakeups;
  }
  state.counters["full_retries"] = static_cast<double>(retries);
  state.counters["wakeups"] = static_cast<double>(wakeups);
  g_lat_retries[{name, producers}] = static_cast<double>(retries);
  double p50 = percentile(all, 0.50), p99 = percentile(all, 0.99);
  state.counters["p50_ns"] = p50;
  state.counters["p90_ns"] = percentile(all, 0.90);
  state.counters["p99_ns"] = p99;
  state.counters["p999_ns"] = percentile(all, 0.999);
  g_p50[{name, producers}] = p50;
  g_p99[{name, producers}] = p99;
}

// ---- rendering with a listener that never reads ----

#ifndef XR_BENCH_NO_RENDER
int discard_begin(void *, const xr_page_info *) {
  return 0;
}
int discard_band(void *, const xr_page_info *, int, int, const uint8_t *,
                 size_t) {
  return 0;
}
int discard_end(void *, const xr_page_info *) {
  return 0;
}

// One print job: these corpus documents rendered in turn at 300 dpi, all
// through one notifier (text, images, gradients, several pages: about
// 115 ms on the machine NOTIFY.md reports).
const char *const kJobDocs[] = {
    "corpus/sample.xps", "corpus/text/page.xps", "corpus/image/bench.xps",
    "corpus/vector/radial_gradients.xps", "corpus/basic/multipage.xps"};

struct JobRun {
  double wall = -1; // seconds: the job's renders and the notifier's drop
  double cpu = 0;   // process user + system seconds over the same span
  xr_notify_stats st = {};
  int unread = 0; // bytes waiting in the listener's socket at the end
};

double cpu_seconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

int unread_bytes(xr_notify_client *c) {
  int v = 0;
  ioctl(xr_notify_client_fd(c), FIONREAD, &v);
  return v;
}

// Posts warnings until the listener's socket takes no more: the kernel's
// buffer is full, and what follows waits in the notifier's own queue for
// that peer (a listener stalled for a while, not yet dropped).
bool fill_socket(xr_notifier *n, xr_notify_client *c) {
  char text[100];
  memset(text, 'x', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  int last = -1;
  for (int round = 0; round < 1000; round++) {
    for (int k = 0; k < 256; k++)
      while (xr_notify_message(n, XR_LEVEL_INFO, text) == XR_E_QUEUE_FULL)
        std::this_thread::yield();
    xr_notify_stats st;
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      xr_notifier_stats(n, &st);
    } while (st.delivered < st.posted);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    int now = unread_bytes(c);
    if (now == last)
      return st.listeners_dropped == 0;
    last = now;
  }
  return false;
}

enum Listener { kNone, kStalled, kFull };
const char *const kListenerName[] = {"none", "stalled", "full"};

// kNone: no listener socket at all. kStalled: a listener connects before
// the job and never reads. kFull: the same, its socket filled before the
// job starts, so every frame of the job meets a full socket.
JobRun render_job(Listener mode, const std::string &sock) {
  JobRun r;
  xr_notifier *n = nullptr;
  xr_notify_client *listener = nullptr;
  if (xr_notifier_new(nullptr, &n) != XR_OK)
    return r;
  if (mode != kNone && (xr_notifier_add_socket_sink(n, sock.c_str()) != XR_OK ||
                        xr_notify_client_connect(sock.c_str(), 5000, &listener,
                                                 nullptr) != XR_OK ||
                        (mode == kFull && !fill_socket(n, listener)))) {
    xr_notify_client_close(listener);
    xr_notifier_drop(n);
    return r;
  }
  xr_notify_stats before;
  xr_notifier_stats(n, &before); // the fill is not the job's
  double c0 = cpu_seconds();
  auto t0 = Clock::now();
  int rc = 0;
  for (const char *d : kJobDocs) {
    std::string path = std::string(XR_SOURCE_DIR) + "/" + d;
    xr_open_opts oo = {};
    oo.notifier = n;
    xr_doc *doc = nullptr;
    rc = xr_doc_open(path.c_str(), &oo, &doc, nullptr);
    if (rc < 0)
      break;
    xr_render_opts ro;
    xr_render_opts_init(&ro);
    ro.dpi = 300; // a print resolution
    xr_band_sink sink = {nullptr, discard_begin, discard_band, discard_end};
    rc = xr_doc_render(doc, &ro, &sink, nullptr);
    xr_doc_close(doc);
    if (rc < 0)
      break;
  }
  xr_notifier_stats(n, &r.st);
  r.st.posted -= before.posted;
  xr_notifier_drop(n); // delivers what is left: part of the job's cost
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  r.cpu = cpu_seconds() - c0;
  if (listener) {
    r.unread = unread_bytes(listener);
    xr_notify_client_close(listener); // it never read a byte
  }
  if (rc >= 0)
    r.wall = wall;
  return r;
}

// The median of the ratios and a distribution-free 95 % interval for it:
// order statistics k and n + 1 - k of the sorted ratios, k the largest
// with P(Binomial(n, 1/2) < k) <= 0.025.
struct Interval {
  double median, lo, hi;
};
Interval median_ci(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  double cum = 0, pk = std::pow(0.5, static_cast<double>(n)); // P(X = 0)
  size_t k = 0;
  while (k < n / 2 && cum + pk <= 0.025) {
    cum += pk;
    pk = pk * static_cast<double>(n - k) / static_cast<double>(k + 1);
    k++;
  }
  // k order statistics below the interval (at least one: v[0] if k = 0).
  size_t lo = k ? k - 1 : 0, hi = n - 1 - lo;
  double med = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  return {med, v[lo], v[hi]};
}

struct ListenerResult {
  Interval wall{0, 0, 0}, cpu{0, 0, 0};
  uint64_t events = 0, dropped = 0;
  int unread = 0;
};
ListenerResult g_listener[3];
double g_job_ms = 0;
int g_job_rounds = 0;

// Rounds of three jobs, one per listener mode, in an order that rotates
// from round to round (ABC, BCA, CAB), so that drift and the load of a
// shared machine hit every mode alike; each round gives one ratio per
// mode against that round's no-listener job, for wall and for CPU time.
void BM_RenderListener(benchmark::State &state) {
  std::string sock = "/tmp/xr-bench-notify-" + std::to_string(getpid());
  std::vector<double> wall[3], cpu[3], none_ms;
  int round = 0;
  render_job(kNone, sock); // warm the page cache and the fonts
  for (auto _ : state) {
    JobRun run[3];
    double total = 0;
    for (int k = 0; k < 3; k++) {
      Listener m = static_cast<Listener>((round + k) % 3);
      run[m] = render_job(m, sock);
      if (run[m].wall < 0) {
        state.SkipWithError("cannot render the job (or fill the socket)");
        return;
      }
      total += run[m].wall;
    }
    round++;
    for (int m = kStalled; m <= kFull; m++) {
      wall[m].push_back(run[m].wall / run[kNone].wall);
      cpu[m].push_back(run[m].cpu / run[kNone].cpu);
      g_listener[m].events = run[m].st.posted + run[m].st.progress_replaced;
      g_listener[m].dropped = run[m].st.listeners_dropped;
      g_listener[m].unread = run[m].unread;
    }
    none_ms.push_back(run[kNone].wall * 1e3);
    state.SetIterationTime(total);
  }
  g_job_rounds = round;
  for (int m = kStalled; m <= kFull; m++) {
    g_listener[m].wall = median_ci(wall[m]);
    g_listener[m].cpu = median_ci(cpu[m]);
    state.counters[std::string(kListenerName[m]) + "_wall_pct"] =
        100.0 * (g_listener[m].wall.median - 1.0);
  }
  g_job_ms = median_ci(none_ms).median;
  state.counters["none_ms"] = g_job_ms;
}
#endif

void measure_clock_overhead() {
  auto c0 = Clock::now();
  uint64_t k0 = ticks();
  while (Clock::now() - c0 < std::chrono::milliseconds(50)) {
  }
  uint64_t k1 = ticks();
  double ns =
      std::chrono::duration<double, std::nano>(Clock::now() - c0).count();
  g_ns_per_tick = k1 > k0 ? ns / static_cast<double>(k1 - k0) : 1;
  std::vector<double> v;
  for (int i = 0; i < 100000; i++) {
    uint64_t t0 = ticks();
    uint64_t t1 = ticks();
    v.push_back(static_cast<double>(t1 - t0) * g_ns_per_tick);
  }
  g_clock_overhead_ns = percentile(v, 0.5);
}

void print_ratios() {
  printf("\ntimer: %.3f ns per tick; its own overhead, subtracted from each "
         "latency sample: %.1f ns\n",
         g_ns_per_tick, g_clock_overhead_ns);
  printf("\nend to end (events / time until the consumer took the last "
         "one):\n");
  printf("%-9s %12s %12s %12s %9s %9s\n", "producers", "ours ev/s", "wfcq ev/s",
         "mutex ev/s", "/wfcq", "/mutex");
  for (int p : {1, 2, 4}) {
    double o = g_rate[{"ours", p}], w = g_rate[{"wfcq", p}],
           m = g_rate[{"mutex", p}];
    printf("%-9d %12.3g %12.3g %12.3g %8.2fx %8.2fx\n", p, o, w, m,
           w ? o / w : 0, m ? o / m : 0);
  }
  printf("\nenqueue latency, ns per successful call:\n");
  printf("%-9s %8s %8s %8s %8s %8s %8s %9s %9s\n", "producers", "ours50",
         "ours99", "wfcq50", "wfcq99", "mtx50", "mtx99", "wfcq99/", "mtx99/");
  for (int p : {1, 2, 4}) {
    double o99 = g_p99[{"ours", p}];
    printf("%-9d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.2fx %8.2fx\n", p,
           g_p50[{"ours", p}], o99, g_p50[{"wfcq", p}], g_p99[{"wfcq", p}],
           g_p50[{"mutex", p}], g_p99[{"mutex", p}],
           o99 ? g_p99[{"wfcq", p}] / o99 : 0,
           o99 ? g_p99[{"mutex", p}] / o99 : 0);
  }
  printf("(a sample is one successful call; ours answered "
         "XR_E_QUEUE_FULL %.0f / %.0f / %.0f times\n with 1 / 2 / 4 "
         "producers, each retried after a yield and not sampled; a mutex "
         "push\n that waits for room is sampled whole)\n",
         g_lat_retries[{"ours", 1}], g_lat_retries[{"ours", 2}],
         g_lat_retries[{"ours", 4}]);
  printf("\nproducer side (events / time until the last post returned):\n");
  printf("%-9s %12s %12s %12s %9s %9s\n", "producers", "ours ev/s", "wfcq ev/s",
         "mutex ev/s", "/wfcq", "/mutex");
  for (int p : {1, 2, 4}) {
    double o = g_prate[{"ours", p}], w = g_prate[{"wfcq", p}],
           m = g_prate[{"mutex", p}];
    printf("%-9d %12.3g %12.3g %12.3g %8.2fx %8.2fx\n", p, o, w, m,
           w ? o / w : 0, m ? o / m : 0);
  }
  printf("(ratios > 1 mean ours is better: more events/s, lower p99)\n");
#ifndef XR_BENCH_NO_RENDER
  if (g_job_rounds > 0) {
    printf("\nrender job (%zu corpus documents, 300 dpi, %.1f ms median "
           "without a listener),\n%d rounds; per mode, the median of the "
           "per-round ratios to the no-listener job\nwith its 95 %% "
           "interval (order statistics):\n",
           sizeof kJobDocs / sizeof kJobDocs[0], g_job_ms, g_job_rounds);
    for (int m = kStalled; m <= kFull; m++) {
      const ListenerResult &l = g_listener[m];
      printf("  %-8s wall %+.2f %% [%+.2f, %+.2f]  CPU %+.2f %% [%+.2f, "
             "%+.2f]\n",
             kListenerName[m], 100.0 * (l.wall.median - 1),
             100.0 * (l.wall.lo - 1), 100.0 * (l.wall.hi - 1),
             100.0 * (l.cpu.median - 1), 100.0 * (l.cpu.lo - 1),
             100.0 * (l.cpu.hi - 1));
      printf("           events in the job %llu, left unread %d bytes, "
             "dropped as stalled %llu\n",
             static_cast<unsigned long long>(l.events), l.unread,
             static_cast<unsigned long long>(l.dropped));
    }
    printf("(stalled: connected before the job, never reads; full: the "
           "same, its socket\nfilled before the job, so the job's frames "
           "queue in the notifier)\n");
  }
#endif
}

} // namespace

int main(int argc, char **argv) {
  measure_clock_overhead();
  for (int p : {1, 2, 4}) {
    benchmark::RegisterBenchmark("throughput/ours", BM_Throughput<Ours>, "ours")
        ->Arg(p)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("throughput/wfcq", BM_Throughput<Wfcq>, "wfcq")
        ->Arg(p)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("throughput/mutex", BM_Throughput<Mutex>,
                                 "mutex")
        ->Arg(p)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("latency/ours", BM_Latency<Ours>, "ours")
        ->Arg(p)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("latency/wfcq", BM_Latency<Wfcq>, "wfcq")
        ->Arg(p)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("latency/mutex", BM_Latency<Mutex>, "mutex")
        ->Arg(p)
        ->UseManualTime()
        ->Iterations(3)
        ->Unit(benchmark::kMillisecond);
  }
#ifndef XR_BENCH_NO_RENDER
  benchmark::RegisterBenchmark("render/stalled_vs_no_listener",
                               BM_RenderListener)
      ->UseManualTime()
      ->Iterations(60)
      ->Unit(benchmark::kMillisecond);
#endif
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  print_ratios();
  return 0;
}
