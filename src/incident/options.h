// Incident response settings ([incident] in the config file; docs/incidents.md). Plain values so
// the config loader can fill them without linking the incident area.
// Thread-safety: immutable once the config snapshot is shared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parapet::incident {

inline constexpr int64_t kSecond = 1'000'000;  // µs

struct BurnRateOptions {
  double slo = 0.995;                // success objective; the error budget is 1 - slo
  int64_t bucket_us = 60 * kSecond;  // time resolution of the per-series ring
  // SRE workbook multi-window pairs: fire when both windows of a pair burn at least `factor`.
  int64_t fast_long_us = 3600 * kSecond, fast_short_us = 300 * kSecond;
  double fast_factor = 14.4;
  int64_t slow_long_us = 6 * 3600 * kSecond, slow_short_us = 1800 * kSecond;
  double slow_factor = 6.0;
  int64_t min_requests = 20;  // in the short window, so one failure of two requests is no outage
  int64_t min_failures = 3;   // in the short window: a lone failure at low traffic is noise
  bool operator==(const BurnRateOptions&) const = default;
};

struct LatencyOptions {
  int64_t bucket_us = 60 * kSecond;
  int64_t window_us = 300 * kSecond;     // recent window
  int64_t baseline_us = 3600 * kSecond;  // before the recent window
  double factor = 2.0;                   // recent mean > factor x baseline mean ...
  int64_t min_delta_us = 500'000;        // ... and at least this much slower
  int64_t min_requests = 20;             // in the recent window
  int64_t min_baseline = 50;             // in the baseline
  bool operator==(const LatencyOptions&) const = default;
};

struct SurgeOptions {
  int64_t window_us = 300 * kSecond;  // one bucket; the last complete one is compared
  int history = 24;                   // buckets of history (2 h at 5 min)
  int min_history = 3;                // buckets seen before a z-score means anything
  double z = 4.0;
  int64_t min_requests = 100;  // traffic surge: requests in the window
  int64_t min_retries = 20;    // retry storm: records with attempts > 1 in the window
  int64_t min_waf = 20;        // WAF surge: blocked/flagged records in the window
  bool operator==(const SurgeOptions&) const = default;
};

struct SpendOptions {
  int64_t budget_micros_per_day = 0;  // 0: detector off
  int64_t window_us = 3600 * kSecond;
  double factor = 2.0;  // spend rate over the window > factor x the budget's daily rate
  bool operator==(const SpendOptions&) const = default;
};

struct BreakerOptions {
  int64_t window_us = 60 * kSecond;  // fires on any circuit_open record in it; clears when none
  bool operator==(const BreakerOptions&) const = default;
};

enum class Stream { kDebug, kImpact, kComms };
enum class DestKind { kSlack, kWebhook, kPagerDuty };

struct Destination {
  Stream stream = Stream::kDebug;
  DestKind kind = DestKind::kSlack;
  std::string url;
  std::string routing_key_env;  // PagerDuty routing key, read from this environment variable
  bool operator==(const Destination&) const = default;
};

struct Options {
  bool enabled = true;
  BurnRateOptions burn_rate;
  LatencyOptions latency;
  SurgeOptions surge;
  SpendOptions spend;
  BreakerOptions breaker;
  int64_t declare_after_us = 120 * kSecond;  // triage -> active when still firing this long
  int64_t auto_resolve_after_us = 0;         // mitigated -> resolved after this; 0: humans resolve
  int64_t slow_request_us = 10 * kSecond;    // impact: a request at least this slow is "slowed"
  std::string call_link;                     // template; {id} becomes the incident id
  std::string slack_signing_secret_env = "PARAPET_SLACK_SIGNING_SECRET";
  std::vector<Destination> destinations;
  int64_t notify_timeout_us = 5 * kSecond;
  int64_t notify_max_age_us = 24 * 3600 * kSecond;  // retried until then, then marked failed
};

const char* stream_name(Stream s);
const char* dest_kind_name(DestKind k);

}  // namespace parapet::incident
