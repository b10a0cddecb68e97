#include "incident/detectors/breaker.h"

#include "observe/record.h"

namespace parapet::incident {

void BreakerDetector::observe(const observe::RequestRecord& r) {
  if (r.error_type != "circuit_open") return;
  Series& s = series_.get(
      r.provider, [&] { return Series{Buckets<1>(std::max<int64_t>(1, o_.window_us / 10), 11)}; });
  s.b.add(record_time_us(r), {1});
}

void BreakerDetector::evaluate(int64_t now_us, std::vector<Signal>& out) {
  for (auto& [provider, s] : series_.all()) {
    int64_t n = s.b.sum(now_us, o_.window_us)[0];
    bool firing = n > 0;
    if (firing == s.firing) continue;
    s.firing = firing;
    Signal sig;
    sig.detector = "circuit_open";
    sig.subject = provider;
    sig.firing = firing;
    sig.severity = 2;
    sig.at_us = now_us;
    sig.window_us = o_.window_us;
    sig.evidence = std::to_string(n) + " requests refused by the open circuit in the last " +
                   std::to_string(o_.window_us / kSecond) + "s";
    sig.title = firing ? "Circuit breaker open for " + provider
                       : "Circuit for " + provider + " closed again";
    out.push_back(std::move(sig));
  }
}

}  // namespace parapet::incident
