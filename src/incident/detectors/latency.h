// Latency regression per provider/model: the mean total time of successful requests in the recent
// window against the mean of the baseline window just before it. Fires when the recent mean is
// more than `factor` times the baseline AND at least min_delta slower, with enough requests in
// both windows. The mean (not a percentile) keeps a series at 2 counters per bucket; a regression
// big enough to page moves the mean.
// Memory: (window + baseline) / bucket buckets x 2 counters per series (66 x 24 B).
// Thread-safety: none (recorder thread).
#pragma once

#include "incident/buckets.h"
#include "incident/detector.h"
#include "incident/detectors/series.h"

namespace parapet::incident {

class LatencyDetector final : public Detector {
 public:
  explicit LatencyDetector(LatencyOptions o) : o_(o) {}
  std::string_view name() const override { return "latency"; }
  void observe(const observe::RequestRecord& r) override;
  void evaluate(int64_t now_us, std::vector<Signal>& out) override;
  Retune retune(const Options& o) override;

 private:
  struct Series {
    Buckets<2> b;  // successful requests, sum of total_us
    bool firing = false;
  };
  LatencyOptions o_;
  SeriesMap<Series> series_;
  std::string scratch_;
};

}  // namespace parapet::incident
