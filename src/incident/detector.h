// What every detector is: fed finished RequestRecords on the recorder thread (never on the request
// path), asked now and then what changed. Pure: no I/O, no clock of its own (evaluate() gets the
// time), so tests replay record sequences with a fake clock. Each series keeps a fixed ring of
// time buckets (buckets.h) and series are capped per detector, so memory is bounded.
// Thread-safety: none; one thread (the recorder's) calls observe() and evaluate().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "incident/options.h"

namespace parapet::observe {
struct RequestRecord;
}

namespace parapet::incident {

// A change in a detector's verdict for one subject (a provider/model, a gateway, ...).
struct Signal {
  std::string detector;  // "burn_rate", "latency", "traffic_surge", ...
  std::string subject;   // e.g. "openai/gpt-4o", "gateway default"
  bool firing = false;   // true: the condition started to hold; false: it cleared
  int severity = 3;      // SEV1..SEV5 suggested for a new incident
  std::string title;     // one line for people
  std::string evidence;  // the figures behind the verdict
  int64_t at_us = 0;
  int64_t window_us = 0;     // how far back the evidence reaches (impact window start)
  bool declare_now = false;  // skip triage (external alerts that already passed their own delay)
  // Context, not a problem: goes into every open incident's timeline and opens none (fallbacks).
  bool timeline_only = false;
  std::string key() const { return detector + ":" + subject; }
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view name() const = 0;
  virtual void observe(const observe::RequestRecord& r) = 0;
  // Appends one Signal per subject whose verdict changed since the last call.
  virtual void evaluate(int64_t now_us, std::vector<Signal>& out) = 0;
  // A config reload: takes the new thresholds and keeps the history (and which subjects fire) when
  // the ring geometry (bucket width, ring length) is unchanged; returns kRestart, changing
  // nothing, when it is not, and the caller replaces the detector with a fresh one.
  enum class Retune { kUnchanged, kApplied, kRestart };
  virtual Retune retune(const Options& o) = 0;
};

// Series per detector before new subjects fold into "_other_".
inline constexpr size_t kMaxSeries = 256;

// The record's end time (start + total): what detectors bucket by.
int64_t record_time_us(const observe::RequestRecord& r);
// "provider/model" (model requested, else answered; provider alone when neither).
std::string provider_model(const observe::RequestRecord& r);
// A failure the provider side is responsible for: status >= 500 or an upstream_* error type.
bool is_provider_failure(const observe::RequestRecord& r);

// Every built-in detector, configured (detectors/registry.cc).
std::vector<std::unique_ptr<Detector>> make_detectors(const Options& o);

}  // namespace parapet::incident
