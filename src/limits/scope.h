// Which bucket a request falls in for a rule's scope: the gateway's name, the key id set by the
// auth phase ("anonymous" without one), the client IP, or one member of x-parapet-metadata
// ("anonymous" when absent). The same function reads live requests and stored records (budget
// spend seeded at start), so both land in the same bucket.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "limits/rule.h"

namespace parapet::limits {

inline constexpr std::string_view kAnonymous = "anonymous";

struct RequestFacts {
  std::string_view gateway, key_id, client_ip, metadata_json;
};

std::string scope_value(const Scope& s, const RequestFacts& f);

// The value of top-level member `field` of a compact JSON object of scalars (what
// observe::parse_metadata stores): strings without their quotes (escapes kept as written), other
// scalars as written. Empty when absent or malformed.
std::string metadata_member(std::string_view json, std::string_view field);

}  // namespace parapet::limits
