// The reliability parts of the config file, read by load.cc: retry defaults and fallback chains
// under [gateways.NAME] and [gateways.NAME.fallbacks], and [circuit_breaker]
// (docs/reliability.md). Separate from load.cc so the section's rules live in one place.
// Thread-safety: used while building a Snapshot, before it is shared.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "config/config.h"

namespace parapet::config {

// Keys [gateways.NAME] accepts for reliability (added to the gateway's allowed keys).
inline constexpr std::string_view kGatewayReliabilityKeys[] = {
    "max_attempts", "retry_delay_ms", "backoff", "request_timeout_ms", "fallbacks"};

// Reads the reliability keys of [gateways.NAME] (others are ignored here).
Result<bool> read_gateway_reliability(Snapshot& s, const std::string& name, const toml::table& t);
// [circuit_breaker]
Result<bool> read_circuit_breaker(Snapshot& s, const toml::table& root);
// Once every upstream is known (file and flags): fallback chains name known upstreams of the
// same wire protocol as the one they stand in for.
Result<bool> validate_fallbacks(const Snapshot& s);

}  // namespace parapet::config
