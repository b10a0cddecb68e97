// Analytics: per-minute rollups of the record stream, queryable over any range, plus the lifetime
// totals behind /metrics. A core::RecordConsumer: it runs on the recorder thread, off the request
// path, and sees every record once.
//
// Rollups are keyed by (minute of start_us, gateway, provider, model, key_id), where model is the
// model that answered, or the one requested when none did. Each holds exact sums (requests, errors,
// status classes, tokens, cost, cache hits/misses, savings, streams) and two SparseHistograms:
// total latency (total_us, every request) and time to first byte of streamed answers (first_byte_us
// > 0, i.e. TTFT). A query adds minutes up, so its sums are exact and its percentiles are within
// Histogram::kMaxRelativeError.
//
// Bounded memory (defaults in AnalyticsOptions):
//  - Retention: the last retention_minutes minutes (7 days) before the clock's current minute are
//    kept; older ones are dropped as time moves on, and records outside (now - retention,
//    now + 5 min] are not rolled up (counted in stats().out_of_range).
//  - Series cap: at most max_series (2000) distinct (gateway, provider, model, key_id) series live
//    at once. New series are admitted until 7/8 of the cap; past that a new series folds into
//    (gateway, provider, model, "_other_") while slots remain; the last slot is the single series
//    ("_other_" x 4) for everything else. Sums stay exact; only the breakdown coarsens. A series
//    whose minutes have all been evicted frees its slot. Labels are cut to 128 bytes.
//  - Memory budget: rollups, their histograms and series keys are accounted as they grow (glibc
//    chunk sizes, within a few % of what the allocator reports); past max_memory_bytes (256 MiB)
//    the oldest minutes are dropped early (stats().evicted_minutes). Measured: a series costs about
//    400 bytes a minute at 1 request/min, 650 at 60/min, 1.4 KB at 1000/min (the latency
//    histograms grow with the spread of latencies seen in the minute): 4 to 14 MB for 7 days, so
//    the default budget holds 7 days of about 20 to 60 busy series.
// /metrics counters are cumulative since start, never evicted, and capped separately
// (max_metric_providers, max_metric_models; overflow folds into provider or model "_other_").
//
// Grouping by an x-parapet-metadata field cannot come from these rollups (metadata is not part of
// the key: it would make the series count unbounded); the admin API answers it from the store.
//
// Thread-safety: consume()/flush() on the recorder thread; query(), metrics() and stats() from any
// thread (the admin thread). One mutex guards everything; a query takes it for about a thousand
// rollups at a time (well under a millisecond), so the recorder never waits behind a long query;
// a query's rows are therefore not one snapshot: minutes read later may include newer records.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "core/sink.h"
#include "observe/histogram.h"

namespace parapet::observe {

struct RequestRecord;

inline constexpr std::string_view kOtherLabel = "_other_";

// Exact, additive sums over a set of records.
struct RollupSums {
  int64_t requests = 0;
  int64_t errors = 0;  // status >= 400 or error_type set
  int64_t status_2xx = 0, status_3xx = 0, status_4xx = 0, status_5xx = 0;
  int64_t status_other = 0;  // 1xx, 0 (none sent) and anything outside 100..599
  int64_t input_tokens = 0, output_tokens = 0, cached_read_tokens = 0, cache_write_tokens = 0;
  int64_t reasoning_tokens = 0;  // part of output_tokens
  int64_t cost_micros = 0;
  int64_t saved_micros = 0;  // cache hits: what the call would have cost
  int64_t cache_hits = 0;    // cache_status HIT
  int64_t cache_misses = 0;  // cache_status MISS
  int64_t streams = 0;       // answers that were event streams

  void add(const RollupSums& o);
  void add(const RequestRecord& r);
  bool operator==(const RollupSums&) const = default;
};

struct SeriesKey {
  std::string gateway, provider, model, key_id;
  auto operator<=>(const SeriesKey&) const = default;
};

// Fields to group by; combine with |. 0 (kNone) gives one group.
enum GroupBy : unsigned {
  kGroupNone = 0,
  kGroupGateway = 1,
  kGroupProvider = 2,
  kGroupModel = 4,
  kGroupKeyId = 8,
};

enum class Step : uint8_t { kMinute, kHour, kDay, kTotal };

struct AnalyticsQuery {
  // Every minute overlapping [from_us, to_us) counts, by the record's start_us. Unix µs.
  int64_t from_us = 0;
  int64_t to_us = 0;
  unsigned group_by = kGroupNone;
  Step step = Step::kTotal;  // hour and day buckets are UTC-aligned
};

struct LatencySummary {
  uint64_t count = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0;  // within Histogram::kMaxRelativeError
  double mean_us = 0;                         // exact
  int64_t max_us = 0;                         // exact
};

struct AnalyticsRow {
  // Start of the step bucket; for Step::kTotal, from_us rounded down to its minute.
  int64_t start_us = 0;
  SeriesKey group;  // only the fields named in group_by are set
  RollupSums sums;
  LatencySummary latency;     // total_us
  LatencySummary first_byte;  // first_byte_us of streams (TTFT)
  double error_rate = 0;      // errors / requests
  double cache_hit_rate = 0;  // cache_hits / requests
};

struct AnalyticsOptions {
  int64_t retention_minutes = 7 * 24 * 60;
  size_t max_series = 2000;
  size_t max_memory_bytes = size_t{256} << 20;  // REQUIRES: room for a minute of max_series
  size_t max_metric_providers = 64;
  size_t max_metric_models = 256;  // (provider, model) pairs in /metrics
  // Unix µs now; default: the system clock. Tests inject their own.
  std::function<int64_t()> clock;
};

struct AnalyticsStats {
  uint64_t records = 0;          // consumed
  uint64_t out_of_range = 0;     // outside the retention window: in /metrics, not in rollups
  uint64_t folded = 0;           // rolled up into an "_other_" series because of the series cap
  uint64_t evicted_minutes = 0;  // dropped early because of the memory budget
  size_t series = 0;
  size_t minutes = 0;
  size_t cells = 0;         // (series, minute) rollups
  size_t memory_bytes = 0;  // held by rollups, histograms and series keys; /metrics totals aside
};

// Cumulative since start, for /metrics.
struct MetricsSnapshot {
  struct Model {
    std::string provider, model;
    RollupSums sums;  // negative token or cost values are counted as 0 here (counters only rise)
  };
  struct Provider {
    std::string provider;
    Histogram latency, first_byte;
  };
  std::vector<Model> models;        // sorted by (provider, model)
  std::vector<Provider> providers;  // sorted by provider
  AnalyticsStats stats;
};

class Analytics final : public core::RecordConsumer {
 public:
  explicit Analytics(AnalyticsOptions options = {});
  ~Analytics() override;

  void consume(std::span<const RequestRecord> batch) override LOCKS_EXCLUDED(mu_);

  // Rows sorted by (start_us, group); buckets without records are left out.
  std::vector<AnalyticsRow> query(const AnalyticsQuery& q) const LOCKS_EXCLUDED(mu_);
  std::vector<AnalyticsRow> query(int64_t from_us, int64_t to_us, unsigned group_by = kGroupNone,
                                  Step step = Step::kTotal) const LOCKS_EXCLUDED(mu_) {
    return query(AnalyticsQuery{from_us, to_us, group_by, step});
  }
  MetricsSnapshot metrics() const LOCKS_EXCLUDED(mu_);
  AnalyticsStats stats() const LOCKS_EXCLUDED(mu_);

 private:
  struct Cell {
    uint32_t series;
    RollupSums sums;
    SparseHistogram latency, first_byte;
  };
  struct Series {
    SeriesKey key;
    size_t cells = 0;  // minutes holding a Cell of this series; 0 = free slot
  };
  // Lookups by views into the record, so a known series costs no allocation.
  struct KeyView {
    std::string_view gateway, provider, model, key_id;
    bool operator==(const KeyView&) const = default;
  };
  static KeyView view(const KeyView& k) { return k; }
  static KeyView view(const SeriesKey& k) { return {k.gateway, k.provider, k.model, k.key_id}; }
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const KeyView& k) const;
    size_t operator()(const SeriesKey& k) const { return (*this)(view(k)); }
  };
  struct KeyEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return view(a) == view(b);
    }
  };
  struct ProviderTotals {
    Histogram latency, first_byte;
    std::map<std::string, RollupSums, std::less<>> models;
  };

  void add_locked(const RequestRecord& r, int64_t now_minute) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t series_for_locked(const KeyView& k) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t new_series_locked(const KeyView& k) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void evict_locked(int64_t now_minute) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void shrink_closed_locked(int64_t now_minute) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void drop_minute_locked(std::map<int64_t, std::vector<Cell>>::iterator it)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void forget_series_locked(uint32_t id) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void add_metrics_locked(const RequestRecord& r, const KeyView& k) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  AnalyticsStats stats_locked() const EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const AnalyticsOptions options_;
  mutable Mutex mu_;
  // Minute index (start_us / 60 s) -> its rollups, sorted by series id.
  std::map<int64_t, std::vector<Cell>> minutes_ GUARDED_BY(mu_);
  std::vector<Series> series_ GUARDED_BY(mu_);  // by id; freed slots have cells == 0
  std::vector<uint32_t> free_series_ GUARDED_BY(mu_);
  std::unordered_map<SeriesKey, uint32_t, KeyHash, KeyEq> series_ids_ GUARDED_BY(mu_);
  size_t live_series_ GUARDED_BY(mu_) = 0;
  size_t cells_ GUARDED_BY(mu_) = 0;
  int64_t bytes_ GUARDED_BY(mu_) = 0;                   // memory accounted so far
  int64_t shrunk_through_ GUARDED_BY(mu_) = INT64_MIN;  // minutes up to here were shrunk
  AnalyticsStats counts_ GUARDED_BY(mu_);  // records, out_of_range, folded, evicted_minutes
  // /metrics: cumulative, by provider, then by model within it.
  std::map<std::string, std::unique_ptr<ProviderTotals>, std::less<>> metric_providers_
      GUARDED_BY(mu_);
  size_t metric_models_ GUARDED_BY(mu_) = 0;
};

}  // namespace parapet::observe
