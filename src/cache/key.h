// The cache key: which requests count as "the same question".
//
// A key is SHA-256 over, in order: a format version, the gateway, the provider, the method, the
// native path with its query, the request headers that change the answer (kVaryHeaders), the
// request body in canonical form (JSON re-serialized with object keys sorted and no insignificant
// whitespace; anything that is not JSON as raw bytes), and the partition. A custom key
// (x-parapet-cache-key) replaces the path's query, the vary headers and the body, never the
// gateway, provider, method, path or partition: an answer is never replayed to another endpoint
// or another tenant.
//
// The partition keeps tenants apart: the virtual key id when the auth phase set one, otherwise a
// SHA-256 of the provider credential the client sent (authorization, x-api-key, x-goog-api-key,
// api-key, or a `key=` query parameter), or "" in "shared" mode.
// Thread-safety: pure functions; the JSON parser is thread_local.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace parapet::cache {

// Request headers that change a provider's answer (so they are part of the key), lowercase.
inline constexpr std::array<std::string_view, 6> kVaryHeaders = {
    "anthropic-version", "anthropic-beta", "openai-organization",
    "openai-project",    "openai-beta",    "x-goog-user-project"};
// Request headers that carry a provider credential (hashed into the partition), lowercase.
inline constexpr std::array<std::string_view, 4> kCredentialHeaders = {"authorization", "x-api-key",
                                                                       "x-goog-api-key", "api-key"};

using Digest = std::array<uint8_t, 32>;

// body as canonical JSON (sorted keys, minimal whitespace, numbers re-printed shortest), or
// nullopt when body is not a JSON document (the caller then hashes the raw bytes).
std::optional<std::string> canonical_json(std::string_view body);

// SHA-256 of the canonical body (raw bytes when not JSON).
Digest body_digest(std::string_view body);

std::string hex(const Digest& d);

// The partition text for a request: "key:<id>" for a virtual key, "cred:<sha256 hex>" for a
// provider credential, "anon" when the client sent neither. `credentials` are (name, value) pairs
// in the order they were found; `query` is the native path's query string (for Gemini's ?key=).
std::string partition(std::string_view key_id,
                      const std::vector<std::pair<std::string_view, std::string_view>>& credentials,
                      std::string_view query);

struct KeyParts {
  std::string_view gateway, provider, method;
  std::string_view path;   // native path, no query
  std::string_view query;  // native query ("" when none)
  // Values of kVaryHeaders, same order ("" when absent).
  std::array<std::string_view, kVaryHeaders.size()> vary{};
  Digest body{};
  std::string_view custom_key;  // x-parapet-cache-key; "" when none
  std::string_view partition;   // "" in shared mode
};

// The key as 64 hex characters.
std::string make_key(const KeyParts& p);

// Per-request cache controls, from headers (x-parapet-* or Cloudflare's cf-aig-* aliases) and the
// gateway's configured TTL.
struct Controls {
  bool cacheable = false;  // the cache applies to this request (TTL > 0)
  bool bypass = false;     // skip-cache: neither read nor written (reported as BYPASS)
  int64_t ttl_s = 0;
  std::string custom_key;
};
inline constexpr int64_t kMaxTtlSeconds = 31 * 24 * 3600;  // a month, as Cloudflare
inline constexpr int64_t kCustomKeyDefaultTtl = 300;       // custom key on a gateway with no TTL
inline constexpr size_t kMaxCustomKeyBytes = 1024;

// ttl/skip/key: the header values ("" when absent). Malformed values are a 400.
Result<Controls> parse_controls(int64_t gateway_ttl_s, std::string_view method,
                                std::string_view ttl, std::string_view skip, std::string_view key);

}  // namespace parapet::cache
