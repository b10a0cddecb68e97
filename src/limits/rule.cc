#include "limits/rule.h"

#include <charconv>

#include "cost/decimal.h"

namespace parapet::limits {

namespace {

Error bad(const RuleSpec& s, std::string what) {
  return make_error(ErrorCode::kBadRequest,
                    "limit rule '" + s.id + "' (gateway " + s.gateway + "): " + std::move(what));
}

Result<int64_t> parse_count(std::string_view text, int64_t max) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1 || v > max) {
    return make_error(
        ErrorCode::kBadRequest,
        "'" + std::string(text) + "' is not a whole number in [1, " + std::to_string(max) + "]");
  }
  return v;
}

}  // namespace

bool valid_rule_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<int64_t> parse_duration_ms(std::string_view t) {
  size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  std::string_view unit = t.substr(digits);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + digits, n);
  int64_t mul = 0;
  if (unit == "ms") mul = 1;
  if (unit == "s") mul = 1000;
  if (unit == "m") mul = 60'000;
  if (unit == "h") mul = 3'600'000;
  if (unit == "d") mul = 86'400'000;
  constexpr int64_t kMax = 31LL * 86'400'000;
  if (digits == 0 || ec != std::errc() || mul == 0 || n < 1 || n > kMax / mul) {
    return make_error(ErrorCode::kBadRequest, "window '" + std::string(t) +
                                                  "' must be a number and a unit (ms, s, m, h, "
                                                  "d), from 1ms to 31d");
  }
  return n * mul;
}

Result<Scope> parse_scope(std::string_view t) {
  Scope s;
  if (t == "gateway" || t.empty()) return s;
  if (t == "key") {
    s.kind = ScopeKind::kKey;
    return s;
  }
  if (t == "ip") {
    s.kind = ScopeKind::kIp;
    return s;
  }
  constexpr std::string_view kMeta = "metadata.";
  if (t.starts_with(kMeta) && t.size() > kMeta.size() && t.size() <= kMeta.size() + 64) {
    s.kind = ScopeKind::kMetadata;
    s.field = t.substr(kMeta.size());
    if (s.field.find('.') == std::string::npos) return s;
  }
  return make_error(ErrorCode::kBadRequest,
                    "scope '" + std::string(t) + "' must be gateway, key, ip or metadata.FIELD");
}

std::string scope_name(const Scope& s) {
  switch (s.kind) {
    case ScopeKind::kGateway:
      return "gateway";
    case ScopeKind::kKey:
      return "key";
    case ScopeKind::kIp:
      return "ip";
    case ScopeKind::kMetadata:
      return "metadata." + s.field;
  }
  return "gateway";
}

std::string_view kind_name(RuleKind k) { return k == RuleKind::kRate ? "rate" : "budget"; }

Result<Rule> build_rule(RuleSpec spec, std::string_view kind_hint) {
  Rule r;
  if (!valid_rule_id(spec.id)) {
    return bad(spec, "id must be 1-64 characters of [A-Za-z0-9-_.]");
  }
  if (spec.gateway.empty()) return bad(spec, "no gateway");
  bool budget_fields = !spec.limit_usd.empty() || !spec.period.empty();
  bool rate_fields = !spec.requests.empty() || !spec.tokens.empty() || !spec.window.empty();
  if (kind_hint.empty()) kind_hint = budget_fields ? "budget" : "rate";
  if (kind_hint != "rate" && kind_hint != "budget") return bad(spec, "kind is rate or budget");
  r.kind = kind_hint == "rate" ? RuleKind::kRate : RuleKind::kBudget;
  auto scope = parse_scope(spec.scope);
  if (!scope) return bad(spec, scope.error().message);
  r.scope = *scope;
  r.id = spec.id;
  r.gateway = spec.gateway;
  if (r.kind == RuleKind::kRate) {
    if (budget_fields || !spec.max_output_tokens.empty()) {
      return bad(spec, "limit_usd, period and max_output_tokens belong to budgets");
    }
    if (spec.requests.empty() == spec.tokens.empty()) {
      return bad(spec, "give exactly one of requests or tokens");
    }
    r.metric = spec.requests.empty() ? Metric::kTokens : Metric::kRequests;
    auto n =
        parse_count(r.metric == Metric::kRequests ? spec.requests : spec.tokens, int64_t{1} << 34);
    if (!n) return bad(spec, n.error().message);
    r.limit = *n;
    if (spec.window.empty()) return bad(spec, "no window (e.g. \"60s\")");
    auto w = parse_duration_ms(spec.window);
    if (!w) return bad(spec, w.error().message);
    r.window_ms = *w;
    if (spec.kind == "sliding") {
      r.window_kind = WindowKind::kSliding;
    } else if (spec.kind.empty() || spec.kind == "fixed") {
      r.window_kind = WindowKind::kFixed;
    } else {
      return bad(spec, "kind must be fixed or sliding");
    }
  } else {
    if (rate_fields || !spec.kind.empty()) {
      return bad(spec, "requests, tokens, window and kind belong to rate limits");
    }
    if (spec.limit_usd.empty()) return bad(spec, "no limit_usd (e.g. \"25.00\")");
    // Up to $1e9 in micro-dollars: far below int64 even with every in-flight reservation added.
    auto m = cost::parse_scaled_decimal(spec.limit_usd, 6, false, int64_t{1'000'000'000'000'000});
    if (!m || *m <= 0) return bad(spec, "limit_usd must be a positive decimal such as \"25.00\"");
    r.limit_micros = *m;
    if (spec.period == "day" || spec.period.empty()) {
      r.period = Period::kDay;
    } else if (spec.period == "month") {
      r.period = Period::kMonth;
    } else {
      return bad(spec, "period must be day or month");
    }
    if (!spec.max_output_tokens.empty()) {
      auto n = parse_count(spec.max_output_tokens, 10'000'000);
      if (!n) return bad(spec, "max_output_tokens: " + n.error().message);
      r.max_output_tokens = *n;
    }
  }
  r.spec = std::move(spec);
  return r;
}

}  // namespace parapet::limits
