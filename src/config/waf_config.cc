// [gateways.NAME.waf] → GatewayWaf (docs/waf.md "Configuration"):
//   mode = "block" | "log" | "off"        caps every match (default block)
//   body = "block" | "log"                caps body matches (default: origins block, AI log)
//   [[gateways.NAME.waf.overrides]] id = "sqli-basic", action = "log"
#include <toml++/toml.h>

#include "config/config.h"

namespace parapet::config {

namespace {

Error config_error(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed) {
    if (v == a) return true;
  }
  return false;
}

}  // namespace

Result<bool> read_gateway_waf(Snapshot& s, const std::string& gateway, const toml::table& gt) {
  const toml::node* n = gt.get("waf");
  if (!n) return true;
  std::string where = "[gateways." + gateway + ".waf]";
  auto* t = n->as_table();
  if (!t) return config_error(where + " must be a table");
  GatewayWaf w;
  w.gateway = gateway;
  for (auto&& [k, v] : *t) {
    std::string key(k.str());
    if (key == "mode" || key == "body") {
      auto* str = v.as_string();
      if (!str) return config_error(where + " " + key + " must be a string");
      std::string val = str->get();
      if (key == "mode" && !one_of(val, {"block", "log", "off"})) {
        return config_error(where + " mode must be block, log or off (got '" + val + "')");
      }
      if (key == "body" && !one_of(val, {"block", "log"})) {
        return config_error(where + " body must be block or log (got '" + val + "')");
      }
      (key == "mode" ? w.mode : w.body) = val;
    } else if (key == "overrides") {
      auto* arr = v.as_array();
      if (!arr) return config_error("[[gateways." + gateway + ".waf.overrides]] must be tables");
      for (const auto& el : *arr) {
        auto* o = el.as_table();
        if (!o) return config_error("[[gateways." + gateway + ".waf.overrides]] must be tables");
        std::string id, action;
        for (auto&& [ok, ov] : *o) {
          auto* str = ov.as_string();
          if ((ok.str() != "id" && ok.str() != "action") || !str) {
            return config_error("[[gateways." + gateway +
                                ".waf.overrides]] takes id and action (strings)");
          }
          (ok.str() == "id" ? id : action) = str->get();
        }
        if (id.empty() || !one_of(action, {"block", "log", "off"})) {
          return config_error("[[gateways." + gateway +
                              ".waf.overrides]] needs id and action = block | log | off");
        }
        w.overrides.emplace_back(std::move(id), std::move(action));
      }
    } else {
      return config_error("unknown key '" + key + "' in " + where);
    }
  }
  s.gateway_waf.push_back(std::move(w));
  return true;
}

const GatewayWaf* Snapshot::waf_for(std::string_view gateway) const {
  for (const auto& w : gateway_waf) {
    if (w.gateway == gateway) return &w;
  }
  return nullptr;
}

}  // namespace parapet::config
