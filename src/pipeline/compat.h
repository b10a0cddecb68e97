// The compat endpoint (docs/translation.md): `/{gateway}/compat/chat/completions`, and
// `/v1/chat/completions` on the default gateway, take an OpenAI chat completions body whose
// `model` is `provider/model`. Anthropic and Gemini steps are translated (src/translate/) and
// their answers translated back; OpenAI-compatible providers get the body with `model` rewritten
// to the bare name. `GET .../models` lists what the price table and the config know.
//
// Phases, in run() order: compat_route (before auth: the provider the model names becomes the
// route's upstream, so keys, limits and the cache see the same facts as a native call), then
// compat_steps (after auth: step 0 and the fallback chain of `provider/model`, each step
// translated for its own provider), and, for the answer, translated_answer().
// Thread-safety: the worker's thread, like the Exchange.
#pragma once

#include <string>
#include <vector>

#include "pipeline/upstream.h"

namespace parapet::pipeline {

// What compat_route read from the client's body, for compat_steps.
struct CompatRequest {
  std::string provider;  // before the first '/' of `model`
  std::string model;     // after it: the provider's own model name
  bool stream = false;
  bool client_asked_usage = false;  // stream_options.include_usage
};

// GET /models on the compat route.
bool is_compat_models(const Exchange& x, const route::Target& t);
awaitable<void> send_compat_models(Exchange& x);

// Validates method and path, reads `model` and picks the upstream (t.upstream). 400 with an
// OpenAI-style error for a missing or unknown provider/model.
Result<bool> compat_route(Exchange& x, route::Target& t, CompatRequest& c);

// Step 0 for c.provider/c.model plus one step per configured fallback of it
// ([gateways.X.fallbacks], the same rules native calls use).
Result<bool> compat_steps(Exchange& x, const route::Target& t, const CompatRequest& c,
                          std::vector<Step>& out);

// The answer of a translated step, in OpenAI's shape: a stream translated event by event as it
// arrives, anything else (answers, provider errors) read whole and translated (compat_answer.cc).
awaitable<void> translated_answer(Exchange& x, Clock::time_point total_end);

}  // namespace parapet::pipeline
