// Settings of incident response (docs/incidents.md): detector thresholds, lifecycle timings and
// notification destinations. Plain values, read from [incident] by config/incident_config.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parapet::incident {

// One multi-window burn-rate pair (SRE workbook): fires when the burn rate over both the long and
// the short window is at least `burn`.
struct BurnPair {
  int64_t long_ms = 0, short_ms = 0;
  double burn = 0;
};

struct ErrorRateOptions {
  bool enabled = true;
  double slo = 0.995;  // target success ratio; budget = 1 - slo
  std::vector<BurnPair> pairs{{3'600'000, 300'000, 14.4}, {21'600'000, 1'800'000, 6.0}};
  int64_t bucket_ms = 60'000;
  int64_t min_requests =
      20;  // in the short window, so one failed call on a quiet hour is no outage
};

struct TrafficSurgeOptions {
  bool enabled = true;
  int64_t window_ms = 300'000;   // "the last 5 minutes"
  int64_t history_windows = 12;  // compared against the 12 windows before it (1 h)
  double z = 4.0;
  int64_t min_requests = 100;  // in the last window
  double retry_ratio = 0.2;    // retry storm: share of records with attempts > 1 in the window
  int64_t min_retries = 20;
};

struct SpendBurnOptions {
  bool enabled = false;  // needs a rate to compare with
  int64_t window_ms = 3'600'000;
  int64_t max_micros_per_hour = 0;  // spend faster than this fires
};

struct WafSurgeOptions {
  bool enabled = true;
  int64_t window_ms = 300'000;
  int64_t min_hits = 50;  // records with waf_action "block" or "log" in the window
};

struct CircuitOpenOptions {
  bool enabled = true;
  int64_t window_ms = 60'000;
  int64_t min_hits = 1;  // records with error_type "circuit_open" in the window
};

struct Destination {
  std::string stream;       // debug | impact | comms
  std::string type;         // slack | webhook | pagerduty
  std::string url;          // http:// only (https is not supported yet)
  std::string routing_key;  // pagerduty
};

struct Options {
  bool enabled = false;
  ErrorRateOptions error_rate;
  TrafficSurgeOptions traffic_surge;
  SpendBurnOptions spend_burn;
  WafSurgeOptions waf_surge;
  CircuitOpenOptions circuit_open;
  int64_t auto_decline_ms = 120'000;  // a signal that clears this soon after opening: false alarm
  int64_t auto_declare_ms = 60'000;   // a signal firing this long: the incident is declared
  int64_t evaluate_ms = 1'000;        // detectors are evaluated at most this often
  int default_severity = 3;
  std::string call_link;  // template for the call link on declaration; {id} is replaced
  std::vector<Destination> notify;
  int max_attempts = 8;              // outbox deliveries before giving up (recorded)
  int64_t retry_base_ms = 1'000;     // backoff: base * 2^attempt, capped at 5 min
  int64_t impact_lead_ms = 300'000;  // impact window starts this long before detection
};

}  // namespace parapet::incident
