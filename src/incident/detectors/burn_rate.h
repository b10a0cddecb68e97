// Error-budget burn rate per provider/model, multi-window (Google SRE workbook, "Alerting on
// SLOs", method 6): burn = error rate / (1 - SLO). Fires when a pair's long AND short windows both
// burn at least the pair's factor (defaults: 14.4x over 1 h and 5 min = 2% of a 30-day budget in
// an hour, SEV2; 6x over 6 h and 30 min = 5% in 6 h, SEV3); the short window makes it clear soon
// after recovery. Failures: status >= 500 or an upstream_* error (is_provider_failure).
// Memory: one ring of slow_long/bucket buckets x 2 counters per series (360 x 24 B = 8.6 KB).
// Thread-safety: none (recorder thread).
#pragma once

#include "incident/buckets.h"
#include "incident/detector.h"
#include "incident/detectors/series.h"

namespace parapet::incident {

class BurnRateDetector final : public Detector {
 public:
  explicit BurnRateDetector(BurnRateOptions o) : o_(o) {}
  std::string_view name() const override { return "burn_rate"; }
  void observe(const observe::RequestRecord& r) override;
  void evaluate(int64_t now_us, std::vector<Signal>& out) override;
  Retune retune(const Options& o) override;

 private:
  struct Series {
    Buckets<2> b;  // requests, failures
    bool firing = false;
  };
  BurnRateOptions o_;
  SeriesMap<Series> series_;
  std::string scratch_;
};

}  // namespace parapet::incident
