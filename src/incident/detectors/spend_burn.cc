#include "incident/detectors/spend_burn.h"

#include <cstdio>

namespace parapet::incident {

std::unique_ptr<Detector> make_spend_burn(const SpendBurnOptions& o) {
  // The threshold is the window's share of the hourly rate.
  int64_t threshold = o.max_micros_per_hour * o.window_ms / 3'600'000;
  if (o.max_micros_per_hour > 0 && threshold == 0) threshold = 1;
  int64_t window = o.window_ms, rate = o.max_micros_per_hour;
  return std::make_unique<WindowCountDetector>(
      "spend_burn", o.window_ms, threshold,
      [](const observe::RequestRecord& r, std::string* subject) {
        *subject = r.gateway;
        return r.cost_micros;
      },
      [window, rate](const std::string& gw, int64_t v) {
        char buf[200];
        std::snprintf(
            buf, sizeof buf, "gateway %s: $%.6f spent in the last %llds = $%.4f/h (limit $%.4f/h)",
            gw.c_str(), static_cast<double>(v) / 1e6, static_cast<long long>(window / 1000),
            static_cast<double>(v) / 1e6 * 3'600'000.0 / static_cast<double>(window),
            static_cast<double>(rate) / 1e6);
        return std::string(buf);
      });
}

}  // namespace parapet::incident
