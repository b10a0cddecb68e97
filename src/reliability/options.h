// Reliability settings as they sit in the config snapshot: per-gateway retry defaults and
// fallback chains ([gateways.NAME], [gateways.NAME.fallbacks]) and the circuit breaker's
// thresholds ([circuit_breaker]). Plain data so config/ can hold them without depending on the
// logic in this folder (docs/reliability.md).
// Thread-safety: plain values, immutable once in a Snapshot.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parapet::reliability {

using Millis = std::chrono::milliseconds;

enum class Backoff { kConstant, kLinear, kExponential };

inline constexpr int kMaxAttempts = 5;         // as Cloudflare's cf-aig-max-attempts
inline constexpr Millis kMaxRetryDelay{5000};  // as Cloudflare's cf-aig-retry-delay
inline constexpr Millis kMaxRequestTimeout{3'600'000};

// How one step (one upstream) is retried. Request headers override the gateway's defaults, and a
// universal step's own `config` overrides both (Cloudflare's precedence).
struct RetrySettings {
  int max_attempts = 1;     // 1: no retries (a dead pooled connection is still replaced once)
  Millis retry_delay{250};  // base delay before the second attempt
  Backoff backoff = Backoff::kExponential;
  Millis request_timeout{0};  // whole request, retries and fallbacks included, up to the answer
                              // head; 0: only the [upstream] timeouts apply
};

// "provider/model" as written in a fallback chain. model "" in a rule key written as
// "provider/*" matches any model; in a step it keeps the request's model.
struct ModelRef {
  std::string provider;
  std::string model;
};

struct FallbackRule {
  ModelRef from;
  std::vector<ModelRef> to;  // tried in order after `from` failed
};

struct GatewayReliability {
  std::string gateway;
  RetrySettings retry;
  std::vector<FallbackRule> fallbacks;
};

// Thresholds are read per decision from the running snapshot, so a reload retunes breakers
// without resetting their state.
struct BreakerOptions {
  bool enabled = true;
  uint32_t consecutive_failures = 5;   // opens after this many failures in a row
  uint32_t failure_rate_percent = 50;  // ... or this share of failures in the window
  uint32_t min_requests = 20;          // ... once the window holds at least this many outcomes
  Millis window{60000};
  Millis cooldown{30000};         // open → half-open after this long
  uint32_t half_open_probes = 1;  // requests let through at once while half-open
};

struct Options {
  std::vector<GatewayReliability> gateways;
  BreakerOptions breaker;

  const GatewayReliability* find(std::string_view gateway) const {
    for (const auto& g : gateways) {
      if (g.gateway == gateway) return &g;
    }
    return nullptr;
  }
};

std::string_view backoff_name(Backoff b);

}  // namespace parapet::reliability
