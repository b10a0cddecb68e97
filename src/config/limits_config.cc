// [[gateways.NAME.limits]] and [[gateways.NAME.budgets]] → limits::Rule (docs/limits.md). The
// TOML is read into the same RuleSpec the admin API fills, and limits::build_rule() validates it.
#include <toml++/toml.h>

#include "config/config.h"

namespace parapet::config {

namespace {

Error config_error(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

// A string field; whole numbers are accepted too for counts (requests = 100).
Result<bool> read_field(const toml::table& t, const std::string& where, std::string_view key,
                        bool numbers_ok, std::string& out) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if (auto* sv = n->as_string()) {
    out = sv->get();
    return true;
  }
  if (auto* iv = n->as_integer(); iv && numbers_ok) {
    out = std::to_string(iv->get());
    return true;
  }
  return config_error(where + " " + std::string(key) +
                      (numbers_ok ? " must be a whole number" : " must be a string"));
}

}  // namespace

Result<bool> read_limit_rules(Snapshot& s, const std::string& gateway, const toml::table& gt) {
  for (std::string_view kind : {"limits", "budgets"}) {
    const toml::node* n = gt.get(kind);
    if (!n) continue;
    std::string where = "[[gateways." + gateway + "." + std::string(kind) + "]]";
    auto* arr = n->as_array();
    if (!arr) return config_error(where + " must be an array of tables");
    for (const auto& el : *arr) {
      auto* t = el.as_table();
      if (!t) return config_error(where + " entries must be tables");
      limits::RuleSpec spec;
      spec.gateway = gateway;
      bool rate = kind == "limits";
      using Field = std::pair<std::string_view, std::string limits::RuleSpec::*>;
      std::vector<Field> fields{{"id", &limits::RuleSpec::id}, {"scope", &limits::RuleSpec::scope}};
      if (rate) {
        fields.insert(fields.end(), {{"requests", &limits::RuleSpec::requests},
                                     {"tokens", &limits::RuleSpec::tokens},
                                     {"window", &limits::RuleSpec::window},
                                     {"kind", &limits::RuleSpec::kind}});
      } else {
        fields.insert(fields.end(), {{"limit_usd", &limits::RuleSpec::limit_usd},
                                     {"period", &limits::RuleSpec::period},
                                     {"max_output_tokens", &limits::RuleSpec::max_output_tokens}});
      }
      for (auto&& [k, v] : *t) {
        bool known = false;
        for (const auto& f : fields) known = known || f.first == k.str();
        if (!known) {
          return config_error("unknown key '" + std::string(k.str()) + "' in " + where);
        }
      }
      for (const auto& [key, member] : fields) {
        bool numbers = key == "requests" || key == "tokens" || key == "max_output_tokens";
        PARAPET_TRY(read_field(*t, where, key, numbers, spec.*member));
      }
      auto rule = limits::build_rule(std::move(spec), rate ? "rate" : "budget");
      if (!rule) return config_error(where + ": " + rule.error().message);
      for (const auto& other : s.limit_rules) {
        if (other.id == rule->id) {
          return config_error(where + ": rule id '" + rule->id + "' is used twice");
        }
      }
      rule->origin = "config";
      s.limit_rules.push_back(std::move(*rule));
    }
  }
  return true;
}

}  // namespace parapet::config
