// Provider error rate as a multi-window burn rate against an SLO (SRE workbook, ch. 5): with a
// 99.5% target the error budget is 0.5%; a burn rate of 14.4 over both 1 h and 5 min (or 6 over
// 6 h and 30 min) fires. Errors are records with status >= 500 (upstream failures, timeouts,
// open circuits as the client saw them). Subject: the provider.
#pragma once

#include <map>
#include <memory>

#include "incident/detectors/detector.h"
#include "incident/options.h"

namespace parapet::incident {

class ErrorRateDetector : public Detector {
 public:
  explicit ErrorRateDetector(ErrorRateOptions o);
  void observe(const observe::RequestRecord& r, int64_t now_ms) override;
  void evaluate(int64_t now_ms, std::vector<Signal>& out) override;

 private:
  ErrorRateOptions o_;
  int64_t span_ms_ = 0;
  std::map<std::string, std::unique_ptr<Buckets>> series_;  // a = requests, b = errors
};

}  // namespace parapet::incident
