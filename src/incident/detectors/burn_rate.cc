#include "incident/detectors/burn_rate.h"

#include <algorithm>
#include <cstdio>

#include "observe/record.h"

namespace parapet::incident {

void BurnRateDetector::observe(const observe::RequestRecord& r) {
  if (r.provider.empty()) return;  // refused before routing: not a provider's failure
  scratch_.assign(r.provider);
  const std::string& m = !r.model_requested.empty() ? r.model_requested : r.model_answered;
  if (!m.empty()) {
    scratch_ += '/';
    scratch_ += m;
  }
  Series& s = series_.get(scratch_, [&] {
    int64_t longest = std::max(o_.fast_long_us, o_.slow_long_us);
    return Series{Buckets<2>(o_.bucket_us, static_cast<size_t>(longest / o_.bucket_us + 1))};
  });
  s.b.add(record_time_us(r), {1, is_provider_failure(r) ? 1 : 0});
}

void BurnRateDetector::evaluate(int64_t now_us, std::vector<Signal>& out) {
  double budget = std::max(1e-9, 1.0 - o_.slo);
  for (auto& [subject, s] : series_.all()) {
    auto& series = s;  // a lambda may not capture a structured binding before clang 16
    auto burn = [&](int64_t span, int64_t* req) {
      auto v = series.b.sum(now_us, span);
      if (req) *req = v[1] >= o_.min_failures ? v[0] : 0;
      return v[0] > 0 ? (static_cast<double>(v[1]) / static_cast<double>(v[0])) / budget : 0.0;
    };
    int64_t fast_n = 0, slow_n = 0;
    double fl = burn(o_.fast_long_us, nullptr), fs = burn(o_.fast_short_us, &fast_n);
    double sl = burn(o_.slow_long_us, nullptr), ss = burn(o_.slow_short_us, &slow_n);
    bool fast = fast_n >= o_.min_requests && fl >= o_.fast_factor && fs >= o_.fast_factor;
    bool slow = slow_n >= o_.min_requests && sl >= o_.slow_factor && ss >= o_.slow_factor;
    bool firing = fast || slow;
    if (firing == s.firing) continue;
    s.firing = firing;
    Signal sig;
    sig.detector = "burn_rate";
    sig.subject = subject;
    sig.firing = firing;
    sig.severity = fast ? 2 : 3;
    sig.at_us = now_us;
    sig.window_us = fast ? o_.fast_short_us : o_.slow_short_us;
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "error budget burn (SLO %.3f%%): %.1fx over long/%.1fx over short window "
                  "(fast pair, threshold %.1fx), %.1fx/%.1fx (slow pair, threshold %.1fx); "
                  "%lld requests in the short window",
                  o_.slo * 100, fl, fs, o_.fast_factor, sl, ss, o_.slow_factor,
                  static_cast<long long>(fast_n));
    sig.evidence = buf;
    sig.title = firing ? "Errors from " + subject + " are burning the error budget"
                       : "Error rate of " + subject + " back under the burn thresholds";
    out.push_back(std::move(sig));
  }
}

Detector::Retune BurnRateDetector::retune(const Options& o) {
  const BurnRateOptions& n = o.burn_rate;
  if (n == o_) return Retune::kUnchanged;
  if (n.bucket_us != o_.bucket_us ||
      std::max(n.fast_long_us, n.slow_long_us) != std::max(o_.fast_long_us, o_.slow_long_us)) {
    return Retune::kRestart;
  }
  o_ = n;
  return Retune::kApplied;
}

}  // namespace parapet::incident
