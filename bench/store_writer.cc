// Store writer benchmark (not a test): sustained rows/second of Recorder → SqliteStore with
// realistic records, and what a kill -9 loses.
//
//   parapet_store_writer_bench [--records N] [--workers W] [--body BYTES] [--max-rows N]
//                              [--dir DIR] [--batch N] [--spread-us US] [--queries]
//     Producers offer N records as fast as the rings take them (a refused offer is retried, and
//     counted); the clock stops when stop() has committed the last batch. --queries then times
//     typical searches on the file just written.
//   parapet_store_writer_bench --kill9 SECONDS [--rate R] [--trials T]
//     A child process offers R records/s (wall-clock start times) into recorder + store and is
//     SIGKILLed after SECONDS; the parent reopens the file and reports how many accepted records
//     are missing and how long before the kill the newest stored one started.
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "observe/log_id.h"
#include "observe/recorder.h"
#include "store/sqlite_store.h"

namespace {

using namespace parapet;
using Clock = std::chrono::steady_clock;

int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Args {
  uint64_t records = 1'000'000;
  size_t workers = 1;
  size_t body = 0;
  uint64_t max_rows = 0;
  size_t batch = 512;
  std::string dir;
  int64_t spread_us = 10'000;  // simulated time between request starts (throughput mode)
  double kill9 = 0;
  uint64_t rate = 10'000;
  int trials = 5;
  bool queries = false;
};

// A pool of plausible records; producers copy one and give it a fresh id and start time.
std::vector<observe::RequestRecord> make_pool(size_t body_bytes) {
  static const char* kGateways[] = {"default", "prod", "staging"};
  struct P {
    const char *provider, *endpoint, *model, *answered;
  };
  static const P kProviders[] = {
      {"openai", "/chat/completions", "gpt-4o-mini", "gpt-4o-mini-2024-07-18"},
      {"openai", "/responses", "gpt-4.1", "gpt-4.1-2025-04-14"},
      {"anthropic", "/v1/messages", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929"},
      {"google-ai-studio", "/v1beta/models/gemini-2.5-flash:generateContent", "gemini-2.5-flash",
       "gemini-2.5-flash"},
      {"groq", "/openai/v1/chat/completions", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile"},
      {"mistral", "/v1/chat/completions", "mistral-large-latest", "mistral-large-2411"},
  };
  std::mt19937_64 rng(42);
  auto pick = [&](uint64_t n) { return rng() % n; };
  std::vector<observe::RequestRecord> pool(4096);
  for (auto& r : pool) {
    const P& p = kProviders[pick(std::size(kProviders))];
    r.gateway = kGateways[pick(3)];
    r.provider = p.provider;
    r.method = "POST";
    r.endpoint = p.endpoint;
    r.model_requested = p.model;
    r.model_answered = p.answered;
    r.first_byte_us = 150'000 + static_cast<int64_t>(pick(600'000));
    r.total_us = r.first_byte_us + static_cast<int64_t>(pick(3'000'000));
    r.upstream_us = r.total_us - 300;
    r.attempts = 1;
    r.stream = pick(2) == 0;
    r.client_ip = "10.0." + std::to_string(pick(256)) + "." + std::to_string(pick(256));
    r.key_id = "key_" + std::to_string(pick(50));
    if (pick(2) == 0) {
      r.metadata_json =
          R"({"user":"u)" + std::to_string(pick(5000)) + R"(","feature":"chat","tier":2})";
    }
    const uint64_t roll = pick(100);
    if (roll < 94) {
      r.status = 200;
      r.usage.input = static_cast<int64_t>(200 + pick(4000));
      r.usage.output = static_cast<int64_t>(20 + pick(800));
      r.usage.cached_read = pick(3) == 0 ? static_cast<int64_t>(pick(2048)) : 0;
      r.usage.source = UsageSource::kProvider;
      r.usage.model = r.model_answered;
      r.cost_micros = r.usage.input / 4 + r.usage.output;
      r.cache_status = pick(10) == 0 ? "HIT" : "MISS";
    } else if (roll < 97) {
      r.status = 429;
      r.error_type = "rate_limited";
      r.error_message = "Rate limit reached for requests per minute. Please try again in 2s.";
    } else {
      r.status = 502;
      r.error_type = "upstream_unreachable";
      r.error_message = "connect to api.example.com:443: connection refused";
      r.attempts = 3;
    }
    r.price_version = "2026-11-01";
    r.bytes_in = 600 + pick(8000);
    r.bytes_out = 300 + pick(4000);
    if (body_bytes) {
      r.request_body = R"({"model":")" + r.model_requested + R"(","messages":[{"role":"user",)";
      r.request_body += R"("content":")" + std::string(body_bytes, 'q') + R"("}]})";
      r.response_body = std::string(body_bytes, 'a');
    }
  }
  return pool;
}

double thread_cpu_s() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double process_cpu_s() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Measures the CPU and wall time the store spends in consume()/flush() on the recorder thread.
// The machine is shared, so CPU seconds per row say more than wall time: rows / store CPU second
// is what one dedicated core sustains.
class Timed : public core::RecordConsumer {
 public:
  explicit Timed(core::RecordConsumer& inner) : inner_(inner) {}
  void consume(std::span<const observe::RequestRecord> batch) override {
    const double c0 = thread_cpu_s();
    const auto w0 = Clock::now();
    inner_.consume(batch);
    cpu_s += thread_cpu_s() - c0;
    wall_s += std::chrono::duration<double>(Clock::now() - w0).count();
  }
  void flush() override {
    const double c0 = thread_cpu_s();
    inner_.flush();
    cpu_s += thread_cpu_s() - c0;
  }
  double cpu_s = 0, wall_s = 0;

 private:
  core::RecordConsumer& inner_;
};

std::unique_ptr<store::SqliteStore> open_store(const std::string& path, uint64_t max_rows) {
  store::StoreOptions o;
  o.path = path;
  o.retention.max_rows = max_rows;
  auto s = store::SqliteStore::open(std::move(o));
  if (!s.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), s.error().message.c_str());
    std::exit(1);
  }
  return std::move(*s);
}

// Times typical admin searches on a freshly written store (records started in [t0_us, t1_us)).
void time_queries(store::SqliteStore& st, int64_t t0_us, int64_t t1_us) {
  auto run = [&](const char* what, store::LogQuery q) {
    const auto w0 = Clock::now();
    auto page = st.query(q);
    const double page_ms = std::chrono::duration<double, std::milli>(Clock::now() - w0).count();
    const auto c0 = Clock::now();
    auto n = st.count(q);
    const double count_ms = std::chrono::duration<double, std::milli>(Clock::now() - c0).count();
    std::printf("  %-34s page of %3zu in %7.2f ms; count %8llu in %7.1f ms\n", what,
                page.ok() ? page->records.size() : 0, page_ms,
                static_cast<unsigned long long>(n.ok() ? *n : 0), count_ms);
  };
  std::printf("queries (page = newest 50):\n");
  run("no filter", {});
  store::LogQuery q;
  q.provider = "groq";
  run("provider=groq", q);
  q = {};
  q.model = "mistral-large-latest";
  run("model=mistral-large-latest", q);
  q = {};
  q.key_id = "key_7";
  run("key_id=key_7", q);
  q = {};
  q.status_class = 5;
  run("status=5xx", q);
  q = {};
  q.error_type = "rate_limited";
  run("error_type=rate_limited", q);
  q = {};
  q.metadata = {{"user", "u42"}};
  run("metadata user=u42", q);
  q = {};
  q.text = "refused";
  run("text ~ refused", q);
  q = {};
  const int64_t mid = t0_us + (t1_us - t0_us) / 2;
  q.from_us = mid;
  q.to_us = mid + 60'000'000;
  run("1 minute window mid-run", q);
  q = {};
  q.to_us = t0_us + (t1_us - t0_us) / 10;
  run("older than the first 10%", q);
  // Walking pages: cost per page stays flat however deep the cursor is.
  q = {};
  const auto p0 = Clock::now();
  int pages = 0;
  for (; pages < 200; ++pages) {
    auto page = st.query(q);
    if (!page.ok() || page->next_cursor.empty()) break;
    q.cursor = page->next_cursor;
  }
  std::printf("  %d pages of 50 walked in %.1f ms\n", pages,
              std::chrono::duration<double, std::milli>(Clock::now() - p0).count());
}

int throughput(const Args& a) {
  const std::string path = a.dir + "/bench.db";
  const auto pool = make_pool(a.body);
  auto st = open_store(path, a.max_rows);
  observe::RecorderOptions ro;
  ro.workers = a.workers;
  ro.max_batch = a.batch;
  observe::Recorder rec(ro);
  Timed timed(*st);
  rec.add_consumer(timed);
  rec.start();
  const double cpu0 = process_cpu_s();

  std::vector<uint64_t> retries(a.workers, 0);
  std::vector<std::thread> producers;
  // Start times are simulated (one request every spread_us across all producers), so the file
  // spans hours like a real one and time-range searches are measured on realistic ranges.
  const int64_t first_us = wall_us() - static_cast<int64_t>(a.records) * a.spread_us;
  const auto t0 = Clock::now();
  for (size_t w = 0; w < a.workers; ++w) {
    producers.emplace_back([&, w] {
      observe::LogIdGenerator ids;
      const uint64_t n = a.records / a.workers + (w < a.records % a.workers ? 1 : 0);
      for (uint64_t i = 0; i < n; ++i) {
        observe::RequestRecord r = pool[(i * 7 + w) % pool.size()];
        r.start_us = first_us + static_cast<int64_t>(i * a.workers + w) * a.spread_us;
        r.id = ids.next(r.start_us / 1000);
        while (!rec.offer(w, std::move(r))) {  // full: let the writer have the CPU
          ++retries[w];
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
      }
    });
  }
  for (auto& t : producers) t.join();
  const auto offered = Clock::now();
  rec.stop();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = process_cpu_s() - cpu0;
  const auto rs = rec.stats();
  const auto ss = st->stats();
  uint64_t refused = 0;
  for (uint64_t r : retries) refused += r;
  const uint64_t bytes = st->used_bytes();
  const int64_t last_us = first_us + static_cast<int64_t>(a.records) * a.spread_us;
  std::printf("records=%llu workers=%zu body=%zu batch=%zu max_rows=%llu\n",
              static_cast<unsigned long long>(a.records), a.workers, a.body, a.batch,
              static_cast<unsigned long long>(a.max_rows));
  std::printf("rows_written=%llu in %.2f s: %.0f rows/s (offers done after %.2f s)\n",
              static_cast<unsigned long long>(ss.rows_written), secs, ss.rows_written / secs,
              std::chrono::duration<double>(offered - t0).count());
  std::printf(
      "batches=%llu (avg %.0f rows) refused_offers=%llu (retried) wakeups=%llu "
      "rows_lost=%llu rows_deleted=%llu db=%.1f MiB (%.0f B/row)\n",
      static_cast<unsigned long long>(rs.batches),
      rs.batches ? double(rs.consumed) / rs.batches : 0.0, static_cast<unsigned long long>(refused),
      static_cast<unsigned long long>(rs.wakeups), static_cast<unsigned long long>(ss.rows_lost),
      static_cast<unsigned long long>(ss.rows_deleted), bytes / 1048576.0,
      ss.rows ? double(bytes) / ss.rows : 0.0);
  std::printf(
      "store CPU %.2f s = %.2f us/row -> %.0f rows/s per dedicated core "
      "(store wall %.2f s; process CPU %.2f s incl. producers)\n",
      timed.cpu_s, timed.cpu_s * 1e6 / ss.rows_written, ss.rows_written / timed.cpu_s, timed.wall_s,
      cpu);
  if (a.queries) time_queries(*st, first_us, last_us);
  return ss.rows_written == a.records ? 0 : 1;
}

// Shared with the child: what it had handed to the recorder when it died.
struct Shared {
  std::atomic<uint64_t> accepted{0};
  std::atomic<int64_t> last_accepted_start_us{0};
  std::atomic<bool> running{false};
};

int kill9(const Args& a) {
  const auto pool = make_pool(a.body);
  std::vector<double> lost_rows, lost_ms;
  std::mt19937_64 jitter(std::random_device{}());
  for (int trial = 0; trial < a.trials; ++trial) {
    const std::string path = a.dir + "/kill9-" + std::to_string(trial) + ".db";
    void* mem =
        mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    auto* sh = new (mem) Shared;
    const pid_t pid = fork();
    if (pid == 0) {
      auto st = open_store(path, 0);
      observe::Recorder rec(observe::RecorderOptions{});
      rec.add_consumer(*st);
      rec.start();
      observe::LogIdGenerator ids;
      sh->running = true;
      const auto t0 = Clock::now();
      for (uint64_t i = 0;; ++i) {
        // Paced: record i is offered at t0 + i / rate.
        std::this_thread::sleep_until(t0 + std::chrono::nanoseconds(i * 1'000'000'000 / a.rate));
        observe::RequestRecord r = pool[i % pool.size()];
        r.start_us = wall_us();
        r.id = ids.next(r.start_us / 1000);
        const int64_t start = r.start_us;
        if (rec.offer(0, std::move(r))) {
          sh->last_accepted_start_us.store(start);
          sh->accepted.fetch_add(1);
        }
      }
    }
    while (!sh->running) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // A random phase against the 50 ms batch window, so the trials sample all of it.
    std::this_thread::sleep_for(std::chrono::duration<double>(
        a.kill9 + std::uniform_real_distribution<double>(0, 0.1)(jitter)));
    kill(pid, SIGKILL);
    const int64_t killed_at = wall_us();
    waitpid(pid, nullptr, 0);
    const uint64_t accepted = sh->accepted.load();
    munmap(mem, sizeof(Shared));

    auto st = open_store(path, 0);
    const uint64_t stored = *st->count({});
    store::LogQuery q;
    q.limit = 1;
    auto page = st->query(q);
    const int64_t newest = page->records.empty() ? 0 : page->records[0].start_us;
    const uint64_t lost = accepted - stored;
    lost_rows.push_back(double(lost));
    lost_ms.push_back((killed_at - newest) / 1000.0);
    std::printf(
        "trial %d: accepted=%llu stored=%llu lost=%llu (%.1f ms of traffic at %llu/s); "
        "newest stored record started %.1f ms before the kill\n",
        trial, static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(stored),
        static_cast<unsigned long long>(lost), lost * 1000.0 / a.rate,
        static_cast<unsigned long long>(a.rate), lost_ms.back());
  }
  std::sort(lost_rows.begin(), lost_rows.end());
  std::sort(lost_ms.begin(), lost_ms.end());
  std::printf(
      "lost records: median %.0f, max %.0f; newest-stored-before-kill: median %.1f ms, "
      "max %.1f ms\n",
      lost_rows[lost_rows.size() / 2], lost_rows.back(), lost_ms[lost_ms.size() / 2],
      lost_ms.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    auto num = [&] {
      if (!v) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        std::exit(2);
      }
      ++i;
      return std::strtod(v, nullptr);
    };
    if (k == "--records") {
      a.records = static_cast<uint64_t>(num());
    } else if (k == "--workers") {
      a.workers = std::max<size_t>(1, static_cast<size_t>(num()));
    } else if (k == "--body") {
      a.body = static_cast<size_t>(num());
    } else if (k == "--max-rows") {
      a.max_rows = static_cast<uint64_t>(num());
    } else if (k == "--batch") {
      a.batch = static_cast<size_t>(num());
    } else if (k == "--kill9") {
      a.kill9 = num();
    } else if (k == "--rate") {
      a.rate = std::max<uint64_t>(1, static_cast<uint64_t>(num()));
    } else if (k == "--trials") {
      a.trials = std::max(1, static_cast<int>(num()));
    } else if (k == "--spread-us") {
      a.spread_us = static_cast<int64_t>(num());
    } else if (k == "--queries") {
      a.queries = true;
    } else if (k == "--dir" && v) {
      a.dir = v;
      ++i;
    } else {
      std::fprintf(stderr, "unknown argument %s (see the comment at the top of the source)\n",
                   k.c_str());
      return 2;
    }
  }
  const bool own_dir = a.dir.empty();
  if (own_dir) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "parapet-store-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return 1;
    a.dir = tmpl;
  }
  const int rc = a.kill9 > 0 ? kill9(a) : throughput(a);
  if (own_dir) std::filesystem::remove_all(a.dir);
  return rc;
}
