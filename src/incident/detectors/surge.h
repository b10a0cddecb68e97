// Traffic surge, retry storm and WAF attack surge: the z-score of the last complete window's count
// against the previous `history` windows of the same series, z = (x - mean) / max(stddev,
// sqrt(mean), 1) (the sqrt(mean) floor is the Poisson noise of a count, so a flat history does not
// make every small wobble infinite), with a minimum volume. One class, three selectors:
//   traffic_surge  requests per gateway
//   retry_storm    records with attempts > 1 per gateway (the edge sees an outage elsewhere as
//                  retry load first)
//   waf_surge      records the WAF blocked (error_type "waf_blocked"; see waf_surge.cc) per
//                  gateway
// Memory: history + 2 buckets x 1 counter per series (26 x 16 B).
// Thread-safety: none (recorder thread).
#pragma once

#include "incident/buckets.h"
#include "incident/detector.h"
#include "incident/detectors/series.h"

namespace parapet::incident {

enum class SurgeKind { kTraffic, kRetries, kWaf };

class SurgeDetector final : public Detector {
 public:
  SurgeDetector(SurgeKind kind, SurgeOptions o) : kind_(kind), o_(o) {}
  std::string_view name() const override;
  void observe(const observe::RequestRecord& r) override;
  void evaluate(int64_t now_us, std::vector<Signal>& out) override;
  Retune retune(const Options& o) override;

 private:
  struct Series {
    Buckets<1> b;
    bool firing = false;
  };
  int64_t min_volume() const;
  SurgeKind kind_;
  SurgeOptions o_;
  SeriesMap<Series> series_;
};

// waf_surge.cc
bool is_waf_hit(const observe::RequestRecord& r);
std::unique_ptr<Detector> make_waf_surge(const SurgeOptions& o);

}  // namespace parapet::incident
