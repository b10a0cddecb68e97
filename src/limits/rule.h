// Rate-limit and budget rules: what they say and how they are read from config, the admin API and
// control.db (docs/limits.md). Every source fills a RuleSpec with the text the operator wrote and
// build_rule() is the one validation, so a rule means the same wherever it was declared.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace parapet::limits {

enum class RuleKind : uint8_t { kRate, kBudget };
enum class ScopeKind : uint8_t { kGateway, kKey, kIp, kMetadata };
enum class Metric : uint8_t { kRequests, kTokens };
enum class WindowKind : uint8_t { kFixed, kSliding };
enum class Period : uint8_t { kDay, kMonth };

struct Scope {
  ScopeKind kind = ScopeKind::kGateway;
  std::string field;  // kMetadata: the x-parapet-metadata member read
};

// What an operator writes, field by field (TOML keys, JSON members and control.db columns are the
// same names). Empty means "not given".
struct RuleSpec {
  std::string id, gateway, scope;
  std::string requests, tokens, window, kind;  // rate limits; kind: fixed | sliding
  std::string limit_usd, period;               // budgets; period: day | month
  std::string max_output_tokens;               // budgets: reservation when the body names none
};

struct Rule {
  std::string id;
  std::string gateway;
  RuleKind kind = RuleKind::kRate;
  Scope scope;
  // kRate
  Metric metric = Metric::kRequests;
  int64_t limit = 0;  // requests or tokens per window
  int64_t window_ms = 0;
  WindowKind window_kind = WindowKind::kFixed;
  // kBudget
  int64_t limit_micros = 0;
  Period period = Period::kDay;
  int64_t max_output_tokens = kDefaultMaxOutputTokens;
  std::string origin;  // "config" | "admin"
  RuleSpec spec;       // as written, for listings and persistence

  static constexpr int64_t kDefaultMaxOutputTokens = 4096;
};

// Validates a spec for gateway spec.gateway. kind_hint: "rate" or "budget" ("" infers it from the
// fields: limit_usd makes a budget). Errors are kBadRequest naming the rule and the field.
Result<Rule> build_rule(RuleSpec spec, std::string_view kind_hint);

// "60s", "500ms", "15m", "1h", "1d" → milliseconds (1 ms .. 31 days).
Result<int64_t> parse_duration_ms(std::string_view text);
Result<Scope> parse_scope(std::string_view text);
std::string scope_name(const Scope& s);
std::string_view kind_name(RuleKind k);

// Ids: 1-64 characters of [A-Za-z0-9-_.]; they key the counters, so they must be stable.
bool valid_rule_id(std::string_view id);

}  // namespace parapet::limits
