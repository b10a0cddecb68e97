#include "incident/detectors/presence.h"

#include <algorithm>

#include "observe/record.h"

namespace parapet::incident {

void PresenceDetector::observe(const observe::RequestRecord& r) {
  std::string detail;
  std::string_view subject = match(r, detail);
  if (subject.empty()) return;
  Series& s = series_.get(
      subject, [&] { return Series{Buckets<1>(std::max<int64_t>(1, window_us_ / 10), 11)}; });
  s.b.add(record_time_us(r), {1});
  if (!detail.empty()) s.detail = std::move(detail);
}

void PresenceDetector::evaluate(int64_t now_us, std::vector<Signal>& out) {
  for (auto& [subject, s] : series_.all()) {
    int64_t n = s.b.sum(now_us, window_us_)[0];
    bool firing = n > 0;
    if (firing == s.firing) continue;
    s.firing = firing;
    Signal sig;
    sig.detector = std::string(name());
    sig.subject = subject;
    sig.firing = firing;
    sig.at_us = now_us;
    sig.window_us = window_us_;
    describe(sig, n, s.detail);
    out.push_back(std::move(sig));
  }
}

Detector::Retune PresenceDetector::retune(const Options& o) {
  // The window is the whole geometry and the only setting.
  return o.breaker.window_us == window_us_ ? Retune::kUnchanged : Retune::kRestart;
}

}  // namespace parapet::incident
