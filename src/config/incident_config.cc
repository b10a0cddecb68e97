// [incident] (docs/incidents.md): lifecycle timings, detector thresholds and notification
// destinations. Unknown keys are errors.
#include <toml++/toml.h>

#include "config/config.h"

namespace parapet::config {

namespace {

Error err(const std::string& at, const std::string& m) {
  return make_error(ErrorCode::kBadRequest, "[" + at + "] " + m);
}

template <class T>
Result<bool> num(const toml::table& t, const std::string& at, std::string_view key, T& out,
                 double min, double max) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  double v;
  if (auto* i = n->as_integer()) {
    v = static_cast<double>(i->get());
  } else if (auto* f = n->as_floating_point(); f && std::is_floating_point_v<T>) {
    v = f->get();
  } else {
    return err(at, std::string(key) + " must be a number");
  }
  if (v < min || v > max) {
    return err(at, std::string(key) + " must be in [" + std::to_string(min) + ", " +
                       std::to_string(max) + "]");
  }
  out = static_cast<T>(v);
  return true;
}

Result<bool> flag(const toml::table& t, const std::string& at, std::string_view key, bool& out) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  auto* b = n->as_boolean();
  if (!b) return err(at, std::string(key) + " must be true or false");
  out = b->get();
  return true;
}

Result<bool> only(const toml::table& t, const std::string& at,
                  std::initializer_list<std::string_view> keys) {
  for (auto&& [k, v] : t) {
    bool ok = false;
    for (auto a : keys) ok = ok || k.str() == a;
    if (!ok) return err(at, "has unknown key '" + std::string(k.str()) + "'");
  }
  return true;
}

const toml::table* sub(const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  return n ? n->as_table() : nullptr;
}

constexpr double kDay = 86'400'000.0 * 7;

}  // namespace

Result<bool> read_incident(Snapshot& s, const toml::table& root) {
  const toml::node* n = root.get("incident");
  if (!n) return true;
  const toml::table* t = n->as_table();
  if (!t) return err("incident", "must be a table");
  incident::Options& o = s.incident;
  o.enabled = true;
  PARAPET_TRY(
      only(*t, "incident",
           {"enabled", "auto_decline_ms", "auto_declare_ms", "evaluate_ms", "default_severity",
            "call_link", "max_attempts", "retry_base_ms", "impact_lead_ms", "error_rate",
            "traffic_surge", "spend_burn", "waf_surge", "circuit_open", "notify"}));
  PARAPET_TRY(flag(*t, "incident", "enabled", o.enabled));
  PARAPET_TRY(num(*t, "incident", "auto_decline_ms", o.auto_decline_ms, 0, kDay));
  PARAPET_TRY(num(*t, "incident", "auto_declare_ms", o.auto_declare_ms, 0, kDay));
  PARAPET_TRY(num(*t, "incident", "evaluate_ms", o.evaluate_ms, 10, 600'000));
  PARAPET_TRY(num(*t, "incident", "default_severity", o.default_severity, 1, 5));
  PARAPET_TRY(num(*t, "incident", "max_attempts", o.max_attempts, 1, 100));
  PARAPET_TRY(num(*t, "incident", "retry_base_ms", o.retry_base_ms, 1, 3'600'000));
  PARAPET_TRY(num(*t, "incident", "impact_lead_ms", o.impact_lead_ms, 0, kDay));
  if (const toml::node* c = t->get("call_link")) {
    auto* str = c->as_string();
    if (!str) return err("incident", "call_link must be a string");
    o.call_link = str->get();
  }
  if (const toml::table* e = sub(*t, "error_rate")) {
    std::string at = "incident.error_rate";
    PARAPET_TRY(only(*e, at, {"enabled", "slo", "bucket_ms", "min_requests", "windows"}));
    PARAPET_TRY(flag(*e, at, "enabled", o.error_rate.enabled));
    PARAPET_TRY(num(*e, at, "slo", o.error_rate.slo, 0.5, 0.99999));
    PARAPET_TRY(num(*e, at, "bucket_ms", o.error_rate.bucket_ms, 10, 3'600'000));
    PARAPET_TRY(num(*e, at, "min_requests", o.error_rate.min_requests, 1, 1e9));
    if (const toml::node* w = e->get("windows")) {
      auto* arr = w->as_array();
      if (!arr || arr->empty()) {
        return err(at, "windows must be an array of [long_ms, short_ms, burn] triples");
      }
      o.error_rate.pairs.clear();
      for (auto&& el : *arr) {
        auto* tri = el.as_array();
        if (!tri || tri->size() != 3)
          return err(at, "windows: each entry is [long_ms, short_ms, burn]");
        incident::BurnPair p;
        auto* l = (*tri)[0].as_integer();
        auto* sh = (*tri)[1].as_integer();
        const toml::node& b = (*tri)[2];
        if (!l || !sh || l->get() < sh->get() || sh->get() < 10) {
          return err(at, "windows: long_ms >= short_ms >= 10 (integers)");
        }
        p.long_ms = l->get();
        p.short_ms = sh->get();
        if (auto* bf = b.as_floating_point()) {
          p.burn = bf->get();
        } else if (auto* bi = b.as_integer()) {
          p.burn = static_cast<double>(bi->get());
        } else {
          return err(at, "windows: burn must be a number");
        }
        o.error_rate.pairs.push_back(p);
      }
    }
  }
  if (const toml::table* e = sub(*t, "traffic_surge")) {
    std::string at = "incident.traffic_surge";
    auto& x = o.traffic_surge;
    PARAPET_TRY(only(*e, at,
                     {"enabled", "window_ms", "history_windows", "z", "min_requests", "retry_ratio",
                      "min_retries"}));
    PARAPET_TRY(flag(*e, at, "enabled", x.enabled));
    PARAPET_TRY(num(*e, at, "window_ms", x.window_ms, 100, kDay));
    PARAPET_TRY(num(*e, at, "history_windows", x.history_windows, 1, 1000));
    PARAPET_TRY(num(*e, at, "z", x.z, 0.1, 1000));
    PARAPET_TRY(num(*e, at, "min_requests", x.min_requests, 1, 1e12));
    PARAPET_TRY(num(*e, at, "retry_ratio", x.retry_ratio, 0.0, 1.0));
    PARAPET_TRY(num(*e, at, "min_retries", x.min_retries, 1, 1e12));
  }
  if (const toml::table* e = sub(*t, "spend_burn")) {
    std::string at = "incident.spend_burn";
    auto& x = o.spend_burn;
    PARAPET_TRY(only(*e, at, {"enabled", "window_ms", "max_usd_per_hour"}));
    x.enabled = true;
    PARAPET_TRY(flag(*e, at, "enabled", x.enabled));
    PARAPET_TRY(num(*e, at, "window_ms", x.window_ms, 100, kDay));
    double usd = 0;
    PARAPET_TRY(num(*e, at, "max_usd_per_hour", usd, 0, 1e9));
    x.max_micros_per_hour = static_cast<int64_t>(usd * 1e6);
  }
  if (const toml::table* e = sub(*t, "waf_surge")) {
    std::string at = "incident.waf_surge";
    PARAPET_TRY(only(*e, at, {"enabled", "window_ms", "min_hits"}));
    PARAPET_TRY(flag(*e, at, "enabled", o.waf_surge.enabled));
    PARAPET_TRY(num(*e, at, "window_ms", o.waf_surge.window_ms, 100, kDay));
    PARAPET_TRY(num(*e, at, "min_hits", o.waf_surge.min_hits, 1, 1e12));
  }
  if (const toml::table* e = sub(*t, "circuit_open")) {
    std::string at = "incident.circuit_open";
    PARAPET_TRY(only(*e, at, {"enabled", "window_ms", "min_hits"}));
    PARAPET_TRY(flag(*e, at, "enabled", o.circuit_open.enabled));
    PARAPET_TRY(num(*e, at, "window_ms", o.circuit_open.window_ms, 100, kDay));
    PARAPET_TRY(num(*e, at, "min_hits", o.circuit_open.min_hits, 1, 1e12));
  }
  if (const toml::node* nn = t->get("notify")) {
    auto* arr = nn->as_array();
    if (!arr) return err("incident", "notify must be an array of tables ([[incident.notify]])");
    for (auto&& el : *arr) {
      auto* d = el.as_table();
      std::string at = "[incident.notify]";
      if (!d) return err("incident.notify", "entries must be tables");
      PARAPET_TRY(only(*d, "incident.notify", {"stream", "type", "url", "routing_key"}));
      incident::Destination dest;
      for (auto [key, field] :
           {std::pair{"stream", &dest.stream}, std::pair{"type", &dest.type},
            std::pair{"url", &dest.url}, std::pair{"routing_key", &dest.routing_key}}) {
        if (const toml::node* v = d->get(key)) {
          auto* str = v->as_string();
          if (!str) return err("incident.notify", std::string(key) + " must be a string");
          *field = str->get();
        }
      }
      if (dest.stream != "debug" && dest.stream != "impact" && dest.stream != "comms") {
        return err("incident.notify", "stream must be \"debug\", \"impact\" or \"comms\"");
      }
      if (dest.type.empty()) dest.type = "slack";
      if (dest.type != "slack" && dest.type != "webhook" && dest.type != "pagerduty") {
        return err("incident.notify", "type must be \"slack\", \"webhook\" or \"pagerduty\"");
      }
      if (!dest.url.starts_with("http://")) {
        return err("incident.notify",
                   "url must be an http:// URL (https destinations are not supported yet)");
      }
      if (dest.type == "pagerduty" && dest.routing_key.empty()) {
        return err("incident.notify", "a pagerduty destination needs routing_key");
      }
      o.notify.push_back(std::move(dest));
    }
  }
  return true;
}

}  // namespace parapet::config
