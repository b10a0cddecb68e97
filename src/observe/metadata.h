// x-parapet-metadata: custom dimensions a client attaches to its request's record (Cloudflare's
// cf-aig-metadata). A JSON object of at most 5 members whose values are strings, numbers or
// booleans; anything else is refused with 400 so a client learns its tags are wrong instead of
// losing them silently. Stored compact, in the order given.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace parapet::observe {

inline constexpr size_t kMaxMetadataKeys = 5;
inline constexpr size_t kMaxMetadataBytes = 2048;

// Returns the compact JSON to store, or kBadRequest naming what is wrong.
Result<std::string> parse_metadata(std::string_view header);

}  // namespace parapet::observe
