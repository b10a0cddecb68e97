#include "incident/detectors/circuit_open.h"

namespace parapet::incident {

std::unique_ptr<Detector> make_circuit_open(const CircuitOpenOptions& o) {
  int64_t window = o.window_ms;
  return std::make_unique<WindowCountDetector>(
      "circuit_open", o.window_ms, o.min_hits,
      [](const observe::RequestRecord& r, std::string* subject) -> int64_t {
        *subject = r.provider;
        return r.error_type == "circuit_open" ? 1 : 0;
      },
      [window](const std::string& p, int64_t v) {
        return "provider " + p + ": " + std::to_string(v) +
               " calls refused by an open circuit in the last " + std::to_string(window / 1000) +
               "s";
      });
}

}  // namespace parapet::incident
