// Prometheus text exposition (format 0.0.4) for /metrics: a Writer that collects counters, gauges
// and histograms and renders them with HELP and TYPE lines, escaped label values, families sorted
// by name and series sorted by labels, so two scrapes of the same state are byte-identical.
// Adding the same series twice adds the values (so per-worker counters can be added one worker at
// a time); the first non-empty HELP of a family wins.
//
// The metrics this area declares (STYLE.md habit 7) are rendered here too:
//  - add_request_counters(): the per-worker Counters, under the names /metrics has always had
//    (parapet_requests_total, parapet_responses_total{class}, parapet_upstream_errors_total, ...).
//  - add_analytics_metrics(): cumulative totals from Analytics, by provider and model:
//      parapet_model_requests_total{provider,model}, parapet_model_errors_total{provider,model},
//      parapet_tokens_total{provider,model,kind}  kind: input|output|cached_read|cache_write|
//                                                 reasoning (reasoning is part of output),
//      parapet_cost_micros_total{provider,model}, parapet_cache_hits_total{provider,model},
//      parapet_cache_saved_micros_total{provider,model},
//      parapet_request_duration_seconds{provider}, parapet_time_to_first_byte_seconds{provider}
//      (histograms; TTFB is for streamed answers), parapet_analytics_series,
//      parapet_analytics_memory_bytes (gauges), parapet_analytics_out_of_range_total,
//      parapet_analytics_folded_total.
//    Label cardinality is capped by AnalyticsOptions (overflow reads "_other_").
// Metric and label names are ours, so an invalid one is a bug (asserted); label values may come
// from outside and are escaped, with invalid UTF-8 replaced by U+FFFD.
// Thread-safety: a Writer is a plain value; the add_* functions read their sources' thread-safe
// accessors.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parapet::observe {

class Analytics;
struct Counters;

namespace prom {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Writer {
 public:
  void counter(std::string_view name, std::string_view help, const Labels& labels, uint64_t v);
  void counter(std::string_view name, std::string_view help, const Labels& labels, double v);
  void gauge(std::string_view name, std::string_view help, const Labels& labels, double v);
  // bounds: the `le` values, ascending, without +Inf; cumulative[i]: observations <= bounds[i];
  // count: all observations (the +Inf bucket). REQUIRES: bounds.size() == cumulative.size().
  void histogram(std::string_view name, std::string_view help, const Labels& labels,
                 std::span<const double> bounds, std::span<const uint64_t> cumulative, double sum,
                 uint64_t count);

  std::string text() const;

 private:
  enum class Type : uint8_t { kCounter, kGauge, kHistogram };
  struct Value {
    bool integral = true;
    uint64_t u = 0;
    double d = 0;
    // Histograms only.
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;
    uint64_t count = 0;
  };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Value> series;  // by rendered label set, e.g. `a="1",b="2"`
  };
  Value& series(std::string_view name, std::string_view help, Type type, const Labels& labels);

  std::map<std::string, Family, std::less<>> families_;
};

// Label value escaping per the text format: \ " and newline; invalid UTF-8 becomes U+FFFD.
std::string escape_label_value(std::string_view v);
// A sample value: shortest round-trip decimal, +Inf, -Inf or NaN.
std::string format_value(double v);

}  // namespace prom

void add_request_counters(prom::Writer& w, const Counters& c);
void add_analytics_metrics(prom::Writer& w, const Analytics& a);
std::string render_analytics_metrics(const Analytics& a);

}  // namespace parapet::observe
