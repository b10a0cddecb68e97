#include "incident/detectors/fallback.h"

#include "observe/record.h"

namespace parapet::incident {

std::string_view FallbackDetector::match(const observe::RequestRecord& r,
                                         std::string& detail) const {
  if (r.step <= 0) return {};
  detail = r.provider + " (step " + std::to_string(r.step) + ")";
  return r.gateway;
}

void FallbackDetector::describe(Signal& s, int64_t count, const std::string& detail) const {
  std::string gateway = s.subject;
  s.subject = "gateway " + gateway;
  s.timeline_only = true;
  std::string window = std::to_string(window_us() / kSecond) + "s";
  s.title = s.firing ? "gateway " + gateway + " is answering from a fallback, latest " + detail
                     : "gateway " + gateway + " has not needed a fallback for " + window;
  s.evidence =
      std::to_string(count) + " requests answered by a fallback step in the last " + window;
}

}  // namespace parapet::incident
