// inspect(): one request through a RuleSet. Each request part is normalized once per transform
// group, prefiltered with the group's literals, and confirmed by the rule's literal or detector.
//
// Policy (docs/waf.md "Defaults"): a rule's action, then the gateway's per-rule override, then the
// caps: `mode` caps everything (log: nothing blocks; off: nothing runs), `body` caps matches in
// bodies. Plain HTTP origins default to body = block; AI provider routes to body = log (prompts
// quote code and attacks; research §0.3). Rules with applies_to = origins | ai run only there.
// Thread-safety: pure given its arguments; the Scanner is the caller's (one per thread).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "waf/rule.h"
#include "waf/ruleset.h"

namespace parapet::waf {

enum class RouteKind : uint8_t { kOrigin, kAi };

struct Field {
  std::string_view name, value;
};

// The parts of a request the WAF reads; views into the request, valid during inspect().
struct Request {
  std::string_view path;   // without the query
  std::string_view query;  // without '?'
  std::span<const Field> headers;
  std::string_view body;
};

struct Policy {
  RouteKind route = RouteKind::kOrigin;
  Action mode = Action::kBlock;  // cap for every match; kOff skips inspection
  std::optional<Action> body;    // cap for body matches; unset: the route kind's default
  std::vector<std::pair<std::string, Action>> overrides;  // rule id → action
};

struct Match {
  std::string rule_id;
  Target target = kUri;
  std::string name;     // query parameter, header or JSON member name; "" for uri and raw bodies
  std::string excerpt;  // normalized text around the match, neutralized (waf/normalize.h)
  std::string detail;   // detector's note ("jndi lookup"), or the literal that matched
  Action action = Action::kLog;  // after policy
  Severity severity = Severity::kHigh;
};

struct Verdict {
  std::vector<Match> matches;    // at most one per rule, at most kMaxMatches
  Action action = Action::kOff;  // the strongest action among matches (kOff: nothing matched)
  const Match* blocking() const;
};

inline constexpr size_t kMaxMatches = 16;

Verdict inspect(const RuleSet& set, const Request& req, const Policy& policy, Scanner& scanner);

// "rule@target:name" for each match, comma-separated (the record's waf_rules field).
std::string summarize(const Verdict& v);

}  // namespace parapet::waf
