#include "incident/detectors/waf_surge.h"

namespace parapet::incident {

std::unique_ptr<Detector> make_waf_surge(const WafSurgeOptions& o) {
  int64_t window = o.window_ms, min = o.min_hits;
  return std::make_unique<WindowCountDetector>(
      "waf_surge", o.window_ms, o.min_hits,
      [](const observe::RequestRecord& r, std::string* subject) -> int64_t {
        *subject = r.gateway;
        return r.waf_action == "block" || r.waf_action == "log" ? 1 : 0;
      },
      [window, min](const std::string& gw, int64_t v) {
        return "gateway " + gw + ": " + std::to_string(v) + " WAF matches in the last " +
               std::to_string(window / 1000) + "s (threshold " + std::to_string(min) + ")";
      });
}

}  // namespace parapet::incident
