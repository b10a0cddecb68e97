// WAF attack surge per gateway: records whose WAF verdict is "block" or "log" in the window.
#pragma once

#include <memory>

#include "incident/detectors/window_count.h"
#include "incident/options.h"

namespace parapet::incident {
std::unique_ptr<Detector> make_waf_surge(const WafSurgeOptions& o);
}
