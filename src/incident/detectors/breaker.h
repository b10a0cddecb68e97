// Circuit breaker opened: a provider whose breaker refused requests (error_type "circuit_open",
// set by reliability/ when the circuit is open) within the window. Reads records rather than the
// Breakers so it needs nothing but the record stream; it clears when a whole window passes
// without a refusal.
// Memory: 11 buckets x 1 counter per provider.
// Thread-safety: none (recorder thread).
#pragma once

#include "incident/buckets.h"
#include "incident/detector.h"
#include "incident/detectors/series.h"

namespace parapet::incident {

class BreakerDetector final : public Detector {
 public:
  explicit BreakerDetector(BreakerOptions o) : o_(o) {}
  std::string_view name() const override { return "circuit_open"; }
  void observe(const observe::RequestRecord& r) override;
  void evaluate(int64_t now_us, std::vector<Signal>& out) override;

 private:
  struct Series {
    Buckets<1> b;
    bool firing = false;
  };
  BreakerOptions o_;
  SeriesMap<Series> series_;
};

}  // namespace parapet::incident
