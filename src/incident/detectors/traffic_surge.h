// Traffic surge and retry storm per gateway. Surge: the z-score of the last window's request count
// against the `history_windows` windows before it, with a minimum volume. Retry storm: records
// with attempts > 1 (retries, fallback steps) make up at least retry_ratio of the last window and
// number at least min_retries — the shape an outside outage takes in our own traffic.
// Signals: detector "traffic_surge" and "retry_storm", subject the gateway.
#pragma once

#include <map>
#include <memory>

#include "incident/detectors/detector.h"
#include "incident/options.h"

namespace parapet::incident {

class TrafficSurgeDetector : public Detector {
 public:
  explicit TrafficSurgeDetector(TrafficSurgeOptions o) : o_(o) {}
  void observe(const observe::RequestRecord& r, int64_t now_ms) override;
  void evaluate(int64_t now_ms, std::vector<Signal>& out) override;

 private:
  TrafficSurgeOptions o_;
  std::map<std::string, std::unique_ptr<Buckets>> series_;  // a = requests, b = retried
  std::map<std::string, bool> retry_firing_;
};

}  // namespace parapet::incident
