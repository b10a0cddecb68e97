#include "incident/detectors/error_rate.h"

#include <algorithm>
#include <cstdio>

namespace parapet::incident {

ErrorRateDetector::ErrorRateDetector(ErrorRateOptions o) : o_(std::move(o)) {
  for (const auto& p : o_.pairs) span_ms_ = std::max({span_ms_, p.long_ms, p.short_ms});
}

void ErrorRateDetector::observe(const observe::RequestRecord& r, int64_t now_ms) {
  if (r.provider.empty()) return;
  auto& s = series_[r.provider];
  if (!s) s = std::make_unique<Buckets>(o_.bucket_ms, span_ms_);
  s->add(now_ms, 1, r.status >= 500 ? 1 : 0);
}

void ErrorRateDetector::evaluate(int64_t now_ms, std::vector<Signal>& out) {
  double budget = std::max(1e-9, 1.0 - o_.slo);
  for (auto& [provider, s] : series_) {
    bool fire = false;
    std::string evidence;
    for (const auto& p : o_.pairs) {
      int64_t lt, le, st, se;
      s->sum(now_ms, p.long_ms, &lt, &le);
      s->sum(now_ms, p.short_ms, &st, &se);
      double lb = lt ? (static_cast<double>(le) / lt) / budget : 0;
      double sb = st ? (static_cast<double>(se) / st) / budget : 0;
      bool f = st >= o_.min_requests && lb >= p.burn && sb >= p.burn;
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "%lld/%lld errors over %llds (burn %.1fx), %lld/%lld over %llds (burn "
                    "%.1fx), threshold %.1fx vs SLO %.2f%%",
                    static_cast<long long>(le), static_cast<long long>(lt),
                    static_cast<long long>(p.long_ms / 1000), lb, static_cast<long long>(se),
                    static_cast<long long>(st), static_cast<long long>(p.short_ms / 1000), sb,
                    p.burn, o_.slo * 100);
      if (!evidence.empty()) evidence += "; ";
      evidence += buf;
      fire = fire || f;
    }
    report("error_rate", provider, fire, "provider " + provider + ": " + evidence, out);
  }
}

}  // namespace parapet::incident
