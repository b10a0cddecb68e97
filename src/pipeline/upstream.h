// The upstream phase (docs/reliability.md): one request becomes an ordered list of steps, each an
// upstream + path + headers + body; each step is tried up to its attempt count (retries with
// backoff), behind its upstream's circuit breaker, and the first step that answers is streamed
// back. Retries and fallbacks only happen before any byte has gone to the client.
//
// A Step is the seam for translation: a later translator (compat endpoint, OpenAI ↔ Anthropic /
// Gemini) produces steps whose protocol, path, headers and body differ from the client's request;
// the attempt loop does not care where a step came from.
// Thread-safety: the worker's thread, like the Exchange.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cost/cost.h"
#include "pipeline/exchange.h"
#include "reliability/options.h"
#include "route/router.h"
#include "translate/translate.h"

namespace parapet::pipeline {

struct Step {
  const config::Upstream* upstream = nullptr;
  std::optional<Url> owned_url;  // when the host depends on the path (Azure); else the base URL
  std::string path;              // origin-form target, query included
  std::string endpoint;          // native path without the query (records, usage parsing)
  std::string model;             // model asked of this step ("" when unknown)
  providers::Protocol protocol = providers::Protocol::kHttp;
  bool stream = false;      // the step's body asks for a streamed answer
  bool hide_usage = false;  // include_usage was injected into this step's body
  bool own_body = false;    // send `body` instead of the client's
  std::string body;
  // Universal steps carry their own header set, sent instead of the client's end-to-end fields.
  bool own_headers = false;
  std::vector<std::pair<std::string, std::string>> headers;
  // Whether the auth phase's credential swaps apply: they were made for one upstream, and a
  // provider key must never be sent to another provider.
  bool credential_swaps = true;
  // A universal step's own `config`, over the request's settings. Its requestTimeout bounds
  // this step (attempts and waits) within the request's own deadline.
  std::optional<int> max_attempts;
  std::optional<reliability::Millis> retry_delay;
  std::optional<reliability::Backoff> backoff;
  std::optional<reliability::Millis> step_timeout;
  // A compat step to a provider with another wire format: the body and path are the translated
  // request, and the answer is translated back with this plan.
  std::optional<translate::Plan> translation;

  const Url& url() const { return owned_url ? *owned_url : upstream->base_url; }
};

// Whether an OpenAI-shaped upstream may be sent stream_options.include_usage (plan_steps.cc).
bool may_inject_include_usage(const config::Upstream& up);

// Gateway defaults ([gateways.NAME]) overlaid with the request's retry headers (400 when bad).
Result<reliability::RetrySettings> retry_settings(const Exchange& x, std::string_view gateway);

// Step 0 is the routed request as planned; a fallback chain for its provider/model adds one step
// per fallback, the body's `model` rewritten (plan_steps.cc).
Result<bool> native_steps(Exchange& x, route::Target& t, std::vector<Step>& out);

// POST /{gateway}: the JSON array of steps, validated (400), with the gateway token checked on the
// client's headers and virtual keys in each step's headers swapped for provider keys.
Result<bool> universal_steps(Exchange& x, const route::Target& t, std::vector<Step>& out);

// Runs the steps (attempt.cc). Ends with an answer streamed to the client or an error sent.
// report_step: answer with x-parapet-step and record the step (fallback chain or universal).
awaitable<void> proxy(Exchange& x, std::vector<Step>& steps,
                      const reliability::RetrySettings& retry, bool report_step);

// In proxy.cc: streams the answer whose head is in x.scratch.response.
awaitable<void> stream_answer(Exchange& x, providers::Protocol protocol,
                              Clock::time_point total_end);
// What went wrong, preferring the deadline's verdict: a closed socket after expiry is a timeout.
Error upstream_failure(const Exchange& x, const Error& e);

}  // namespace parapet::pipeline
