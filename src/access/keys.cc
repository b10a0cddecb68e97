#include "access/keys.h"

#include <algorithm>

namespace parapet::access {

std::string_view kind_name(KeyKind k) {
  return k == KeyKind::kVirtualKey ? "virtual_key" : "gateway_token";
}

std::optional<KeyKind> parse_kind(std::string_view s) {
  if (s == "virtual_key" || s == "virtual") return KeyKind::kVirtualKey;
  if (s == "gateway_token" || s == "token") return KeyKind::kGatewayToken;
  return std::nullopt;
}

bool Key::allows_gateway(std::string_view g) const {
  return gateways.empty() || std::find(gateways.begin(), gateways.end(), g) != gateways.end();
}

std::optional<Presented> parse_presented(std::string_view token) {
  Presented p;
  if (token.starts_with("pgt_")) {
    p.kind = KeyKind::kGatewayToken;
  } else if (token.starts_with("pvk_")) {
    p.kind = KeyKind::kVirtualKey;
  } else {
    return std::nullopt;
  }
  token.remove_prefix(4);
  size_t sep = token.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep + 1 == token.size()) return std::nullopt;
  p.id = token.substr(0, sep);
  p.secret = token.substr(sep + 1);
  return p;
}

std::string format_secret(KeyKind kind, std::string_view id, std::string_view secret) {
  std::string s = kind == KeyKind::kVirtualKey ? "pvk_" : "pgt_";
  s += id;
  s += '_';
  s += secret;
  return s;
}

KeySet::KeySet(std::vector<Key> keys) : keys_(std::move(keys)) {
  for (size_t i = 0; i < keys_.size(); ++i) by_id_.emplace(keys_[i].id, i);
}

const Key* KeySet::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &keys_[it->second];
}

const Key* KeySet::verify(std::string_view token) const {
  auto p = parse_presented(token);
  if (!p) return nullptr;
  const Key* k = find(p->id);
  // The digest is always computed and compared, so timing says nothing about which part failed.
  Digest d = sha256(p->secret);
  if (!k) return nullptr;
  if (!digest_equal(d, k->secret_hash) || k->kind != p->kind) return nullptr;
  return k;
}

}  // namespace parapet::access
