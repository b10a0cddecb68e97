// A sample /metrics exposition with every metric this area renders and awkward label values
// (quotes, backslashes, newlines, invalid UTF-8, a very long model name). Shared by the format test
// and tests/tools/metrics_sample.cc, whose output `promtool check metrics` checks in ctest.
#pragma once

#include <string>
#include <vector>

#include "observe/analytics.h"
#include "observe/prometheus.h"
#include "observe/record.h"

namespace parapet::observe::testing {

inline constexpr int64_t kSampleNowUs = 1'700'000'000'000'000;  // 2023-11-14T22:13:20Z

inline std::vector<RequestRecord> sample_records() {
  std::vector<RequestRecord> out;
  const char* models[] = {"gpt-4o-mini", "claude-3-5-sonnet", "weird \"model\"\\\nname\xff\xfe",
                          ""};
  const char* providers[] = {"openai", "anthropic", "google-ai-studio", ""};
  for (int i = 0; i < 200; ++i) {
    RequestRecord r;
    r.start_us = kSampleNowUs - (i % 90) * 60'000'000LL;
    r.gateway = i % 3 ? "default" : "team-b";
    r.provider = providers[i % 4];
    r.model_answered = models[(i / 4) % 4];
    if (i == 7) r.model_answered = std::string(300, 'm');
    r.key_id = "key-" + std::to_string(i % 5);
    r.status = i % 11 == 0 ? 502 : (i % 13 == 0 ? 429 : 200);
    if (r.status == 502) r.error_type = "upstream_error";
    r.stream = i % 2 == 0;
    r.total_us = 150 + static_cast<int64_t>(i) * 37'011;
    r.first_byte_us = r.stream ? r.total_us / 4 : 0;
    r.usage.input = 100 + i;
    r.usage.output = 20 + i % 7;
    r.usage.cached_read = i % 3 == 0 ? 64 : 0;
    r.usage.cache_write = i % 5 == 0 ? 32 : 0;
    r.usage.reasoning = i % 4 == 0 ? 10 : 0;
    r.cost_micros = 1'000 + i;
    r.cache_status = i % 6 == 0 ? "HIT" : "MISS";
    if (r.cache_status == "HIT") r.saved_micros = 900;
    out.push_back(std::move(r));
  }
  return out;
}

// What Server::metrics_text() will render: the per-worker counters, the open-connections gauge and
// the analytics metrics, through one Writer.
inline std::string sample_exposition() {
  Analytics a(AnalyticsOptions{.max_metric_models = 12, .clock = [] { return kSampleNowUs; }});
  auto records = sample_records();
  a.consume(records);
  prom::Writer w;
  Counters workers[2];
  for (const RequestRecord& r : records) workers[r.start_us / 60'000'000 % 2].count(r);
  for (const Counters& c : workers) add_request_counters(w, c);
  w.gauge("parapet_connections_open", "Client connections open now.", {}, 3);
  add_analytics_metrics(w, a);
  return w.text();
}

}  // namespace parapet::observe::testing
