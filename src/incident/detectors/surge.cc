#include "incident/detectors/surge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "observe/record.h"

namespace parapet::incident {

std::string_view SurgeDetector::name() const {
  switch (kind_) {
    case SurgeKind::kTraffic:
      return "traffic_surge";
    case SurgeKind::kRetries:
      return "retry_storm";
    case SurgeKind::kWaf:
      return "waf_surge";
  }
  return "traffic_surge";
}

int64_t SurgeDetector::min_volume() const {
  switch (kind_) {
    case SurgeKind::kTraffic:
      return o_.min_requests;
    case SurgeKind::kRetries:
      return o_.min_retries;
    case SurgeKind::kWaf:
      return o_.min_waf;
  }
  return o_.min_requests;
}

void SurgeDetector::observe(const observe::RequestRecord& r) {
  int64_t n = 1;
  if (kind_ == SurgeKind::kRetries) n = r.attempts > 1 ? 1 : 0;
  if (kind_ == SurgeKind::kWaf) n = is_waf_hit(r) ? 1 : 0;
  Series& s = series_.get(r.gateway, [&] {
    return Series{Buckets<1>(o_.window_us, static_cast<size_t>(o_.history + 2))};
  });
  // Every record marks its bucket as seen (value 0 counts as history), so quiet windows count.
  s.b.add(record_time_us(r), {n});
}

void SurgeDetector::evaluate(int64_t now_us, std::vector<Signal>& out) {
  for (auto& [gateway, s] : series_.all()) {
    int64_t last = s.b.index(now_us) - 1;  // the last complete window
    int64_t x = s.b.at(last)[0];
    int64_t first = std::max(s.b.first(), last - o_.history);
    int64_t n = last - first;  // history windows since the series was first seen
    bool firing = false;
    double mean = 0, sd = 0, z = 0;
    if (n >= o_.min_history) {
      double sum = 0, sq = 0;
      for (int64_t i = first; i < last; ++i) {
        double v = static_cast<double>(s.b.at(i)[0]);
        sum += v;
        sq += v * v;
      }
      mean = sum / static_cast<double>(n);
      sd = std::sqrt(std::max(0.0, sq / static_cast<double>(n) - mean * mean));
      double floor = std::max({sd, std::sqrt(mean), 1.0});
      z = (static_cast<double>(x) - mean) / floor;
      firing = x >= min_volume() && z >= o_.z;
    }
    if (firing == s.firing) continue;
    s.firing = firing;
    Signal sig;
    sig.detector = std::string(name());
    sig.subject = "gateway " + gateway;
    sig.firing = firing;
    sig.severity = kind_ == SurgeKind::kWaf ? 2 : 3;
    sig.at_us = now_us;
    sig.window_us = 2 * o_.window_us;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%lld in the last %llds window vs mean %.1f (sd %.1f) over %lld windows: "
                  "z=%.1f (threshold %.1f, minimum %lld)",
                  static_cast<long long>(x), static_cast<long long>(o_.window_us / kSecond), mean,
                  sd, static_cast<long long>(n), z, o_.z, static_cast<long long>(min_volume()));
    sig.evidence = buf;
    static const char* kWhat[] = {"Traffic surge", "Retry storm", "WAF attack surge"};
    sig.title = std::string(kWhat[static_cast<int>(kind_)]) + " on gateway " + gateway +
                (firing ? "" : " is over");
    out.push_back(std::move(sig));
  }
}

Detector::Retune SurgeDetector::retune(const Options& o) {
  if (o.surge == o_) return Retune::kUnchanged;
  if (o.surge.window_us != o_.window_us || o.surge.history != o_.history) return Retune::kRestart;
  o_ = o.surge;
  return Retune::kApplied;
}

}  // namespace parapet::incident
