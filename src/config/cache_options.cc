// [cache] and the cache keys of [gateways.X] (docs/cache.md).
#include <toml++/toml.h>

#include "config/config.h"

namespace parapet::config {

namespace {
Error cache_error(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

Result<bool> read_u64(const toml::table& t, std::string_view where, std::string_view key,
                      uint64_t& out, int64_t min, int64_t max) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  auto* v = n->as_integer();
  if (!v || v->get() < min || v->get() > max) {
    return cache_error("[" + std::string(where) + "] " + std::string(key) +
                       " must be an integer in [" + std::to_string(min) + ", " +
                       std::to_string(max) + "]");
  }
  out = static_cast<uint64_t>(v->get());
  return true;
}
}  // namespace

Result<bool> apply_cache_toml(Snapshot& s, const toml::table& root) {
  auto* t = root["cache"].as_table();
  if (!t) return true;
  for (auto&& [k, v] : *t) {
    std::string_view key = k.str();
    if (key != "memory_bytes" && key != "persistent" && key != "disk_bytes") {
      return cache_error("unknown key '" + std::string(key) + "' in [cache]");
    }
  }
  PARAPET_TRY(read_u64(*t, "cache", "memory_bytes", s.cache.memory_bytes, 0, int64_t{1} << 40));
  PARAPET_TRY(read_u64(*t, "cache", "disk_bytes", s.cache.disk_bytes, 0, int64_t{1} << 50));
  if (const toml::node* n = t->get("persistent")) {
    auto* b = n->as_boolean();
    if (!b) return cache_error("[cache] persistent must be true or false");
    s.cache.persistent = b->get();
  }
  return true;
}

Result<bool> apply_gateway_cache_toml(Snapshot& s, const std::string& gateway,
                                      const toml::table& t) {
  const toml::node* ttl = t.get("cache_ttl");
  const toml::node* part = t.get("cache_partition");
  if (!ttl && !part) return true;
  GatewayCache g;
  g.gateway = gateway;
  if (ttl) {
    auto* v = ttl->as_integer();
    if (!v || v->get() < 0 || v->get() > 31 * 24 * 3600) {
      return cache_error("[gateways." + gateway + "] cache_ttl must be seconds in [0, 2678400]");
    }
    g.ttl_s = v->get();
  }
  if (part) {
    auto* v = part->as_string();
    if (!v || (v->get() != "key" && v->get() != "shared")) {
      return cache_error("[gateways." + gateway +
                         "] cache_partition must be \"key\" or \"shared\"");
    }
    g.shared = v->get() == "shared";
  }
  s.gateway_cache.push_back(std::move(g));
  return true;
}

GatewayCache Snapshot::cache_for(std::string_view gateway) const {
  for (const auto& g : gateway_cache) {
    if (g.gateway == gateway) return g;
  }
  GatewayCache d;
  d.gateway = gateway;
  return d;
}

}  // namespace parapet::config
