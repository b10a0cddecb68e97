// Cache: tiers, the I/O thread, coalescing, admin views.
#include "cache/cache.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>

#include "observe/prometheus.h"

namespace parapet::cache {

namespace {
int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
constexpr auto kSweepEvery = std::chrono::seconds(60);
}  // namespace

awaitable<void> Flight::wait(const asio::any_io_executor& ex, Clock::time_point deadline) {
  auto w = std::make_shared<Waiter>(ex);
  w->timer.expires_at(deadline);
  {
    MutexLock l(&mu_);
    if (done_) co_return;
    waiters_.push_back(w);
  }
  // Ends with operation_aborted when the leader's cancel arrives, or on the deadline.
  co_await w->timer.async_wait(use_nothrow);
}

void Flight::finish() {
  std::vector<std::shared_ptr<Waiter>> ws;
  {
    MutexLock l(&mu_);
    done_ = true;
    ws.swap(waiters_);
  }
  // The waiter owns nothing the posted handler needs except its timer, kept alive by `w`.
  for (auto& w : ws) asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}

Cache::Cache(const Options& o)
    : opts_(o),
      memory_(o.memory_bytes, o.memory_max_entry_bytes),
      work_(asio::make_work_guard(io_)),
      sweep_timer_(io_) {}

Result<std::unique_ptr<Cache>> Cache::open(const Options& o) {
  std::unique_ptr<Cache> c(new Cache(o));
  if (o.persistent) {
    auto d = DiskTier::open(o.path, o.disk_bytes);
    if (!d) return make_error(d.error().code, "cache store " + o.path + ": " + d.error().message);
    c->disk_ = std::move(*d);
    c->disk_->sweep(wall_ms());
    c->schedule_sweep();
  }
  c->thread_ = std::thread([p = c.get()] { p->io_.run(); });
  return c;
}

Cache::~Cache() {
  // Queued disk writes finish first; then the sweep timer is the only work left.
  asio::post(io_, [this] {
    sweep_timer_.cancel();
    work_.reset();
  });
  if (thread_.joinable()) thread_.join();
}

void Cache::schedule_sweep() {
  sweep_timer_.expires_after(kSweepEvery);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    disk_->sweep(wall_ms());
    schedule_sweep();
  });
}

// Runs f on the I/O thread; the awaiting coroutine resumes on its own executor. f is taken by
// reference: g++ 12 destroys by-value arguments of a co_await operand twice (see proxy.cc).
template <class F>
auto Cache::on_io(F& f) -> awaitable<decltype(f())> {
  using R = decltype(f());
  auto task = [f = std::move(f)]() mutable -> awaitable<R> { co_return f(); };
  auto ex = io_.get_executor();
  co_return co_await asio::co_spawn(ex, std::move(task), asio::use_awaitable);
}

awaitable<EntryPtr> Cache::lookup(const std::string& key, int64_t now_ms) {
  if (EntryPtr e = memory_.get(key, now_ms)) co_return e;
  if (!disk_) co_return nullptr;
  auto fetch = [this, key, now_ms] { return disk_->get(key, now_ms); };
  EntryPtr e = co_await on_io(fetch);
  if (e) memory_.put(key, e);
  co_return e;
}

awaitable<void> Cache::store(const std::string& key, const EntryPtr& e) {
  bool in_memory = memory_.put(key, e);
  counters_.stores.fetch_add(1, std::memory_order_relaxed);
  if (!disk_) co_return;
  auto write = [this, key, e] {
    if (!disk_->put(key, *e)) counters_.store_errors.fetch_add(1, std::memory_order_relaxed);
    return true;
  };
  if (in_memory) {
    asio::post(io_, std::move(write));  // nobody needs to wait for the disk copy
  } else {
    co_await on_io(write);
  }
}

std::shared_ptr<Flight> Cache::join(const std::string& key, bool& leader) {
  MutexLock l(&flights_mu_);
  auto [it, inserted] = flights_.try_emplace(key);
  if (inserted) it->second = std::make_shared<Flight>();
  leader = inserted;
  return it->second;
}

void Cache::finish_flight(const std::string& key, const std::shared_ptr<Flight>& f) {
  {
    MutexLock l(&flights_mu_);
    auto it = flights_.find(key);
    if (it != flights_.end() && it->second == f) flights_.erase(it);
  }
  f->finish();
}

uint64_t Cache::max_entry_bytes() const {
  uint64_t m = opts_.memory_max_entry_bytes ? opts_.memory_max_entry_bytes : opts_.memory_bytes / 8;
  if (disk_) m = std::max<uint64_t>(m, opts_.disk_bytes ? opts_.disk_bytes / 4 : uint64_t{1} << 30);
  return m;
}

uint64_t Cache::purge(std::string_view gateway) {
  uint64_t n = memory_.purge(gateway);
  if (!disk_) return n;
  std::promise<uint64_t> done;
  std::string gw(gateway);
  asio::post(io_, [this, &done, gw] {
    auto r = disk_->purge(gw);
    done.set_value(r ? *r : 0);
  });
  // The disk holds everything memory does (and more): its count is the number of answers gone.
  uint64_t d = done.get_future().get();
  return std::max(n, d);
}

std::string Cache::stats_json() const {
  TierStats m = memory_.stats();
  TierStats d = disk_ ? disk_->stats() : TierStats{};
  const Counters& c = counters_;
  auto u = [](uint64_t v) { return std::to_string(v); };
  // Top-level entries/bytes describe the tier that holds every kept answer: disk when persistent.
  const TierStats& all = disk_ ? d : m;
  std::string s = "{\"entries\":" + u(all.entries) + ",\"bytes\":" + u(all.bytes);
  s += ",\"hits\":" + u(c.hits.load(std::memory_order_relaxed));
  s += ",\"misses\":" + u(c.misses.load(std::memory_order_relaxed));
  s += ",\"bypasses\":" + u(c.bypasses.load(std::memory_order_relaxed));
  s += ",\"coalesced\":" + u(c.coalesced.load(std::memory_order_relaxed));
  s += ",\"stores\":" + u(c.stores.load(std::memory_order_relaxed));
  s += ",\"memory\":{\"entries\":" + u(m.entries) + ",\"bytes\":" + u(m.bytes) +
       ",\"max_bytes\":" + u(opts_.memory_bytes) + ",\"evictions\":" + u(m.evictions) + "}";
  s += ",\"disk\":{\"enabled\":" + std::string(disk_ ? "true" : "false") +
       ",\"entries\":" + u(d.entries) + ",\"bytes\":" + u(d.bytes) +
       ",\"max_bytes\":" + u(disk_ ? opts_.disk_bytes : 0) + ",\"evictions\":" + u(d.evictions) +
       "}}";
  return s;
}

void Cache::add_metrics(observe::prom::Writer& w) const {
  const Counters& c = counters_;
  auto r = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  // parapet_cache_hits_total and parapet_cache_saved_micros_total come from the records, by
  // provider and model (observe/prometheus.cc); these are the cache's own.
  w.counter("parapet_cache_misses_total", "Cacheable requests that went upstream.", {},
            r(c.misses));
  w.counter("parapet_cache_bypasses_total", "Cacheable requests that asked to skip the cache.", {},
            r(c.bypasses));
  w.counter("parapet_cache_coalesced_total",
            "Requests answered from the cache after waiting for an identical one in flight.", {},
            r(c.coalesced));
  w.counter("parapet_cache_stores_total", "Answers stored in the cache.", {}, r(c.stores));
  w.counter("parapet_cache_store_errors_total", "Failed writes to the persistent cache tier.", {},
            r(c.store_errors));
  TierStats m = memory_.stats();
  w.gauge("parapet_cache_entries", "Answers in the cache, by tier.", {{"tier", "memory"}},
          static_cast<double>(m.entries));
  w.gauge("parapet_cache_bytes", "Bytes held by the cache, by tier.", {{"tier", "memory"}},
          static_cast<double>(m.bytes));
  w.counter("parapet_cache_evictions_total", "Answers evicted to stay under a size cap, by tier.",
            {{"tier", "memory"}}, m.evictions);
  if (disk_) {
    TierStats d = disk_->stats();
    w.gauge("parapet_cache_entries", "Answers in the cache, by tier.", {{"tier", "disk"}},
            static_cast<double>(d.entries));
    w.gauge("parapet_cache_bytes", "Bytes held by the cache, by tier.", {{"tier", "disk"}},
            static_cast<double>(d.bytes));
    w.counter("parapet_cache_evictions_total", "Answers evicted to stay under a size cap, by tier.",
              {{"tier", "disk"}}, d.evictions);
  }
}

}  // namespace parapet::cache
