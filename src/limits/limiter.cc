#include "limits/limiter.h"

#include <algorithm>

#include "cost/decimal.h"
#include "limits/window.h"

namespace parapet::limits {

namespace {

int64_t ceil_s(int64_t ms) { return std::max<int64_t>(1, (ms + 999) / 1000); }

std::string rate_headers(int64_t limit, int64_t remaining, int64_t reset_ms, int64_t retry_ms) {
  std::string h;
  h += "retry-after: " + std::to_string(ceil_s(retry_ms)) + "\r\n";
  h += "x-ratelimit-limit: " + std::to_string(limit) + "\r\n";
  h += "x-ratelimit-remaining: " + std::to_string(std::max<int64_t>(0, remaining)) + "\r\n";
  h += "x-ratelimit-reset: " + std::to_string(ceil_s(reset_ms)) + "\r\n";
  return h;
}

std::string window_text(const Rule& r) {
  return std::string(r.window_kind == WindowKind::kSliding ? "sliding " : "") + r.spec.window;
}

}  // namespace

std::string usd(int64_t micros) {
  if (micros < 0) return "-$" + cost::format_scaled(-micros, 6, 2);
  return "$" + cost::format_scaled(micros, 6, 2);
}

Result<int64_t> worst_case_micros(const CostBasis& b, const Rule& rule) {
  Usage u;
  u.input = b.prompt_tokens;
  u.output = b.max_output_tokens > 0 ? b.max_output_tokens : rule.max_output_tokens;
  if (b.custom) return cost::cost_micros(u, *b.custom);
  if (!b.price) {
    return make_error(ErrorCode::kForbidden,
                      "budget '" + rule.id + "' applies but model '" + b.model +
                          "' has no price; send x-parapet-custom-cost or add the model to "
                          "[cost] price_file");
  }
  // Prompt tokens written to a provider cache (Anthropic) cost more than plain input: the worst
  // case is the dearer of the two readings.
  int64_t as_input = cost::cost_micros(u, *b.price);
  Usage w = u;
  w.cache_write = w.input;
  w.input = 0;
  return std::max(as_input, cost::cost_micros(w, *b.price));
}

void Limiter::undo(Ticket& t, const std::vector<std::pair<RateCounter*, int64_t>>& counted) {
  for (const auto& [c, w] : counted) c->add(slot_, w, -1);
  for (const auto& h : t.holds) h.account->settle(h.reserved, 0);
  t.tokens.clear();
  t.holds.clear();
}

std::optional<Refusal> Limiter::admit(const RuleSet& rules, const RequestFacts& facts,
                                      const CostBasis& basis, int64_t now_ms, Ticket& t) {
  std::vector<std::pair<RateCounter*, int64_t>> counted;
  for (const Rule& r : rules.rules) {
    if (r.gateway != facts.gateway) continue;
    std::string value = scope_value(r.scope, facts);
    if (r.kind == RuleKind::kRate) {
      RateCounter* c = local_.rate(state_, r.id, value);
      int64_t w = window_index(now_ms, r.window_ms);
      int64_t reset_ms = (w + 1) * r.window_ms - now_ms;
      int64_t prev = 0, cur = 0;
      bool ok;
      if (r.metric == Metric::kRequests) {
        ok = c->try_add(slot_, w, r.window_kind, r.limit, 1, now_ms, r.window_ms, &prev, &cur);
        if (ok) counted.emplace_back(c, w);
      } else {
        c->totals(w, &prev, &cur);
        // Tokens are known only after the answer: refuse once the window is spent.
        ok = fits(r.window_kind, prev, cur, 1, r.limit, now_ms, r.window_ms);
        if (ok) t.tokens.push_back({c, r.window_ms});
      }
      if (ok) continue;
      c->refused.fetch_add(1, std::memory_order_relaxed);
      int64_t used_now = used(r.window_kind, prev, cur, now_ms, r.window_ms);
      int64_t retry = retry_after_ms(r.window_kind, prev, cur, 1, r.limit, now_ms, r.window_ms);
      Refusal out;
      out.error = make_error(ErrorCode::kRateLimited,
                             "rate limit '" + r.id + "' (" + scope_name(r.scope) + "=" + value +
                                 "): " + std::to_string(r.limit) +
                                 (r.metric == Metric::kRequests ? " requests" : " tokens") +
                                 " per " + window_text(r) + ", " +
                                 std::to_string(std::min(used_now, r.limit)) + " used");
      out.headers = rate_headers(r.limit, r.limit - used_now, reset_ms, retry);
      undo(t, counted);
      return out;
    }
    // Budget. Requests that name no model (model lists, plain HTTP origins) and carry no custom
    // cost are not model calls: nothing to charge, so nothing to reserve.
    if (basis.model.empty() && !basis.custom) continue;
    auto worst = worst_case_micros(basis, r);
    if (!worst) {
      undo(t, counted);
      return Refusal{worst.error(), {}};
    }
    int64_t period = period_index(r.period, now_ms);
    BudgetAccount* a = local_.budget(state_, r.id, value, period);
    int64_t seen = 0;
    if (a->reserve(*worst, r.limit_micros, &seen)) {
      t.holds.push_back({a, *worst});
      continue;
    }
    a->refused.fetch_add(1, std::memory_order_relaxed);
    int64_t in_flight = a->in_flight();
    int64_t spent = seen - in_flight;
    int64_t end_ms = period_start_ms(r.period, period + 1);
    Refusal out;
    out.error = make_error(ErrorCode::kBudgetExceeded,
                           "budget '" + r.id + "' (" + scope_name(r.scope) + "=" + value +
                               ", per " + (r.period == Period::kDay ? "day" : "month") +
                               " UTC): limit " + usd(r.limit_micros) + ", spent " + usd(spent) +
                               ", reserved by requests in flight " + usd(in_flight) +
                               ", remaining " + usd(std::max<int64_t>(0, r.limit_micros - seen)) +
                               "; this request may cost up to " + usd(*worst));
    out.headers = "retry-after: " + std::to_string(ceil_s(end_ms - now_ms)) + "\r\n";
    undo(t, counted);
    return out;
  }
  return std::nullopt;
}

void Limiter::finish(Ticket& t, int64_t tokens, int64_t cost_micros, int64_t now_ms) {
  if (tokens > 0) {
    for (const auto& k : t.tokens) {
      k.counter->add(slot_, window_index(now_ms, k.window_ms), tokens);
    }
  }
  for (const auto& h : t.holds) h.account->settle(h.reserved, std::max<int64_t>(0, cost_micros));
  t.tokens.clear();
  t.holds.clear();
}

}  // namespace parapet::limits
