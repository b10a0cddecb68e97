#include "observe/analytics.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "observe/record.h"

namespace parapet::observe {
namespace {

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z, a UTC day start

RequestRecord rec(int64_t start_us, std::string gateway, std::string provider, std::string model,
                  std::string key, int status = 200, int64_t total_us = 1000) {
  RequestRecord r;
  r.start_us = start_us;
  r.gateway = std::move(gateway);
  r.provider = std::move(provider);
  r.model_answered = std::move(model);
  r.key_id = std::move(key);
  r.status = status;
  r.total_us = total_us;
  return r;
}

struct FakeClock {
  int64_t now = kT0;
  std::function<int64_t()> fn() {
    return [this] { return now; };
  }
};

// What a group's sums must be, computed the plain way.
struct Ref {
  RollupSums sums;
  std::vector<int64_t> latency, first_byte;

  void add(const RequestRecord& r) {
    RollupSums& s = sums;
    s.requests += 1;
    s.errors += (r.status >= 400 || !r.error_type.empty()) ? 1 : 0;
    int cls = r.status / 100;
    s.status_2xx += cls == 2;
    s.status_3xx += cls == 3;
    s.status_4xx += cls == 4;
    s.status_5xx += cls == 5;
    s.status_other += (cls < 2 || cls > 5);
    s.input_tokens += r.usage.input;
    s.output_tokens += r.usage.output;
    s.cached_read_tokens += r.usage.cached_read;
    s.cache_write_tokens += r.usage.cache_write;
    s.reasoning_tokens += r.usage.reasoning;
    s.cost_micros += r.cost_micros;
    s.saved_micros += r.saved_micros;
    s.cache_hits += r.cache_status == "HIT";
    s.cache_misses += r.cache_status == "MISS";
    s.streams += r.stream;
    latency.push_back(r.total_us);
    if (r.stream && r.first_byte_us > 0) first_byte.push_back(r.first_byte_us);
  }
};

double exact_percentile(std::vector<int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()) / 100));
  return static_cast<double>(v[std::clamp<size_t>(rank, 1, v.size()) - 1]);
}

void expect_close(double got, double exact, const std::string& what) {
  EXPECT_LE(std::abs(got - exact), exact * Histogram::kMaxRelativeError + 1e-9)
      << what << ": got " << got << " exact " << exact;
}

void expect_row_matches(const AnalyticsRow& row, const Ref& ref, const std::string& what) {
  EXPECT_EQ(row.sums, ref.sums) << what;
  EXPECT_EQ(row.sums.requests, ref.sums.requests) << what;
  EXPECT_EQ(row.sums.cost_micros, ref.sums.cost_micros) << what;
  EXPECT_EQ(row.sums.input_tokens, ref.sums.input_tokens) << what;
  EXPECT_EQ(row.latency.count, ref.latency.size()) << what;
  EXPECT_EQ(row.first_byte.count, ref.first_byte.size()) << what;
  for (double p : {50.0, 90.0, 99.0}) {
    double got = p == 50 ? row.latency.p50_us : p == 90 ? row.latency.p90_us : row.latency.p99_us;
    expect_close(got, exact_percentile(ref.latency, p), what + " latency p" + std::to_string(p));
    if (!ref.first_byte.empty()) {
      double fb = p == 50   ? row.first_byte.p50_us
                  : p == 90 ? row.first_byte.p90_us
                            : row.first_byte.p99_us;
      expect_close(fb, exact_percentile(ref.first_byte, p), what + " ttfb p" + std::to_string(p));
    }
  }
  EXPECT_EQ(row.latency.max_us, *std::max_element(ref.latency.begin(), ref.latency.end()));
  EXPECT_DOUBLE_EQ(row.error_rate, static_cast<double>(ref.sums.errors) / ref.sums.requests);
  EXPECT_DOUBLE_EQ(row.cache_hit_rate,
                   static_cast<double>(ref.sums.cache_hits) / ref.sums.requests);
}

std::vector<RequestRecord> synthetic_stream(int n, int64_t from, int64_t span, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const char* gateways[] = {"default", "team-b"};
  const char* providers[] = {"openai", "anthropic", "groq"};
  const char* models[] = {"gpt-4o", "gpt-4o-mini", "claude-3-5-haiku", "llama-3.1-8b"};
  const int statuses[] = {200, 200, 200, 200, 200, 400, 429, 500, 502, 0, 101, 302, 499};
  const char* cache[] = {"", "HIT", "MISS", "BYPASS"};
  std::lognormal_distribution<double> latency(std::log(600'000), 1.2);
  std::vector<RequestRecord> out;
  for (int i = 0; i < n; ++i) {
    auto pick = [&](auto& arr) { return arr[rng() % std::size(arr)]; };
    RequestRecord r = rec(from + static_cast<int64_t>(rng() % span), pick(gateways),
                          pick(providers), pick(models), "key-" + std::to_string(rng() % 10),
                          pick(statuses), static_cast<int64_t>(latency(rng)));
    if (r.status == 200 && rng() % 10 == 0) r.error_type = "stream_interrupted";
    if (r.status >= 500) r.error_type = "upstream_error";
    r.stream = rng() % 2;
    if (r.stream) r.first_byte_us = r.total_us / (2 + rng() % 8);
    r.usage.input = static_cast<int64_t>(rng() % 5000);
    r.usage.output = static_cast<int64_t>(rng() % 2000);
    r.usage.cached_read = static_cast<int64_t>(rng() % 3) * 1024;
    r.usage.cache_write = rng() % 7 == 0 ? 2048 : 0;
    r.usage.reasoning = std::min<int64_t>(r.usage.output, static_cast<int64_t>(rng() % 300));
    r.cost_micros = static_cast<int64_t>(rng() % 100'000);
    r.cache_status = pick(cache);
    if (r.cache_status == "HIT") r.saved_micros = static_cast<int64_t>(rng() % 50'000);
    out.push_back(std::move(r));
  }
  return out;
}

void consume_in_batches(Analytics& a, const std::vector<RequestRecord>& records, size_t batch) {
  for (size_t i = 0; i < records.size(); i += batch) {
    a.consume(std::span(records).subspan(i, std::min(batch, records.size() - i)));
  }
}

TEST(Analytics, SumsAreExactOverASyntheticStream) {
  FakeClock clock{kT0 + 3 * kHour};
  Analytics a({.clock = clock.fn()});
  auto records = synthetic_stream(20'000, kT0, 3 * kHour, 1);
  consume_in_batches(a, records, 97);

  Ref all;
  std::map<std::string, Ref> by_provider;
  std::map<std::pair<std::string, std::string>, Ref> by_gateway_model;
  std::map<std::pair<int64_t, std::string>, Ref> by_hour_key;
  for (const RequestRecord& r : records) {
    all.add(r);
    by_provider[r.provider].add(r);
    by_gateway_model[{r.gateway, r.model_answered}].add(r);
    by_hour_key[{(r.start_us - kT0) / kHour, r.key_id}].add(r);
  }

  auto total = a.query({kT0, kT0 + 3 * kHour});
  ASSERT_EQ(total.size(), 1u);
  EXPECT_EQ(total[0].start_us, kT0);
  EXPECT_EQ(total[0].group, SeriesKey{});
  expect_row_matches(total[0], all, "total");

  auto rows = a.query({kT0, kT0 + 3 * kHour, kGroupProvider});
  ASSERT_EQ(rows.size(), by_provider.size());
  for (const AnalyticsRow& row : rows) {
    EXPECT_TRUE(row.group.gateway.empty() && row.group.model.empty() && row.group.key_id.empty());
    expect_row_matches(row, by_provider.at(row.group.provider), row.group.provider);
  }
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end(),
                             [](auto& x, auto& y) { return x.group.provider < y.group.provider; }));

  rows = a.query({kT0, kT0 + 3 * kHour, kGroupGateway | kGroupModel});
  ASSERT_EQ(rows.size(), by_gateway_model.size());
  for (const AnalyticsRow& row : rows) {
    expect_row_matches(row, by_gateway_model.at({row.group.gateway, row.group.model}),
                       row.group.gateway + "/" + row.group.model);
  }

  rows = a.query({kT0, kT0 + 3 * kHour, kGroupKeyId, Step::kHour});
  ASSERT_EQ(rows.size(), by_hour_key.size());
  for (const AnalyticsRow& row : rows) {
    int64_t hour = (row.start_us - kT0) / kHour;
    EXPECT_EQ(row.start_us, kT0 + hour * kHour);
    expect_row_matches(row, by_hour_key.at({hour, row.group.key_id}),
                       "hour " + std::to_string(hour) + " " + row.group.key_id);
  }

  // Minute rows add up to the total.
  RollupSums sum;
  for (const AnalyticsRow& row : a.query({kT0, kT0 + 3 * kHour, kGroupNone, Step::kMinute})) {
    sum.add(row.sums);
  }
  EXPECT_EQ(sum, all.sums);
  EXPECT_EQ(a.stats().records, records.size());
  EXPECT_EQ(a.stats().out_of_range, 0u);
  EXPECT_EQ(a.stats().folded, 0u);
}

TEST(Analytics, StepsBucketAtMinuteHourAndDayBoundaries) {
  FakeClock clock{kT0 + 25 * kHour};
  Analytics a({.clock = clock.fn()});
  std::vector<RequestRecord> records = {
      rec(kT0 + kHour - 1, "g", "p", "m", "k"),  // 00:59:59.999999
      rec(kT0 + kHour, "g", "p", "m", "k"),      // 01:00:00
      rec(kT0 + kDay - 1, "g", "p", "m", "k"),   // 23:59:59.999999
      rec(kT0 + kDay, "g", "p", "m", "k"),       // next day 00:00:00
  };
  a.consume(records);
  auto starts = [&](Step step, int64_t from, int64_t to) {
    std::vector<std::pair<int64_t, int64_t>> out;  // (start - kT0, requests)
    for (const AnalyticsRow& r : a.query({from, to, kGroupNone, step})) {
      out.emplace_back(r.start_us - kT0, r.sums.requests);
    }
    return out;
  };
  using V = std::vector<std::pair<int64_t, int64_t>>;
  const int64_t all_to = kT0 + 2 * kDay;
  EXPECT_EQ(starts(Step::kMinute, kT0, all_to),
            (V{{kHour - kMinute, 1}, {kHour, 1}, {kDay - kMinute, 1}, {kDay, 1}}));
  EXPECT_EQ(starts(Step::kHour, kT0, all_to),
            (V{{0, 1}, {kHour, 1}, {kDay - kHour, 1}, {kDay, 1}}));
  EXPECT_EQ(starts(Step::kDay, kT0, all_to), (V{{0, 3}, {kDay, 1}}));
  EXPECT_EQ(starts(Step::kTotal, kT0, all_to), (V{{0, 4}}));
  // Every minute overlapping [from, to) counts; the total row starts at from's minute.
  EXPECT_EQ(starts(Step::kTotal, kT0 + kHour, kT0 + kDay), (V{{kHour, 2}}));
  EXPECT_EQ(starts(Step::kTotal, kT0 + kHour - 30'000'000, kT0 + kHour), (V{{kHour - kMinute, 1}}));
  EXPECT_EQ(starts(Step::kTotal, kT0 + kHour + 1, kT0 + kHour + 2), (V{{kHour, 1}}));
  // Day buckets are UTC days even when the range starts mid-day.
  EXPECT_EQ(starts(Step::kDay, kT0 + 12 * kHour, all_to), (V{{0, 1}, {kDay, 1}}));
  EXPECT_TRUE(a.query({kT0 + kHour, kT0 + kHour}).empty());
  EXPECT_TRUE(a.query({kT0 + kHour, kT0}).empty());
  EXPECT_TRUE(a.query({kT0 + 3 * kHour, kT0 + 4 * kHour}).empty());
}

TEST(Analytics, RatesAndTheAnsweringModel) {
  FakeClock clock;
  Analytics a({.clock = clock.fn()});
  std::vector<RequestRecord> records;
  for (int i = 0; i < 10; ++i) {
    RequestRecord r = rec(kT0, "g", "openai", "", "k", i < 3 ? 500 : 200);
    r.model_requested = "gpt-4o";
    r.model_answered = i % 2 ? "gpt-4o-2024-08-06" : "";  // answered wins; else requested
    r.cache_status = i >= 6 ? "HIT" : "MISS";
    records.push_back(r);
  }
  a.consume(records);
  auto rows = a.query({kT0, kT0 + kMinute, kGroupModel});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].group.model, "gpt-4o");
  EXPECT_EQ(rows[1].group.model, "gpt-4o-2024-08-06");
  auto total = a.query({kT0, kT0 + kMinute});
  ASSERT_EQ(total.size(), 1u);
  EXPECT_DOUBLE_EQ(total[0].error_rate, 0.3);
  EXPECT_DOUBLE_EQ(total[0].cache_hit_rate, 0.4);
  EXPECT_EQ(total[0].sums.cache_misses, 6);
  EXPECT_EQ(total[0].sums.status_5xx, 3);
}

TEST(Analytics, LongLabelsAreCutAtACharacterBoundary) {
  FakeClock clock;
  Analytics a({.clock = clock.fn()});
  std::string model = "a";
  for (int i = 0; i < 200; ++i) model += "\xC3\xA9";  // é
  std::vector<RequestRecord> records = {rec(kT0, "g", "p", model, "k")};
  a.consume(records);
  auto rows = a.query({kT0, kT0 + kMinute, kGroupModel});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].group.model, model.substr(0, 127));
}

TEST(Analytics, RetentionEvictsOldMinutesAndFreesTheirSeries) {
  FakeClock clock{kT0 + 59 * kMinute};
  Analytics a({.retention_minutes = 60, .clock = clock.fn()});
  std::vector<RequestRecord> first = {rec(kT0, "g", "p", "m", "a"),
                                      rec(kT0 + 30 * kMinute, "g", "p", "m", "b")};
  a.consume(first);
  EXPECT_EQ(a.stats().minutes, 2u);
  EXPECT_EQ(a.stats().series, 2u);
  EXPECT_EQ(a.stats().cells, 2u);

  clock.now = kT0 + 60 * kMinute;  // minute 0 is now 60 minutes old: out
  a.consume({});
  EXPECT_EQ(a.stats().minutes, 1u);
  EXPECT_EQ(a.stats().series, 1u);
  auto rows = a.query({kT0, kT0 + kHour, kGroupKeyId});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].group.key_id, "b");

  // Too old, or from too far ahead: not rolled up, but counted, and still in /metrics.
  std::vector<RequestRecord> late = {rec(kT0, "g", "p", "m", "a"),
                                     rec(clock.now + 6 * kMinute, "g", "p", "m", "a"),
                                     rec(clock.now + 5 * kMinute, "g", "p", "m", "a")};
  a.consume(late);
  EXPECT_EQ(a.stats().out_of_range, 2u);
  EXPECT_EQ(a.stats().records, 5u);
  EXPECT_EQ(a.metrics().models.at(0).sums.requests, 5);

  EXPECT_EQ(a.stats().minutes, 2u);  // minute 30 and the one 5 minutes ahead
  clock.now = kT0 + 65 * kMinute + kHour;
  a.consume({});
  EXPECT_EQ(a.stats().minutes, 0u);
  EXPECT_EQ(a.stats().series, 0u);
  EXPECT_EQ(a.stats().cells, 0u);
  EXPECT_TRUE(a.query({kT0, kT0 + 3 * kHour}).empty());
}

TEST(Analytics, SeriesCapFoldsIntoOtherAndKeepsSumsExact) {
  FakeClock clock;
  Analytics a({.max_series = 16, .clock = clock.fn()});
  std::vector<RequestRecord> records;
  for (int k = 0; k < 40; ++k)
    records.push_back(rec(kT0, "g", "openai", "gpt-4o", "k" + std::to_string(k)));
  for (int m = 0; m < 5; ++m) {
    records.push_back(rec(kT0, "g", "anthropic", "claude-" + std::to_string(m), "k0"));
  }
  a.consume(records);
  AnalyticsStats st = a.stats();
  EXPECT_EQ(st.series, 16u);
  // 14 exact series (7/8 of 16), then (g, openai, gpt-4o, _other_), then the one all-other.
  EXPECT_EQ(st.folded, 40u - 14u + 5u);
  auto total = a.query({kT0, kT0 + kMinute});
  ASSERT_EQ(total.size(), 1u);
  EXPECT_EQ(total[0].sums.requests, 45);

  auto rows = a.query({kT0, kT0 + kMinute, kGroupProvider | kGroupModel | kGroupKeyId});
  ASSERT_EQ(rows.size(), 16u);
  std::map<std::string, int64_t> got;
  for (const AnalyticsRow& r : rows) {
    got[r.group.provider + "/" + r.group.model + "/" + r.group.key_id] = r.sums.requests;
  }
  EXPECT_EQ(got.at("openai/gpt-4o/k0"), 1);
  EXPECT_EQ(got.at("openai/gpt-4o/_other_"), 26);
  EXPECT_EQ(got.at("_other_/_other_/_other_"), 5);

  // Once their minutes age out, the slots are free again for new series.
  clock.now = kT0 + 8 * kDay;
  std::vector<RequestRecord> later = {rec(clock.now, "g", "groq", "llama", "z")};
  a.consume(later);
  EXPECT_EQ(a.stats().series, 1u);
  rows = a.query({clock.now, clock.now + kMinute, kGroupKeyId});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].group.key_id, "z");
}

TEST(Analytics, MemoryBudgetDropsTheOldestMinutesFirst) {
  FakeClock clock{kT0 + 20 * kMinute};
  const size_t budget = 4 * 1024;  // a few of the 20 minutes
  Analytics a({.max_series = 4, .max_memory_bytes = budget, .clock = clock.fn()});
  std::vector<RequestRecord> records;
  for (int m = 0; m < 20; ++m) {
    for (int i = 0; i < 50; ++i) {
      records.push_back(rec(kT0 + m * kMinute, "g", "p", "m", "k", 200, 1000 + i * 7919 % 50000));
    }
  }
  a.consume(records);
  AnalyticsStats st = a.stats();
  EXPECT_LE(st.memory_bytes - sizeof(Analytics), budget);
  EXPECT_GT(st.evicted_minutes, 0u);
  EXPECT_EQ(st.minutes + st.evicted_minutes, 20u);
  auto rows = a.query({kT0, kT0 + kHour, kGroupNone, Step::kMinute});
  ASSERT_EQ(rows.size(), st.minutes);
  EXPECT_EQ(rows.front().start_us, kT0 + static_cast<int64_t>(st.evicted_minutes) * kMinute);
  EXPECT_EQ(rows.back().start_us, kT0 + 19 * kMinute);
}

TEST(Analytics, MemoryAccountingReturnsToZero) {
  FakeClock clock{kT0 + kHour};
  Analytics a({.clock = clock.fn()});
  const size_t empty = a.stats().memory_bytes;
  consume_in_batches(a, synthetic_stream(5'000, kT0, kHour, 5), 100);
  EXPECT_GT(a.stats().memory_bytes, empty);
  clock.now += 8 * kDay;
  a.consume({});
  EXPECT_EQ(a.stats().cells, 0u);
  // What stays is the series table's capacity for the 240 series seen (slots are reused) and the
  // hash table's buckets, nothing per minute.
  EXPECT_LT(a.stats().memory_bytes - empty, 256 * (sizeof(SeriesKey) + 16) + 512 * sizeof(void*));
}

TEST(Analytics, MetricsAreCumulativeClampedAndCapped) {
  FakeClock clock{kT0};
  Analytics a({.retention_minutes = 10,
               .max_metric_providers = 2,
               .max_metric_models = 3,
               .clock = clock.fn()});
  std::vector<RequestRecord> records;
  for (const char* p : {"openai", "anthropic", "groq", "mistral"}) {
    for (const char* m : {"m1", "m2"}) {
      RequestRecord r = rec(kT0, "g", p, m, "k", 200, 2000);
      r.usage.input = 10;
      r.usage.output = -5;  // a provider bug must not make a counter go down
      r.cost_micros = 7;
      r.stream = true;
      r.first_byte_us = 500;
      records.push_back(r);
    }
  }
  a.consume(records);
  clock.now = kT0 + kHour;
  a.consume({});  // rollups evicted; /metrics keeps counting
  EXPECT_EQ(a.stats().cells, 0u);
  MetricsSnapshot s = a.metrics();
  ASSERT_EQ(s.providers.size(), 3u);  // anthropic, openai, _other_
  EXPECT_EQ(s.providers[0].provider, "_other_");
  EXPECT_EQ(s.providers[0].latency.count(), 4u);
  int64_t requests = 0, input = 0, output = 0, cost = 0;
  std::vector<std::string> names;
  for (const auto& m : s.models) {
    names.push_back(m.provider + "/" + m.model);
    requests += m.sums.requests;
    input += m.sums.input_tokens;
    output += m.sums.output_tokens;
    cost += m.sums.cost_micros;
  }
  EXPECT_EQ(requests, 8);
  EXPECT_EQ(input, 80);
  EXPECT_EQ(output, 0);
  EXPECT_EQ(cost, 56);
  // Past the caps: the provider folds first, then the model within its provider.
  EXPECT_EQ(names, (std::vector<std::string>{"_other_/_other_", "anthropic/_other_", "anthropic/m1",
                                             "openai/m1", "openai/m2"}));
  EXPECT_LE(names.size(), 3u + s.providers.size());
}

TEST(Analytics, MemoryPerSeries) {
  // One series for a whole day, at 1 and at 60 requests a minute: what a series costs.
  for (int per_minute : {1, 60, 1000}) {
    FakeClock clock{kT0};
    Analytics a({.clock = clock.fn()});
    std::mt19937_64 rng(per_minute);
    std::lognormal_distribution<double> latency(std::log(700'000), 1.0);
    const size_t base = a.stats().memory_bytes;
    std::vector<RequestRecord> batch;
    batch.reserve(per_minute);  // held through both heap readings
    const size_t heap_before = mallinfo2().uordblks;
    for (int m = 0; m < 24 * 60; ++m) {
      clock.now = kT0 + m * kMinute + 30'000'000;
      batch.clear();
      for (int i = 0; i < per_minute; ++i) {
        RequestRecord r = rec(kT0 + m * kMinute + i, "default", "openai", "gpt-4o-mini", "key-1",
                              200, static_cast<int64_t>(latency(rng)));
        r.stream = i % 2 == 0;
        r.first_byte_us = r.total_us / 5;
        batch.push_back(std::move(r));
      }
      a.consume(batch);
    }
    clock.now += 3 * kMinute;
    a.consume({});  // the last minutes close too
    batch.clear();
    const size_t heap_after = mallinfo2().uordblks;
    AnalyticsStats st = a.stats();
    double per_cell = static_cast<double>(st.memory_bytes - base) / st.cells;
    double heap_per_cell = static_cast<double>(heap_after - heap_before) / st.cells;
    std::cout << "[ memory   ] " << per_minute << " req/min: " << st.cells << " minute rollups, "
              << per_cell << " bytes each by stats(), " << heap_per_cell << " by the allocator; "
              << heap_per_cell * 7 * 24 * 60 / 1e6 << " MB per series for 7 days\n";
    EXPECT_EQ(st.cells, 24u * 60u);
    EXPECT_LT(per_cell, 3000);
#ifndef __SANITIZE_ADDRESS__  // ASan's allocator is not glibc's: mallinfo2 means nothing there
    EXPECT_NEAR(per_cell, heap_per_cell, heap_per_cell * 0.1);  // the budget is honest
#endif
  }
}

TEST(Analytics, QueriesWhileTheRecorderConsumes) {
  FakeClock clock{kT0 + kHour};
  Analytics a({.clock = clock.fn()});
  auto records = synthetic_stream(20'000, kT0, kHour, 9);
  std::thread writer([&] { consume_in_batches(a, records, 50); });
  int64_t last = 0;
  for (int i = 0; i < 50; ++i) {
    auto rows = a.query({kT0, kT0 + kHour});
    int64_t n = rows.empty() ? 0 : rows[0].sums.requests;
    EXPECT_GE(n, last);  // a query sees whole batches, never a torn count going backwards
    last = n;
  }
  writer.join();
  EXPECT_EQ(a.query({kT0, kT0 + kHour}).at(0).sums.requests, 20'000);
}

}  // namespace
}  // namespace parapet::observe
