#include "waf/rule.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "waf/detectors.h"
#include "waf/normalize.h"

namespace parapet::waf {

extern const char kManagedRulesToml[];
extern const std::size_t kManagedRulesTomlSize;

namespace {

Error rule_error(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// Reads an array of strings (a single string is accepted as a one-element array).
Result<std::vector<std::string>> strings(const toml::node& n, const std::string& where) {
  std::vector<std::string> out;
  if (auto* s = n.as_string()) {
    out.push_back(s->get());
    return out;
  }
  auto* arr = n.as_array();
  if (!arr) return rule_error(where + " must be a string or an array of strings");
  for (const auto& e : *arr) {
    auto* s = e.as_string();
    if (!s) return rule_error(where + " must contain only strings");
    out.push_back(s->get());
  }
  return out;
}

Result<Rule> parse_rule(const toml::table& t, const std::string& where) {
  static constexpr std::string_view kKeys[] = {"id",       "description", "targets",  "transforms",
                                               "pattern",  "patterns",    "detector", "action",
                                               "severity", "applies_to"};
  Rule r;
  r.transforms = kNormal;
  for (auto&& [k, v] : t) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k.str()) == std::end(kKeys)) {
      return rule_error(where + ": unknown key '" + std::string(k.str()) + "'");
    }
  }
  auto str = [&](std::string_view key, std::string& out, bool required) -> Result<bool> {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) return rule_error(where + ": missing '" + std::string(key) + "'");
      return false;
    }
    auto* s = n->as_string();
    if (!s) return rule_error(where + ": '" + std::string(key) + "' must be a string");
    out = s->get();
    return true;
  };
  PARAPET_TRY(str("id", r.id, true));
  if (!valid_id(r.id)) {
    return rule_error(where + ": id '" + r.id + "' must be 1-64 characters of [A-Za-z0-9._-]");
  }
  std::string w = where + " (id '" + r.id + "')";
  PARAPET_TRY(str("description", r.description, false));
  if (const toml::node* n = t.get("targets")) {
    auto list = strings(*n, w + ": targets");
    if (!list) return list.error();
    r.targets = 0;
    for (const auto& s : *list) {
      if (s == "uri") {
        r.targets |= kUri;
      } else if (s == "query") {
        r.targets |= kQuery;
      } else if (s == "headers") {
        r.targets |= kHeaders;
      } else if (s == "body") {
        r.targets |= kBody;
      } else {
        return rule_error(w + ": unknown target '" + s + "' (expected uri, query, headers, body)");
      }
    }
    if (r.targets == 0) return rule_error(w + ": targets must not be empty");
  }
  if (const toml::node* n = t.get("transforms")) {
    auto list = strings(*n, w + ": transforms");
    if (!list) return list.error();
    r.transforms = 0;
    for (const auto& s : *list) {
      if (s == "url_decode") {
        r.transforms |= kUrl;
      } else if (s == "html_decode") {
        r.transforms |= kHtml;
      } else if (s == "js_decode") {
        r.transforms |= kJs;
      } else if (s == "compress_whitespace") {
        r.transforms |= kCompress;
      } else if (s != "none" && s != "lowercase") {
        return rule_error(w + ": unknown transform '" + s +
                          "' (expected url_decode, html_decode, js_decode, compress_whitespace, "
                          "none)");
      }
    }
  }
  std::string detector;
  PARAPET_TRY(str("detector", detector, false));
  if (const toml::node* n = t.get("pattern")) {
    auto* s = n->as_string();
    if (!s) return rule_error(w + ": 'pattern' must be a string");
    r.patterns.push_back(s->get());
  }
  if (const toml::node* n = t.get("patterns")) {
    auto list = strings(*n, w + ": patterns");
    if (!list) return list.error();
    for (auto& p : *list) r.patterns.push_back(std::move(p));
  }
  if (!detector.empty()) {
    if (!r.patterns.empty())
      return rule_error(w + ": give either detector or pattern(s), not both");
    r.detector = find_detector(detector);
    if (!r.detector) {
      return rule_error(w + ": unknown detector '" + detector +
                        "' (expected log4shell, shellshock, traversal)");
    }
  } else if (r.patterns.empty()) {
    return rule_error(w + ": needs a pattern, patterns or a detector");
  }
  for (auto& p : r.patterns) {
    if (p.empty()) return rule_error(w + ": empty pattern");
    if (p.size() > 256) return rule_error(w + ": pattern longer than 256 bytes");
    fold_ascii(p);
  }
  std::string action = "block", severity = "high", applies = "all";
  PARAPET_TRY(str("action", action, false));
  if (!parse_action(action, r.action)) {
    return rule_error(w + ": action '" + action + "' (expected block, log, off)");
  }
  PARAPET_TRY(str("severity", severity, false));
  if (severity == "low") {
    r.severity = Severity::kLow;
  } else if (severity == "medium") {
    r.severity = Severity::kMedium;
  } else if (severity == "high") {
    r.severity = Severity::kHigh;
  } else if (severity == "critical") {
    r.severity = Severity::kCritical;
  } else {
    return rule_error(w + ": severity '" + severity + "' (expected low, medium, high, critical)");
  }
  PARAPET_TRY(str("applies_to", applies, false));
  if (applies == "all") {
    r.applies_to = AppliesTo::kAll;
  } else if (applies == "origins") {
    r.applies_to = AppliesTo::kOrigins;
  } else if (applies == "ai") {
    r.applies_to = AppliesTo::kAi;
  } else {
    return rule_error(w + ": applies_to '" + applies + "' (expected all, origins, ai)");
  }
  return r;
}

}  // namespace

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kBlock:
      return "block";
    case Action::kLog:
      return "log";
    default:
      return "off";
  }
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    default:
      return "critical";
  }
}

std::string_view target_name(Target t) {
  switch (t) {
    case kUri:
      return "uri";
    case kQuery:
      return "query";
    case kHeaders:
      return "headers";
    default:
      return "body";
  }
}

std::string_view applies_name(AppliesTo a) {
  switch (a) {
    case AppliesTo::kOrigins:
      return "origins";
    case AppliesTo::kAi:
      return "ai";
    default:
      return "all";
  }
}

bool parse_action(std::string_view s, Action& out) {
  if (s == "block") {
    out = Action::kBlock;
  } else if (s == "log") {
    out = Action::kLog;
  } else if (s == "off") {
    out = Action::kOff;
  } else {
    return false;
  }
  return true;
}

Result<std::vector<Rule>> parse_rules(std::string_view text, std::string_view origin) {
  std::string o(origin);
  toml::table root;
  try {
    root = toml::parse(text, o);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << o << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return rule_error(msg.str());
  }
  for (auto&& [k, v] : root) {
    if (k.str() != "version" && k.str() != "rule" && k.str() != "description") {
      return rule_error(o + ": unknown top-level key '" + std::string(k.str()) +
                        "' (expected version, description, [[rule]])");
    }
  }
  auto* version = root.get("version");
  if (!version) return rule_error(o + ": missing 'version = 1'");
  auto* vi = version->as_integer();
  if (!vi || vi->get() != kRuleFileVersion) {
    return rule_error(o + ": unsupported rule file version (this Parapet reads version = 1)");
  }
  std::vector<Rule> out;
  if (auto* n = root.get("rule")) {
    auto* arr = n->as_array();
    if (!arr) return rule_error(o + ": 'rule' must be an array of tables ([[rule]])");
    for (size_t i = 0; i < arr->size(); ++i) {
      auto* t = (*arr)[i].as_table();
      std::string where = o + ": rule " + std::to_string(i + 1);
      if (!t) return rule_error(where + " is not a table");
      auto r = parse_rule(*t, where);
      if (!r) return r.error();
      for (const auto& prev : out) {
        if (prev.id == r->id) return rule_error(where + ": duplicate id '" + r->id + "'");
      }
      out.push_back(std::move(*r));
    }
  }
  return out;
}

const std::vector<Rule>& managed_rules() {
  static const std::vector<Rule> rules = [] {
    auto r = parse_rules(managed_rules_text(), "data/waf_rules.toml");
    std::vector<Rule> out;
    if (r) out = std::move(*r);  // a broken built-in file fails its unit test
    for (auto& x : out) x.managed = true;
    return out;
  }();
  return rules;
}

std::string_view managed_rules_text() {
  return std::string_view(kManagedRulesToml, kManagedRulesTomlSize);
}

}  // namespace parapet::waf
