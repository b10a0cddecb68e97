#include "incident/detectors/breaker.h"

#include "observe/record.h"

namespace parapet::incident {

std::string_view BreakerDetector::match(const observe::RequestRecord& r, std::string&) const {
  return r.error_type == "circuit_open" ? std::string_view(r.provider) : std::string_view();
}

void BreakerDetector::describe(Signal& s, int64_t count, const std::string&) const {
  s.severity = 2;
  s.evidence = std::to_string(count) + " requests refused by the open circuit in the last " +
               std::to_string(window_us() / kSecond) + "s";
  s.title = s.firing ? "Circuit breaker open for " + s.subject
                     : "Circuit for " + s.subject + " closed again";
}

}  // namespace parapet::incident
