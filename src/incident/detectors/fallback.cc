#include "incident/detectors/fallback.h"

#include "observe/record.h"

namespace parapet::incident {

void FallbackDetector::observe(const observe::RequestRecord& r) {
  if (r.step <= 0) return;
  Series& s = series_.get(
      r.gateway, [&] { return Series{Buckets<1>(std::max<int64_t>(1, o_.window_us / 10), 11)}; });
  s.b.add(record_time_us(r), {1});
  s.last = r.provider + " (step " + std::to_string(r.step) + ")";
}

void FallbackDetector::evaluate(int64_t now_us, std::vector<Signal>& out) {
  for (auto& [gateway, s] : series_.all()) {
    int64_t n = s.b.sum(now_us, o_.window_us)[0];
    bool firing = n > 0;
    if (firing == s.firing) continue;
    s.firing = firing;
    Signal sig;
    sig.detector = "fallback";
    sig.subject = "gateway " + gateway;
    sig.firing = firing;
    sig.timeline_only = true;
    sig.at_us = now_us;
    sig.window_us = o_.window_us;
    std::string window = std::to_string(o_.window_us / kSecond) + "s";
    sig.title = firing ? "gateway " + gateway + " is answering from a fallback, latest " + s.last
                       : "gateway " + gateway + " has not needed a fallback for " + window;
    sig.evidence =
        std::to_string(n) + " requests answered by a fallback step in the last " + window;
    out.push_back(std::move(sig));
  }
}

}  // namespace parapet::incident
