// Circuit breaker opened, per provider: records with error_type "circuit_open" in the window
// (the breaker refused calls). Clears when a window passes without one.
#pragma once

#include <memory>

#include "incident/detectors/window_count.h"
#include "incident/options.h"

namespace parapet::incident {
std::unique_ptr<Detector> make_circuit_open(const CircuitOpenOptions& o);
}
