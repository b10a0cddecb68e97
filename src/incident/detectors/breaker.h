// Circuit breaker opened: a provider whose breaker refused requests (error_type "circuit_open",
// set by reliability/ when the circuit is open) within the window. Reads records rather than the
// Breakers so it needs nothing but the record stream; it clears when a whole window passes
// without a refusal.
// Thread-safety: none (recorder thread).
#pragma once

#include "incident/detectors/presence.h"

namespace parapet::incident {

class BreakerDetector final : public PresenceDetector {
 public:
  explicit BreakerDetector(BreakerOptions o) : PresenceDetector(o.window_us) {}
  std::string_view name() const override { return "circuit_open"; }

 private:
  std::string_view match(const observe::RequestRecord& r, std::string& detail) const override;
  void describe(Signal& s, int64_t count, const std::string& detail) const override;
};

}  // namespace parapet::incident
