#include "access/config_keys.h"

#include <cstdlib>

namespace parapet::access {

std::optional<std::string> getenv_lookup(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

Result<std::vector<Key>> keys_from_config(const config::AccessOptions& a, const EnvLookup& env) {
  std::vector<Key> out;
  for (const auto& ck : a.keys) {
    Key k;
    k.id = ck.id;
    k.kind = parse_kind(ck.kind).value_or(KeyKind::kGatewayToken);
    k.name = ck.name;
    k.gateways = ck.gateways;
    k.origin = "config";
    if (!from_hex(ck.secret_sha256, k.secret_hash.data(), k.secret_hash.size())) {
      return make_error(ErrorCode::kBadRequest,
                        "[[access.keys]] id '" + ck.id + "': secret_sha256 is not 64 hex digits");
    }
    if (k.kind == KeyKind::kVirtualKey) {
      k.provider = ck.provider;
      auto v = env(ck.provider_key_env);
      if (!v || v->empty()) {
        return make_error(ErrorCode::kBadRequest,
                          "[[access.keys]] id '" + ck.id + "': environment variable " +
                              ck.provider_key_env + " (its provider key) is not set");
      }
      k.provider_key = std::move(*v);
    }
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace parapet::access
