// Parapet-issued credentials (docs/access.md):
//  - gateway tokens `pgt_<id>_<secret>`, presented in `x-parapet-authorization: Bearer ...` (or
//    Cloudflare's `cf-aig-authorization`), required by gateways with `auth = true`;
//  - virtual keys `pvk_<id>_<secret>`, presented where the provider's own key would go; the
//    gateway swaps in the stored provider key, so real keys never leave the server.
// Only a SHA-256 of each secret is kept; the id is public (it is the record's key_id).
// A KeySet is an immutable view of all keys; the Registry (registry.h) publishes new ones.
// Thread-safety: KeySet is immutable once built; share it as shared_ptr<const KeySet>.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "access/crypto.h"

namespace parapet::access {

enum class KeyKind { kGatewayToken, kVirtualKey };

std::string_view kind_name(KeyKind k);  // "gateway_token" | "virtual_key"
std::optional<KeyKind> parse_kind(std::string_view s);

struct Key {
  std::string id;  // 12 chars of [a-z2-9]
  KeyKind kind = KeyKind::kGatewayToken;
  std::string name;  // operator's label
  Digest secret_hash{};
  std::vector<std::string> gateways;  // empty: every gateway
  std::string provider;               // virtual keys: the upstream it unlocks
  std::string provider_key;           // virtual keys: the real key, plaintext in memory only
  std::string origin;                 // "admin" (control.db) or "config"
  int64_t created_us = 0;

  bool allows_gateway(std::string_view g) const;
};

// A presented credential split into its parts; nullopt when it is not shaped like ours.
struct Presented {
  KeyKind kind;
  std::string_view id, secret;
};
std::optional<Presented> parse_presented(std::string_view token);
inline bool looks_like_virtual_key(std::string_view v) { return v.starts_with("pvk_"); }

// What to give the holder: the full secret text, shown once at creation.
std::string format_secret(KeyKind kind, std::string_view id, std::string_view secret);

class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(std::vector<Key> keys);

  // The key a presented secret belongs to, or nullptr when unknown, revoked or wrong.
  const Key* verify(std::string_view token) const;
  const Key* find(std::string_view id) const;
  const std::vector<Key>& all() const { return keys_; }

 private:
  std::vector<Key> keys_;
  std::unordered_map<std::string_view, size_t> by_id_;
};

}  // namespace parapet::access
