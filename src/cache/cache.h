// The response cache every worker shares: a memory tier (LRU, byte-bounded), an optional
// persistent tier (SQLite, driven by one cache I/O thread so disk never blocks a worker), the
// in-flight table that coalesces identical requests, and the counters behind /admin/cache and
// parapet_cache_* metrics.
//
// It outlives config reloads (the Server owns it; workers hold a pointer): reloads change TTLs and
// partition modes, which are read per request from the Snapshot, not the stored entries.
// Thread-safety: every public method may be called from any thread. lookup()/store() are
// coroutines that hop to the I/O thread for disk work and resume on the caller's executor.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cache/disk_tier.h"
#include "cache/entry.h"
#include "cache/memory_tier.h"
#include "common/asio.h"
#include "common/mutex.h"

namespace parapet::observe::prom {
class Writer;
}

namespace parapet::cache {

struct Options {
  uint64_t memory_bytes = 64ull << 20;
  uint64_t memory_max_entry_bytes = 0;  // 0: memory_bytes / 8
  bool persistent = true;
  uint64_t disk_bytes = 1ull << 30;
  std::string path;  // cache.db; used when persistent
};

// Requests that wait for an identical one in flight (coalescing). A waiter parks on a timer that
// belongs to its own executor; the leader wakes it by posting a cancel to that executor, so a
// timer is only ever touched on its own thread.
class Flight {
 public:
  struct Waiter {
    explicit Waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;
  };
  // Parks until the leader finishes or `deadline`. REQUIRES: called on `ex`'s thread.
  awaitable<void> wait(const asio::any_io_executor& ex, Clock::time_point deadline);
  void finish();

 private:
  Mutex mu_;
  bool done_ GUARDED_BY(mu_) = false;
  std::vector<std::shared_ptr<Waiter>> waiters_ GUARDED_BY(mu_);
};

struct Counters {
  std::atomic<uint64_t> hits{0}, misses{0}, bypasses{0}, coalesced{0}, stores{0}, store_errors{0};
};

class Cache {
 public:
  static Result<std::unique_ptr<Cache>> open(const Options& o);
  ~Cache();

  // The live entry for key (memory, then disk; a disk hit is promoted to memory), or nullptr.
  awaitable<EntryPtr> lookup(const std::string& key, int64_t now_ms);
  // Keeps e in memory (when it fits) and on disk (when persistent). When the entry could not go
  // to memory this waits for the disk write, so a coalesced waiter woken afterwards finds it.
  awaitable<void> store(const std::string& key, const EntryPtr& e);

  // Joins the flight for key: leader is true when the caller is the first (it must call
  // finish_flight later, whatever happens); otherwise the returned flight is the one to wait on.
  std::shared_ptr<Flight> join(const std::string& key, bool& leader);
  void finish_flight(const std::string& key, const std::shared_ptr<Flight>& f);

  // Largest answer body worth capturing: what either tier could keep.
  uint64_t max_entry_bytes() const;

  // Admin (blocks the calling thread on the I/O thread; never call from a worker).
  uint64_t purge(std::string_view gateway);
  std::string stats_json() const;
  void add_metrics(observe::prom::Writer& w) const;

  Counters& counters() { return counters_; }

 private:
  explicit Cache(const Options& o);
  template <class F>
  auto on_io(F& f) -> awaitable<decltype(f())>;
  void schedule_sweep();

  Options opts_;
  MemoryTier memory_;
  std::unique_ptr<DiskTier> disk_;  // used on the I/O thread only (stats() excepted)
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::steady_timer sweep_timer_;
  std::thread thread_;
  mutable Mutex flights_mu_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_ GUARDED_BY(flights_mu_);
  Counters counters_;
};

}  // namespace parapet::cache
