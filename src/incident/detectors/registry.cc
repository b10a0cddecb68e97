// The built-in detectors, in one explicit list (STYLE.md: no static self-registration).
#include "incident/detectors/breaker.h"
#include "incident/detectors/burn_rate.h"
#include "incident/detectors/fallback.h"
#include "incident/detectors/latency.h"
#include "incident/detectors/spend.h"
#include "incident/detectors/surge.h"

namespace parapet::incident {

std::vector<std::unique_ptr<Detector>> make_detectors(const Options& o) {
  std::vector<std::unique_ptr<Detector>> d;
  d.push_back(std::make_unique<BurnRateDetector>(o.burn_rate));
  d.push_back(std::make_unique<LatencyDetector>(o.latency));
  d.push_back(std::make_unique<SurgeDetector>(SurgeKind::kTraffic, o.surge));
  d.push_back(std::make_unique<SurgeDetector>(SurgeKind::kRetries, o.surge));
  d.push_back(make_waf_surge(o.surge));
  d.push_back(std::make_unique<SpendDetector>(o.spend));
  d.push_back(std::make_unique<BreakerDetector>(o.breaker));
  d.push_back(std::make_unique<FallbackDetector>(o.breaker));
  return d;
}

}  // namespace parapet::incident
