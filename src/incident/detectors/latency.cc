#include "incident/detectors/latency.h"

#include <cstdio>

#include "observe/record.h"

namespace parapet::incident {

void LatencyDetector::observe(const observe::RequestRecord& r) {
  if (r.provider.empty() || r.status < 200 || r.status >= 400 || r.cache_status == "HIT") return;
  scratch_.assign(r.provider);
  const std::string& m = !r.model_requested.empty() ? r.model_requested : r.model_answered;
  if (!m.empty()) {
    scratch_ += '/';
    scratch_ += m;
  }
  Series& s = series_.get(scratch_, [&] {
    return Series{Buckets<2>(
        o_.bucket_us, static_cast<size_t>((o_.window_us + o_.baseline_us) / o_.bucket_us + 2))};
  });
  s.b.add(record_time_us(r), {1, r.total_us});
}

void LatencyDetector::evaluate(int64_t now_us, std::vector<Signal>& out) {
  for (auto& [subject, s] : series_.all()) {
    int64_t hi = s.b.index(now_us);
    int64_t k = std::max<int64_t>(1, o_.window_us / s.b.width());
    int64_t kb = std::max<int64_t>(1, o_.baseline_us / s.b.width());
    auto recent = s.b.sum_range(hi - k + 1, hi);
    auto base = s.b.sum_range(hi - k - kb + 1, hi - k);
    double rm = recent[0] ? static_cast<double>(recent[1]) / static_cast<double>(recent[0]) : 0;
    double bm = base[0] ? static_cast<double>(base[1]) / static_cast<double>(base[0]) : 0;
    bool firing = recent[0] >= o_.min_requests && base[0] >= o_.min_baseline &&
                  rm > o_.factor * bm && rm - bm >= static_cast<double>(o_.min_delta_us);
    // Once firing, it clears only when the recent window is back under the threshold with data,
    // or traffic stopped entirely.
    if (!firing && s.firing && recent[0] > 0 && recent[0] < o_.min_requests) continue;
    if (firing == s.firing) continue;
    s.firing = firing;
    Signal sig;
    sig.detector = "latency";
    sig.subject = subject;
    sig.firing = firing;
    sig.severity = 3;
    sig.at_us = now_us;
    sig.window_us = o_.window_us;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "mean latency %.0f ms over %lld requests vs baseline %.0f ms over %lld "
                  "(threshold %.1fx and +%lld ms)",
                  rm / 1000, static_cast<long long>(recent[0]), bm / 1000,
                  static_cast<long long>(base[0]), o_.factor,
                  static_cast<long long>(o_.min_delta_us / 1000));
    sig.evidence = buf;
    sig.title = firing ? subject + " is answering much slower than its baseline"
                       : "Latency of " + subject + " back near its baseline";
    out.push_back(std::move(sig));
  }
}

Detector::Retune LatencyDetector::retune(const Options& o) {
  const LatencyOptions& n = o.latency;
  if (n == o_) return Retune::kUnchanged;
  if (n.bucket_us != o_.bucket_us || n.window_us + n.baseline_us != o_.window_us + o_.baseline_us) {
    return Retune::kRestart;
  }
  o_ = n;
  return Retune::kApplied;
}

}  // namespace parapet::incident
