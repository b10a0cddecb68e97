// Fallbacks in use: a gateway whose requests were answered by a fallback step (record.step > 0)
// within the window. A working fallback is a mitigation, not an outage of its own, so its signals
// open no incident: they go into the timelines of the open ones (Signal::timeline_only), which is
// how a review later sees when traffic moved to the fallback and when it came back. Shares the
// circuit breaker's window ([incident.breaker] window_s): both describe the same failover.
// Memory: 11 buckets x 1 counter per gateway.
// Thread-safety: none (recorder thread).
#pragma once

#include <string>

#include "incident/buckets.h"
#include "incident/detector.h"
#include "incident/detectors/series.h"

namespace parapet::incident {

class FallbackDetector final : public Detector {
 public:
  explicit FallbackDetector(BreakerOptions o) : o_(o) {}
  std::string_view name() const override { return "fallback"; }
  void observe(const observe::RequestRecord& r) override;
  void evaluate(int64_t now_us, std::vector<Signal>& out) override;

 private:
  struct Series {
    Buckets<1> b;
    bool firing = false;
    std::string last;  // "provider (step N)" of the latest fallback answer
  };
  BreakerOptions o_;
  SeriesMap<Series> series_;
};

}  // namespace parapet::incident
