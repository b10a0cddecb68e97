// TOML → Snapshot. Unknown keys are errors: a typo in a limit must not silently leave the default.
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/reliability_load.h"

namespace parapet::config {

// [[gateways.NAME.limits]] / [[gateways.NAME.budgets]] (limits_config.cc).
Result<bool> read_limit_rules(Snapshot& s, const std::string& gateway, const toml::table& t);
Result<bool> read_gateway_dlp(Snapshot& s, const std::string& gateway, const toml::table& t);  // dlp_config.cc
// [gateways.NAME.waf] (waf_config.cc).
Result<bool> read_gateway_waf(Snapshot& s, const std::string& gateway, const toml::table& t);

namespace {

Error config_error(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

// Checks that every key of `t` is in `allowed`.
Result<bool> only_keys(const toml::table& t, std::string_view where,
                       std::initializer_list<std::string_view> allowed) {
  for (auto&& [k, v] : t) {
    bool ok = false;
    for (auto a : allowed) ok = ok || k.str() == a;
    if (!ok)
      return config_error("unknown key '" + std::string(k.str()) + "' in [" + std::string(where) +
                          "]");
  }
  return true;
}

template <class T>
Result<bool> read_int(const toml::table& t, std::string_view where, std::string_view key, T& out,
                      int64_t min, int64_t max) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  auto* iv = n->as_integer();
  std::optional<int64_t> v;
  if (iv) v = iv->get();
  if (!v || *v < min || *v > max) {
    return config_error("[" + std::string(where) + "] " + std::string(key) +
                        " must be an integer in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "]");
  }
  out = static_cast<T>(*v);
  return true;
}

Result<bool> read_ms(const toml::table& t, std::string_view where, std::string_view key,
                     Millis& out) {
  int64_t v = out.count();
  auto r = read_int(t, where, key, v, 1, 86'400'000);
  if (!r) return r;
  out = Millis(v);
  return true;
}

Result<bool> read_str(const toml::table& t, std::string_view where, std::string_view key,
                      std::string& out) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  auto* v = n->as_string();
  if (!v)
    return config_error("[" + std::string(where) + "] " + std::string(key) + " must be a string");
  out = v->get();
  return true;
}

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

// Sets name's base URL: a built-in provider's override, or a new custom origin.
Result<bool> set_upstream(Snapshot& s, const std::string& name, std::string_view url,
                          std::string_view kind) {
  if (!valid_name(name)) {
    return config_error("upstream name '" + name + "' must be 1-64 chars of [a-z0-9-_]");
  }
  auto parsed = parse_url(url);
  if (!parsed) return config_error("upstream '" + name + "': " + parsed.error().message);
  Upstream& u = s.upstreams[name];
  u.name = name;
  u.base_url = *parsed;
  u.base = parsed->to_string();
  u.base_is_template = false;
  if (!u.spec) {
    if (kind == "openai-compatible") {
      u.protocol = providers::Protocol::kOpenAI;
    } else if (kind == "http" || kind.empty()) {
      u.protocol = providers::Protocol::kHttp;
    } else {
      return config_error("upstream '" + name +
                          "': kind must be \"http\" or \"openai-compatible\"");
    }
  }
  return true;
}

bool is_hex64(std::string_view h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// [access]: master_key_file and [[access.keys]] (config::ConfigKey).
Result<bool> read_access(Snapshot& s, const toml::table& root) {
  auto* t = root["access"].as_table();
  if (!t) return true;
  PARAPET_TRY(only_keys(*t, "access", {"master_key_file", "keys"}));
  PARAPET_TRY(read_str(*t, "access", "master_key_file", s.access.master_key_file));
  const toml::node* keys = t->get("keys");
  if (!keys) return true;
  auto* arr = keys->as_array();
  if (!arr) return config_error("[[access.keys]] must be an array of tables");
  for (const auto& el : *arr) {
    auto* kt = el.as_table();
    if (!kt) return config_error("[[access.keys]] entries must be tables");
    ConfigKey k;
    PARAPET_TRY(only_keys(
        *kt, "access.keys",
        {"id", "kind", "name", "secret_sha256", "provider", "provider_key_env", "gateways"}));
    for (auto [key, field] :
         {std::pair{"id", &k.id}, std::pair{"kind", &k.kind}, std::pair{"name", &k.name},
          std::pair{"secret_sha256", &k.secret_sha256}, std::pair{"provider", &k.provider},
          std::pair{"provider_key_env", &k.provider_key_env}}) {
      PARAPET_TRY(read_str(*kt, "access.keys", key, *field));
    }
    std::string where = "[[access.keys]] id '" + k.id + "'";
    if (k.id.empty() || k.id.size() > 64 || !valid_name(k.id)) {
      return config_error("[[access.keys]] needs an id of [a-z0-9-_] (at most 64 characters)");
    }
    if (k.kind.empty()) k.kind = "gateway_token";
    if (k.kind != "gateway_token" && k.kind != "virtual_key") {
      return config_error(where + ": kind must be \"gateway_token\" or \"virtual_key\"");
    }
    if (!is_hex64(k.secret_sha256)) {
      return config_error(where +
                          ": secret_sha256 must be 64 lower-case hex digits "
                          "(see `parapet keys hash`)");
    }
    if (k.kind == "virtual_key" && (k.provider.empty() || k.provider_key_env.empty())) {
      return config_error(where + ": a virtual_key needs provider and provider_key_env");
    }
    if (const toml::node* g = kt->get("gateways")) {
      auto* ga = g->as_array();
      if (!ga) return config_error(where + ": gateways must be an array of names");
      for (const auto& gn : *ga) {
        auto* str = gn.as_string();
        if (!str) return config_error(where + ": gateways must be an array of names");
        k.gateways.push_back(str->get());
      }
    }
    for (const auto& other : s.access.keys) {
      if (other.id == k.id) return config_error(where + " is declared twice");
    }
    s.access.keys.push_back(std::move(k));
  }
  return true;
}
}  // namespace

// incident_config.cc
Result<bool> apply_incident_toml(Snapshot& s, const toml::table& root);
// cache_options.cc
Result<bool> apply_cache_toml(Snapshot& s, const toml::table& root);
Result<bool> apply_gateway_cache_toml(Snapshot& s, const std::string& gateway,
                                      const toml::table& t);

namespace {

Result<bool> apply_toml(Snapshot& s, const toml::table& root) {
  PARAPET_TRY(only_keys(root, "root",
                        {"server", "limits", "upstream", "gateways", "providers", "upstreams",
                         "cost", "logs", "access", "cache", "circuit_breaker", "incident"}));
  PARAPET_TRY(read_access(s, root));
  PARAPET_TRY(apply_incident_toml(s, root));
  PARAPET_TRY(apply_cache_toml(s, root));
  PARAPET_TRY(read_circuit_breaker(s, root));
  if (auto* t = root["logs"].as_table()) {
    PARAPET_TRY(only_keys(
        *t, "logs",
        {"retention_days", "max_bytes", "queue_capacity", "store", "bodies", "body_max_bytes"}));
    for (auto [key, field] :
         {std::pair{"store", &s.logs.store}, std::pair{"bodies", &s.logs.bodies}}) {
      if (const toml::node* n = t->get(key)) {
        auto* b = n->as_boolean();
        if (!b) return config_error(std::string("[logs] ") + key + " must be true or false");
        *field = b->get();
      }
    }
    PARAPET_TRY(read_int(*t, "logs", "body_max_bytes", s.logs.body_max_bytes, 0, 16 << 20));
    PARAPET_TRY(read_int(*t, "logs", "retention_days", s.logs.retention_days, 0, 36500));
    PARAPET_TRY(read_int(*t, "logs", "max_bytes", s.logs.max_bytes, 0, int64_t{1} << 50));
    PARAPET_TRY(read_int(*t, "logs", "queue_capacity", s.logs.queue_capacity, 16, 1 << 24));
  }
  if (auto* t = root["cost"].as_table()) {
    PARAPET_TRY(only_keys(*t, "cost", {"price_file"}));
    PARAPET_TRY(read_str(*t, "cost", "price_file", s.cost.price_file));
  }
  if (auto* t = root["server"].as_table()) {
    PARAPET_TRY(
        only_keys(*t, "server", {"listen", "admin", "data_dir", "workers", "drain_timeout_ms"}));
    PARAPET_TRY(read_str(*t, "server", "listen", s.server.listen));
    PARAPET_TRY(read_str(*t, "server", "admin", s.server.admin));
    PARAPET_TRY(read_str(*t, "server", "data_dir", s.server.data_dir));
    PARAPET_TRY(read_int(*t, "server", "workers", s.server.workers, 0, 256));
    PARAPET_TRY(read_ms(*t, "server", "drain_timeout_ms", s.server.drain_timeout));
  }
  if (auto* t = root["limits"].as_table()) {
    PARAPET_TRY(
        only_keys(*t, "limits",
                  {"max_body_bytes", "max_header_bytes", "max_header_count", "max_uri_bytes",
                   "header_timeout_ms", "body_timeout_ms", "keepalive_timeout_ms",
                   "send_timeout_ms", "max_connections", "max_connections_per_ip"}));
    auto& l = s.limits;
    PARAPET_TRY(read_int(*t, "limits", "max_body_bytes", l.max_body_bytes, 0, int64_t{1} << 34));
    PARAPET_TRY(read_int(*t, "limits", "max_header_bytes", l.max_header_bytes, 1024, 1 << 20));
    PARAPET_TRY(read_int(*t, "limits", "max_header_count", l.max_header_count, 8, 10000));
    PARAPET_TRY(read_int(*t, "limits", "max_uri_bytes", l.max_uri_bytes, 64, 1 << 20));
    PARAPET_TRY(read_ms(*t, "limits", "header_timeout_ms", l.header_timeout));
    PARAPET_TRY(read_ms(*t, "limits", "body_timeout_ms", l.body_timeout));
    PARAPET_TRY(read_ms(*t, "limits", "keepalive_timeout_ms", l.keepalive_timeout));
    PARAPET_TRY(read_int(*t, "limits", "max_connections", l.max_connections, 1, 10'000'000));
    PARAPET_TRY(read_ms(*t, "limits", "send_timeout_ms", l.send_timeout));
    PARAPET_TRY(
        read_int(*t, "limits", "max_connections_per_ip", l.max_connections_per_ip, 0, 10'000'000));
  }
  if (auto* t = root["upstream"].as_table()) {
    PARAPET_TRY(only_keys(*t, "upstream",
                          {"connect_timeout_ms", "first_byte_timeout_ms", "idle_timeout_ms",
                           "total_timeout_ms", "ca_file", "verify_tls", "max_idle_per_host"}));
    auto& u = s.upstream;
    PARAPET_TRY(read_ms(*t, "upstream", "connect_timeout_ms", u.connect_timeout));
    PARAPET_TRY(read_ms(*t, "upstream", "first_byte_timeout_ms", u.first_byte_timeout));
    PARAPET_TRY(read_ms(*t, "upstream", "idle_timeout_ms", u.idle_timeout));
    PARAPET_TRY(read_ms(*t, "upstream", "total_timeout_ms", u.total_timeout));
    PARAPET_TRY(read_str(*t, "upstream", "ca_file", u.ca_file));
    PARAPET_TRY(read_int(*t, "upstream", "max_idle_per_host", u.max_idle_per_host, 0, 100000));
    if (const toml::node* n = t->get("verify_tls")) {
      auto* v = n->as_boolean();
      if (!v) return config_error("[upstream] verify_tls must be true or false");
      u.verify_tls = v->get();
    }
  }
  if (auto* t = root["gateways"].as_table()) {
    s.gateways.clear();
    for (auto&& [k, v] : *t) {
      std::string name(k.str());
      if (!valid_name(name)) return config_error("gateway name '" + name + "' must be [a-z0-9-_]");
      if (!v.is_table()) return config_error("[gateways." + name + "] must be a table");
      for (auto&& [gk, gv] : *v.as_table()) {
        bool known = gk.str() == "log_bodies" || gk.str() == "auth" || gk.str() == "cache_ttl" ||
                     gk.str() == "cache_partition" || gk.str() == "limits" ||
                     gk.str() == "budgets" || gk.str() == "dlp" || gk.str() == "waf";
        for (auto rk : kGatewayReliabilityKeys) known = known || gk.str() == rk;
        if (!known) {
          return config_error("unknown key '" + std::string(gk.str()) + "' in [gateways." + name +
                              "]");
        }
      }
      PARAPET_TRY(apply_gateway_cache_toml(s, name, *v.as_table()));
      PARAPET_TRY(read_gateway_reliability(s, name, *v.as_table()));
      PARAPET_TRY(read_limit_rules(s, name, *v.as_table()));
      PARAPET_TRY(read_gateway_dlp(s, name, *v.as_table()));
      PARAPET_TRY(read_gateway_waf(s, name, *v.as_table()));
      if (const toml::node* n = v.as_table()->get("auth")) {
        auto* b = n->as_boolean();
        if (!b) return config_error("[gateways." + name + "] auth must be true or false");
        if (b->get()) s.gateways_with_auth.push_back(name);
      }
      if (const toml::node* n = v.as_table()->get("log_bodies")) {
        auto* b = n->as_boolean();
        if (!b) return config_error("[gateways." + name + "] log_bodies must be true or false");
        if (b->get()) s.gateways_with_bodies.push_back(name);
      }
      s.gateways.push_back(name);
    }
  }
  if (auto* t = root["providers"].as_table()) {
    for (auto&& [k, v] : *t) {
      std::string name(k.str());
      if (!providers::find_builtin(name)) {
        return config_error("[providers." + name + "] is not a built-in provider; use [upstreams." +
                            name + "] for a custom origin");
      }
      auto* pt = v.as_table();
      if (!pt) return config_error("[providers." + name + "] must be a table");
      PARAPET_TRY(only_keys(*pt, "providers." + name, {"base_url"}));
      std::string url;
      PARAPET_TRY(read_str(*pt, "providers." + name, "base_url", url));
      if (!url.empty()) PARAPET_TRY(set_upstream(s, name, url, ""));
    }
  }
  if (auto* t = root["upstreams"].as_table()) {
    for (auto&& [k, v] : *t) {
      std::string name(k.str());
      if (providers::find_builtin(name)) {
        return config_error("[upstreams." + name +
                            "] shadows a built-in provider; use [providers." + name + "] base_url");
      }
      // Shorthand: `name = "http://host:port"` is a plain HTTP origin.
      if (auto* url = v.as_string()) {
        PARAPET_TRY(set_upstream(s, name, url->get(), "http"));
        continue;
      }
      auto* ut = v.as_table();
      if (!ut) return config_error("[upstreams." + name + "] must be a table or a URL string");
      if (providers::find_builtin(name)) {
        return config_error("[upstreams." + name +
                            "] shadows a built-in provider; use [providers." + name + "] base_url");
      }
      PARAPET_TRY(only_keys(*ut, "upstreams." + name, {"url", "kind"}));
      std::string url, kind;
      PARAPET_TRY(read_str(*ut, "upstreams." + name, "url", url));
      PARAPET_TRY(read_str(*ut, "upstreams." + name, "kind", kind));
      if (url.empty()) return config_error("[upstreams." + name + "] needs url");
      PARAPET_TRY(set_upstream(s, name, url, kind));
    }
  }
  return true;
}

Result<std::shared_ptr<const Snapshot>> build(const toml::table* root, const Flags& flags,
                                              uint64_t generation) {
  auto s = std::make_shared<Snapshot>();
  s->generation = generation;
  s->config_path = flags.config_path;
  s->gateways = {"default"};
  for (const auto& spec : providers::builtin_providers()) {
    Upstream u;
    u.name = spec.name;
    u.spec = &spec;
    u.protocol = spec.protocol;
    u.base = spec.default_base;
    auto parsed = parse_url(spec.default_base);
    if (parsed) {
      u.base_url = *parsed;
    } else {
      u.base_is_template = true;  // e.g. Azure's https://{resource}.openai.azure.com
    }
    s->upstreams.emplace(u.name, std::move(u));
  }
  if (root) PARAPET_TRY(apply_toml(*s, *root));
  if (!flags.listen.empty()) s->server.listen = flags.listen;
  if (!flags.admin.empty()) s->server.admin = flags.admin;
  if (!flags.data_dir.empty()) s->server.data_dir = flags.data_dir;
  auto prices = std::make_shared<cost::PriceTable>(cost::PriceTable::builtin());
  if (!s->cost.price_file.empty()) {
    std::ifstream in(s->cost.price_file, std::ios::binary);
    if (!in) return config_error("cannot read [cost] price_file '" + s->cost.price_file + "'");
    std::stringstream text;
    text << in.rdbuf();
    auto overrides = cost::PriceTable::parse(text.str(), s->cost.price_file);
    if (!overrides) return overrides.error();
    prices->merge_overrides(*overrides);
  }
  s->prices = std::move(prices);
  for (const auto& kv : flags.upstreams) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return config_error("--upstream expects NAME=URL, got '" + kv + "'");
    }
    PARAPET_TRY(set_upstream(*s, kv.substr(0, eq), std::string_view(kv).substr(eq + 1), ""));
  }
  PARAPET_TRY(validate_fallbacks(*s));
  for (const auto& k : s->access.keys) {
    if (!k.provider.empty() && !s->find_upstream(k.provider)) {
      return config_error("[[access.keys]] id '" + k.id + "': unknown provider '" + k.provider +
                          "'");
    }
    for (const auto& g : k.gateways) {
      if (!s->has_gateway(g)) {
        return config_error("[[access.keys]] id '" + k.id + "': unknown gateway '" + g + "'");
      }
    }
  }
  return std::shared_ptr<const Snapshot>(std::move(s));
}

}  // namespace

bool Snapshot::has_gateway(std::string_view name) const {
  for (const auto& g : gateways) {
    if (g == name) return true;
  }
  return false;
}

bool Snapshot::gateway_requires_auth(std::string_view name) const {
  for (const auto& g : gateways_with_auth) {
    if (g == name) return true;
  }
  return false;
}

const Upstream* Snapshot::find_upstream(std::string_view name) const {
  // Heterogeneous lookup on unordered_map needs C++20 transparent hashing set up; names are
  // short, so one small string is cheap and stays in SSO.
  auto it = upstreams.find(std::string(name));
  return it == upstreams.end() ? nullptr : &it->second;
}

Result<std::shared_ptr<const Snapshot>> load_from_string(std::string_view text, const Flags& flags,
                                                         uint64_t generation) {
  try {
    toml::table root = toml::parse(text, flags.config_path.empty() ? "config" : flags.config_path);
    return build(&root, flags, generation);
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << (flags.config_path.empty() ? "config" : flags.config_path) << ":" << e.source().begin.line
      << ":" << e.source().begin.column << ": " << e.description();
    return config_error(m.str());
  }
}

Result<std::shared_ptr<const Snapshot>> load(const Flags& flags, uint64_t generation) {
  if (flags.config_path.empty()) return build(nullptr, flags, generation);
  std::ifstream in(flags.config_path, std::ios::binary);
  if (!in) return config_error("cannot read config file '" + flags.config_path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return load_from_string(ss.str(), flags, generation);
}

}  // namespace parapet::config
