// Fallbacks in use: a gateway whose requests were answered by a fallback step (record.step > 0)
// within the window. A working fallback is a mitigation, not an outage of its own, so its signals
// open no incident: they go into the timelines of the open ones (Signal::timeline_only), which is
// how a review later sees when traffic moved to the fallback and when it came back. Shares the
// circuit breaker's window ([incident.breaker] window_s): both describe the same failover.
// Thread-safety: none (recorder thread).
#pragma once

#include "incident/detectors/presence.h"

namespace parapet::incident {

class FallbackDetector final : public PresenceDetector {
 public:
  explicit FallbackDetector(BreakerOptions o) : PresenceDetector(o.window_us) {}
  std::string_view name() const override { return "fallback"; }

 private:
  std::string_view match(const observe::RequestRecord& r, std::string& detail) const override;
  void describe(Signal& s, int64_t count, const std::string& detail) const override;
};

}  // namespace parapet::incident
