// The auth decision for one request, as pure code: which Parapet credential it carries, whether
// the gateway lets it in, and which credential fields to rewrite before it goes upstream.
//
// Rules (docs/access.md):
//  - `x-parapet-authorization` / `cf-aig-authorization: Bearer pgt_...` must be a valid gateway
//    token for this gateway when present (401 unknown or revoked, 403 other gateway).
//  - A virtual key `pvk_...` may stand wherever a provider key goes: `authorization: Bearer`,
//    `x-api-key`, `x-goog-api-key`, `api-key`, or the `key` query parameter. It must be valid
//    (401), for this upstream and gateway (403); every place it appears is rewritten to the stored
//    provider key, keeping the scheme ("Bearer ").
//  - A gateway with `auth = true` admits a request carrying a valid gateway token or a valid
//    virtual key (both are Parapet-issued); anything else gets 401.
//  - Provider keys that are not ours pass through untouched (bring your own key).
// Thread-safety: pure function of its inputs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "access/keys.h"
#include "common/error.h"
#include "http/headers.h"

namespace parapet::access {

struct AuthInput {
  std::string_view gateway;
  std::string_view upstream;  // the route's upstream (provider) name
  bool gateway_requires_auth = false;
  const http::HeaderList* headers = nullptr;
  std::string_view query;  // raw query of the native path ("" when none)
};

struct AuthResult {
  const Key* token = nullptr;
  const Key* virtual_key = nullptr;
  std::string key_id;  // the virtual key's id, else the token's, else ""
  // Header fields (lower-case names) that carried the virtual key and the value to send instead.
  std::vector<std::pair<std::string, std::string>> header_swaps;
  bool query_swap = false;  // the `key` query parameter carried it
};

Result<AuthResult> authorize(const KeySet& keys, const AuthInput& in);

// `target` (origin-form, with query) with the value of query parameter `key` replaced by
// `value` (percent-encoded). Other parameters keep their bytes and order.
std::string replace_query_key(std::string_view target, std::string_view value);

}  // namespace parapet::access
