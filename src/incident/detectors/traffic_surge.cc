#include "incident/detectors/traffic_surge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parapet::incident {

void TrafficSurgeDetector::observe(const observe::RequestRecord& r, int64_t now_ms) {
  auto& s = series_[r.gateway];
  if (!s) {
    s = std::make_unique<Buckets>(std::max<int64_t>(1, o_.window_ms / 5),
                                  o_.window_ms * (o_.history_windows + 1));
  }
  s->add(now_ms, 1, r.attempts > 1 ? 1 : 0);
}

void TrafficSurgeDetector::evaluate(int64_t now_ms, std::vector<Signal>& out) {
  for (auto& [gw, s] : series_) {
    int64_t cur = 0, retried = 0;
    s->sum(now_ms, o_.window_ms, &cur, &retried);
    double sum = 0, sq = 0;
    int64_t n = std::max<int64_t>(1, o_.history_windows);
    for (int64_t i = 1; i <= n; ++i) {
      int64_t a, b;
      s->sum_at(now_ms - i * o_.window_ms, o_.window_ms, &a, &b);
      sum += static_cast<double>(a);
      sq += static_cast<double>(a) * static_cast<double>(a);
    }
    double mean = sum / static_cast<double>(n);
    double sd = std::sqrt(std::max(0.0, sq / static_cast<double>(n) - mean * mean));
    double z = (static_cast<double>(cur) - mean) / std::max(sd, 1.0);
    bool surge = cur >= o_.min_requests && z >= o_.z;
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "gateway %s: %lld requests in the last %llds, history mean %.1f sd %.1f, z=%.1f "
                  "(threshold %.1f)",
                  gw.c_str(), static_cast<long long>(cur),
                  static_cast<long long>(o_.window_ms / 1000), mean, sd, z, o_.z);
    report("traffic_surge", gw, surge, buf, out);

    double ratio = cur ? static_cast<double>(retried) / static_cast<double>(cur) : 0;
    bool storm = retried >= o_.min_retries && ratio >= o_.retry_ratio;
    bool& was = retry_firing_[gw];
    if (storm != was) {
      was = storm;
      std::snprintf(buf, sizeof buf,
                    "gateway %s: %lld of %lld requests retried in the last %llds (%.0f%%, "
                    "threshold %.0f%%)",
                    gw.c_str(), static_cast<long long>(retried), static_cast<long long>(cur),
                    static_cast<long long>(o_.window_ms / 1000), ratio * 100, o_.retry_ratio * 100);
      out.push_back(Signal{"retry_storm", gw, storm, buf});
    }
  }
}

}  // namespace parapet::incident
