// Spend burn per gateway: cost_micros over the window, scaled to an hour, against the configured
// hourly rate (budget consumed faster than its period allows). Off unless a rate is configured.
#pragma once

#include <memory>

#include "incident/detectors/window_count.h"
#include "incident/options.h"

namespace parapet::incident {
std::unique_ptr<Detector> make_spend_burn(const SpendBurnOptions& o);
}
