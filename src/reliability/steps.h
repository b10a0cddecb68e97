// The two ways one request becomes an ordered list of steps (upstream + body), tried until one
// answers (docs/reliability.md):
//  - a fallback chain from the config: "openai/gpt-4o-mini" = ["groq/llama-3.1-8b-instant", ...],
//    each later step the same native request with the body's `model` rewritten;
//  - the universal endpoint, POST /{gateway} with a JSON array in Cloudflare AI Gateway's shape:
//    [{"provider", "endpoint", "headers": {..}, "query": {..body..}, "config": {..}}, ...].
// Parsing and rewriting only; the pipeline turns these into upstream attempts.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "reliability/options.h"

namespace parapet::reliability {

// "provider/model" (the model may itself hold '/': "openrouter/meta-llama/llama-3-8b"), or
// "provider" alone / "provider/*" (any model). kBadRequest when the provider part is empty.
Result<ModelRef> parse_model_ref(std::string_view text);

// The fallback steps for a request to `provider` asking for `model`: the rule for that provider
// and model, else the provider's any-model rule ("provider/*"), else nullptr.
const FallbackRule* find_fallback(const GatewayReliability& g, std::string_view provider,
                                  std::string_view model);

// `body` with the top-level "model" member's value replaced by `model` (JSON-escaped), every other
// byte kept. nullopt when the body is not a JSON object with a string "model" member.
std::optional<std::string> rewrite_model(std::string_view body, std::string_view model);

inline constexpr size_t kMaxUniversalSteps = 8;
inline constexpr size_t kMaxStepHeaders = 64;

struct UniversalStep {
  std::string provider;
  std::string endpoint;  // the provider-native path, without the leading '/' (query allowed)
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string body;  // `query` re-serialized as compact JSON; "" when absent
  // `config`: overrides of the request headers for this step.
  std::optional<int> max_attempts;
  std::optional<Millis> retry_delay;
  std::optional<Backoff> backoff;
  std::optional<Millis> request_timeout;
};

// Validates and reads a universal request body. kBadRequest says which step and field is wrong.
Result<std::vector<UniversalStep>> parse_universal(std::string_view body);

}  // namespace parapet::reliability
