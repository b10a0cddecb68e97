#include "observe/analytics.h"

#include <algorithm>
#include <chrono>

#include "observe/record.h"

namespace parapet::observe {

namespace {

constexpr int64_t kMinuteUs = 60'000'000;
constexpr int64_t kFutureMinutes = 5;  // clock skew tolerated between a worker and this thread
constexpr size_t kMaxLabelBytes = 128;
// A minute this far behind the clock rarely gets records any more (only streams that started in it
// and are still running): its vectors are shrunk to fit, which saves about a quarter of its bytes.
constexpr int64_t kCloseAfterMinutes = 2;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A query lets go of the lock after this many rollups, at the next minute boundary.
constexpr size_t kCellsPerLockHold = 1024;

// Cut at a UTF-8 character boundary, so a long model name stays valid text.
std::string_view label(std::string_view s) {
  if (s.size() <= kMaxLabelBytes) return s;
  size_t n = kMaxLabelBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

SeriesKey project(const SeriesKey& k, unsigned group_by) {
  SeriesKey g;
  if (group_by & kGroupGateway) g.gateway = k.gateway;
  if (group_by & kGroupProvider) g.provider = k.provider;
  if (group_by & kGroupModel) g.model = k.model;
  if (group_by & kGroupKeyId) g.key_id = k.key_id;
  return g;
}

LatencySummary summarize(const Histogram& h) {
  LatencySummary s;
  s.count = h.count();
  s.p50_us = h.percentile(50);
  s.p90_us = h.percentile(90);
  s.p99_us = h.percentile(99);
  s.mean_us = h.mean_us();
  s.max_us = h.max_us();
  return s;
}

// What glibc's malloc takes for a request of n bytes: a 16-byte-aligned chunk with an 8-byte
// header, 32 bytes at least.
int64_t chunk(size_t n) {
  return n == 0 ? 0 : static_cast<int64_t>(std::max<size_t>(32, (n + 8 + 15) / 16 * 16));
}

int64_t string_heap(const std::string& s) {
  return s.capacity() > std::string().capacity() ? chunk(s.capacity() + 1) : 0;
}

int64_t key_heap(const SeriesKey& k) {
  return string_heap(k.gateway) + string_heap(k.provider) + string_heap(k.model) +
         string_heap(k.key_id);
}

// A std::map node: three links and a colour, then the key and the value.
constexpr int64_t kMinuteNodeBytes = 32 + sizeof(int64_t) + 24;
// An unordered_map node: the next link, the value and the cached hash.
constexpr int64_t kSeriesNodeBytes = 8 + sizeof(std::pair<const SeriesKey, uint32_t>) + 8;

}  // namespace

void RollupSums::add(const RollupSums& o) {
  requests += o.requests;
  errors += o.errors;
  status_2xx += o.status_2xx;
  status_3xx += o.status_3xx;
  status_4xx += o.status_4xx;
  status_5xx += o.status_5xx;
  status_other += o.status_other;
  input_tokens += o.input_tokens;
  output_tokens += o.output_tokens;
  cached_read_tokens += o.cached_read_tokens;
  cache_write_tokens += o.cache_write_tokens;
  reasoning_tokens += o.reasoning_tokens;
  cost_micros += o.cost_micros;
  saved_micros += o.saved_micros;
  cache_hits += o.cache_hits;
  cache_misses += o.cache_misses;
  streams += o.streams;
}

void RollupSums::add(const RequestRecord& r) {
  ++requests;
  if (r.status >= 400 || !r.error_type.empty()) ++errors;
  if (r.status >= 200 && r.status < 300) {
    ++status_2xx;
  } else if (r.status >= 300 && r.status < 400) {
    ++status_3xx;
  } else if (r.status >= 400 && r.status < 500) {
    ++status_4xx;
  } else if (r.status >= 500 && r.status < 600) {
    ++status_5xx;
  } else {
    ++status_other;
  }
  input_tokens += r.usage.input;
  output_tokens += r.usage.output;
  cached_read_tokens += r.usage.cached_read;
  cache_write_tokens += r.usage.cache_write;
  reasoning_tokens += r.usage.reasoning;
  cost_micros += r.cost_micros;
  saved_micros += r.saved_micros;
  if (r.cache_status == "HIT") {
    ++cache_hits;
  } else if (r.cache_status == "MISS") {
    ++cache_misses;
  }
  if (r.stream) ++streams;
}

size_t Analytics::KeyHash::operator()(const KeyView& k) const {
  std::hash<std::string_view> h;
  size_t v = h(k.gateway);
  for (std::string_view s : {k.provider, k.model, k.key_id}) {
    v ^= h(s) + 0x9e3779b97f4a7c15ULL + (v << 6) + (v >> 2);
  }
  return v;
}

Analytics::Analytics(AnalyticsOptions options)
    : options_([&] {
        AnalyticsOptions o = std::move(options);
        if (!o.clock) o.clock = system_now_us;
        o.retention_minutes = std::max<int64_t>(o.retention_minutes, 1);
        o.max_series = std::max<size_t>(o.max_series, 1);
        o.max_metric_providers = std::max<size_t>(o.max_metric_providers, 1);
        o.max_metric_models = std::max<size_t>(o.max_metric_models, 1);
        return o;
      }()) {}

Analytics::~Analytics() = default;

void Analytics::consume(std::span<const RequestRecord> batch) {
  MutexLock lock(&mu_);
  const int64_t now_minute = floor_div(options_.clock(), kMinuteUs);
  evict_locked(now_minute);
  for (const RequestRecord& r : batch) add_locked(r, now_minute);
  shrink_closed_locked(now_minute);
  while (bytes_ > static_cast<int64_t>(options_.max_memory_bytes) && !minutes_.empty()) {
    drop_minute_locked(minutes_.begin());
    ++counts_.evicted_minutes;
  }
}

void Analytics::add_locked(const RequestRecord& r, int64_t now_minute) {
  ++counts_.records;
  const KeyView key{label(r.gateway), label(r.provider),
                    label(r.model_answered.empty() ? r.model_requested : r.model_answered),
                    label(r.key_id)};
  add_metrics_locked(r, key);

  const int64_t minute = floor_div(r.start_us, kMinuteUs);
  if (minute <= now_minute - options_.retention_minutes || minute > now_minute + kFutureMinutes) {
    ++counts_.out_of_range;
    return;
  }
  const uint32_t id = series_for_locked(key);
  auto [m, fresh] = minutes_.try_emplace(minute);
  if (fresh) bytes_ += chunk(kMinuteNodeBytes);
  std::vector<Cell>& cells = m->second;
  auto it = std::lower_bound(cells.begin(), cells.end(), id,
                             [](const Cell& c, uint32_t s) { return c.series < s; });
  if (it == cells.end() || it->series != id) {
    const int64_t before = chunk(cells.capacity() * sizeof(Cell));
    it = cells.insert(it, Cell{id, {}, {}, {}});
    bytes_ += chunk(cells.capacity() * sizeof(Cell)) - before;
    ++cells_;
    ++series_[id].cells;
  }
  const int64_t before = chunk(it->latency.heap_bytes()) + chunk(it->first_byte.heap_bytes());
  it->sums.add(r);
  it->latency.record(r.total_us);
  if (r.stream && r.first_byte_us > 0) it->first_byte.record(r.first_byte_us);
  bytes_ += chunk(it->latency.heap_bytes()) + chunk(it->first_byte.heap_bytes()) - before;
}

uint32_t Analytics::series_for_locked(const KeyView& k) {
  if (auto f = series_ids_.find(k); f != series_ids_.end()) return f->second;
  const size_t cap = options_.max_series;
  if (live_series_ < cap - cap / 8 && live_series_ + 1 < cap) return new_series_locked(k);
  ++counts_.folded;
  const KeyView fold{k.gateway, k.provider, k.model, kOtherLabel};
  if (auto f = series_ids_.find(fold); f != series_ids_.end()) return f->second;
  if (live_series_ + 1 < cap) return new_series_locked(fold);
  // The last slot: everything else, whatever its gateway, provider or model.
  const KeyView all{kOtherLabel, kOtherLabel, kOtherLabel, kOtherLabel};
  if (auto f = series_ids_.find(all); f != series_ids_.end()) return f->second;
  return new_series_locked(all);
}

uint32_t Analytics::new_series_locked(const KeyView& kv) {
  SeriesKey k{std::string(kv.gateway), std::string(kv.provider), std::string(kv.model),
              std::string(kv.key_id)};
  uint32_t id;
  if (!free_series_.empty()) {
    id = free_series_.back();
    free_series_.pop_back();
  } else {
    const int64_t before = chunk(series_.capacity() * sizeof(Series)) +
                           chunk(free_series_.capacity() * sizeof(uint32_t));
    id = static_cast<uint32_t>(series_.size());
    series_.emplace_back();
    free_series_.reserve(series_.capacity());  // so that freeing never allocates
    bytes_ += chunk(series_.capacity() * sizeof(Series)) +
              chunk(free_series_.capacity() * sizeof(uint32_t)) - before;
  }
  series_[id] = Series{k, 0};
  const size_t buckets = series_ids_.bucket_count();
  series_ids_.emplace(k, id);
  bytes_ += 2 * key_heap(k) + chunk(kSeriesNodeBytes) +
            static_cast<int64_t>((series_ids_.bucket_count() - buckets) * sizeof(void*));
  ++live_series_;
  return id;
}

void Analytics::evict_locked(int64_t now_minute) {
  while (!minutes_.empty() && minutes_.begin()->first <= now_minute - options_.retention_minutes) {
    drop_minute_locked(minutes_.begin());
  }
}

void Analytics::shrink_closed_locked(int64_t now_minute) {
  const int64_t through = now_minute - kCloseAfterMinutes;
  if (through <= shrunk_through_) return;
  for (auto it = minutes_.upper_bound(shrunk_through_);
       it != minutes_.end() && it->first <= through; ++it) {
    bytes_ -= chunk(it->second.capacity() * sizeof(Cell));
    it->second.shrink_to_fit();
    bytes_ += chunk(it->second.capacity() * sizeof(Cell));
    for (Cell& c : it->second) {
      bytes_ -= chunk(c.latency.heap_bytes()) + chunk(c.first_byte.heap_bytes());
      c.latency.shrink();
      c.first_byte.shrink();
      bytes_ += chunk(c.latency.heap_bytes()) + chunk(c.first_byte.heap_bytes());
    }
  }
  shrunk_through_ = through;
}

void Analytics::drop_minute_locked(std::map<int64_t, std::vector<Cell>>::iterator it) {
  for (const Cell& c : it->second) {
    bytes_ -= chunk(c.latency.heap_bytes()) + chunk(c.first_byte.heap_bytes());
    if (--series_[c.series].cells == 0) forget_series_locked(c.series);
  }
  bytes_ -= chunk(it->second.capacity() * sizeof(Cell)) + chunk(kMinuteNodeBytes);
  cells_ -= it->second.size();
  minutes_.erase(it);
}

void Analytics::forget_series_locked(uint32_t id) {
  Series& s = series_[id];
  bytes_ -= 2 * key_heap(s.key) + chunk(kSeriesNodeBytes);
  series_ids_.erase(s.key);
  s.key = {};
  free_series_.push_back(id);
  --live_series_;
}

void Analytics::add_metrics_locked(const RequestRecord& r, const KeyView& k) {
  std::string_view provider = k.provider;
  auto p = metric_providers_.find(provider);
  if (p == metric_providers_.end()) {
    if (metric_providers_.size() >= options_.max_metric_providers) provider = kOtherLabel;
    p = metric_providers_.find(provider);
    if (p == metric_providers_.end()) {
      p = metric_providers_.emplace(std::string(provider), std::make_unique<ProviderTotals>())
              .first;
    }
  }
  ProviderTotals& t = *p->second;
  t.latency.record(r.total_us);
  if (r.stream && r.first_byte_us > 0) t.first_byte.record(r.first_byte_us);

  std::string_view model = k.model;
  auto m = t.models.find(model);
  if (m == t.models.end()) {
    if (metric_models_ >= options_.max_metric_models) model = kOtherLabel;
    m = t.models.find(model);
    if (m == t.models.end()) {
      m = t.models.emplace(std::string(model), RollupSums{}).first;
      ++metric_models_;
    }
  }
  RollupSums one;
  one.add(r);
  for (int64_t* v :
       {&one.input_tokens, &one.output_tokens, &one.cached_read_tokens, &one.cache_write_tokens,
        &one.reasoning_tokens, &one.cost_micros, &one.saved_micros}) {
    *v = std::max<int64_t>(*v, 0);
  }
  m->second.add(one);
}

std::vector<AnalyticsRow> Analytics::query(const AnalyticsQuery& q) const {
  std::vector<AnalyticsRow> rows;
  if (q.to_us <= q.from_us) return rows;
  const int64_t first = floor_div(q.from_us, kMinuteUs);
  const int64_t last = floor_div(q.to_us - 1, kMinuteUs);  // inclusive
  auto bucket_of = [&](int64_t minute) -> int64_t {
    switch (q.step) {
      case Step::kMinute:
        return minute;
      case Step::kHour:
        return floor_div(minute, 60);
      case Step::kDay:
        return floor_div(minute, 24 * 60);
      case Step::kTotal:
        return 0;
    }
    return 0;
  };
  auto bucket_start = [&](int64_t b) -> int64_t {
    switch (q.step) {
      case Step::kMinute:
        return b * kMinuteUs;
      case Step::kHour:
        return b * 60 * kMinuteUs;
      case Step::kDay:
        return b * 24 * 60 * kMinuteUs;
      case Step::kTotal:
        return first * kMinuteUs;
    }
    return 0;
  };

  struct Acc {
    SeriesKey key;
    RollupSums sums;
    Histogram latency, first_byte;
    bool touched = false;
  };
  std::vector<Acc> accs;
  std::map<SeriesKey, size_t> group_ids;
  std::vector<size_t> touched;
  int64_t bucket = 0;
  auto flush = [&] {
    std::sort(touched.begin(), touched.end(),
              [&](size_t a, size_t b) { return accs[a].key < accs[b].key; });
    for (size_t g : touched) {
      Acc& a = accs[g];
      AnalyticsRow& row = rows.emplace_back();
      row.start_us = bucket_start(bucket);
      row.group = a.key;
      row.sums = a.sums;
      row.latency = summarize(a.latency);
      row.first_byte = summarize(a.first_byte);
      if (a.sums.requests > 0) {
        row.error_rate = static_cast<double>(a.sums.errors) / a.sums.requests;
        row.cache_hit_rate = static_cast<double>(a.sums.cache_hits) / a.sums.requests;
      }
      a.sums = {};
      a.latency.clear();
      a.first_byte.clear();
      a.touched = false;
    }
    touched.clear();
  };

  std::vector<int64_t> group_of;  // series id -> group; valid while the lock is held
  for (int64_t next = first; next <= last;) {
    MutexLock lock(&mu_);
    group_of.assign(series_.size(), -1);  // ids may have been reused while it was let go
    size_t cells = 0;
    auto it = minutes_.lower_bound(next);
    for (; it != minutes_.end() && it->first <= last && cells < kCellsPerLockHold; ++it) {
      const int64_t b = bucket_of(it->first);
      if (!touched.empty() && b != bucket) flush();
      bucket = b;
      cells += it->second.size();
      for (const Cell& c : it->second) {
        int64_t& g = group_of[c.series];
        if (g < 0) {
          SeriesKey k = project(series_[c.series].key, q.group_by);
          auto [gi, fresh] = group_ids.try_emplace(k, accs.size());
          if (fresh) accs.emplace_back().key = std::move(k);
          g = static_cast<int64_t>(gi->second);
        }
        Acc& a = accs[g];
        if (!a.touched) {
          a.touched = true;
          touched.push_back(g);
        }
        a.sums.add(c.sums);
        a.latency.merge(c.latency);
        a.first_byte.merge(c.first_byte);
      }
    }
    next = it == minutes_.end() ? last + 1 : it->first;
  }
  flush();
  return rows;
}

MetricsSnapshot Analytics::metrics() const {
  MetricsSnapshot s;
  MutexLock lock(&mu_);
  s.models.reserve(metric_models_);
  s.providers.reserve(metric_providers_.size());
  for (const auto& [name, t] : metric_providers_) {
    s.providers.push_back({name, t->latency, t->first_byte});
    for (const auto& [model, sums] : t->models) s.models.push_back({name, model, sums});
  }
  s.stats = stats_locked();
  return s;
}

AnalyticsStats Analytics::stats() const {
  MutexLock lock(&mu_);
  return stats_locked();
}

AnalyticsStats Analytics::stats_locked() const {
  AnalyticsStats s = counts_;
  s.series = live_series_;
  s.minutes = minutes_.size();
  s.cells = cells_;
  s.memory_bytes = static_cast<size_t>(bytes_) + sizeof(*this);
  return s;
}

}  // namespace parapet::observe
