// Limits phase: the rules and counters are limits/; this gathers what they need from the exchange
// (scope facts, the worst case of the request) and applies the verdict.
//
// Worst case of a request, for budgets (docs/limits.md "Reservations"):
//   prompt ≤ body bytes: byte-level BPE tokenizers (OpenAI, Anthropic, Llama) and SentencePiece
//     with byte fallback (Gemini) never make more tokens than the UTF-8 bytes they read, and the
//     JSON body holds the prompt text plus syntax and escapes, so its size bounds the text's
//     tokens. (Images and files passed by URL are the exception: their tokens are not in the body.)
//   output ≤ max_tokens / max_completion_tokens / max_output_tokens /
//     generationConfig.maxOutputTokens from the body, else the budget's max_output_tokens.
#include <chrono>

#include "limits/limiter.h"
#include "pipeline/phases.h"
#include "providers/json_probe.h"

namespace parapet::pipeline {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t requested_max_output(std::string_view body) {
  static constexpr std::string_view kPaths[] = {"max_tokens", "max_completion_tokens",
                                                "max_output_tokens",
                                                "generationConfig.maxOutputTokens"};
  providers::json::Value v[std::size(kPaths)];
  if (body.empty() || !providers::json::probe(body, false, kPaths, v)) return 0;
  for (const auto& x : v) {
    if (x.count() > 0) return x.count();
  }
  return 0;
}

}  // namespace

Result<bool> check_limits(Exchange& x, const std::optional<cost::CustomCost>& custom_cost,
                          limits::Limiter::Ticket& ticket) {
  if (!x.env.limits || !x.env.limiter) return true;
  const limits::RuleSet& rules = x.env.limits_view.get(*x.env.limits);
  const observe::RequestRecord& r = x.record;
  if (!rules.any_for(r.gateway)) return true;
  limits::RequestFacts facts{r.gateway, r.key_id, r.client_ip, r.metadata_json};
  limits::CostBasis basis;
  // The body is read for a maximum only when a budget will use it.
  if (rules.any_budget_for(r.gateway)) {
    basis.prompt_tokens = static_cast<int64_t>(x.body.size());
    basis.max_output_tokens = requested_max_output(x.body);
    basis.custom = custom_cost;
    basis.model = r.model_requested;
    if (!basis.model.empty()) basis.price = x.cfg.prices->find(r.provider, basis.model);
  }
  auto refused = x.env.limiter->admit(rules, facts, basis, now_ms(), ticket);
  if (!refused) return true;
  x.local_headers = std::move(refused->headers);
  return std::move(refused->error);
}

void finish_limits(Exchange& x, limits::Limiter::Ticket& ticket) {
  if (ticket.empty() || !x.env.limiter) return;
  const Usage& u = x.record.usage;
  int64_t tokens = u.input + u.cached_read + u.cache_write + u.output;
  x.env.limiter->finish(ticket, tokens, x.record.cost_micros, now_ms());
}

}  // namespace parapet::pipeline
