// Time arguments of the admin API and CLI (`from`, `to`): Unix seconds ("1763791200"), RFC 3339
// UTC ("2026-11-22T06:00:00Z", fractional seconds allowed), or an age before now ("90s", "15m",
// "2h", "7d"). Pure: `now_us` is injected.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/error.h"

namespace parapet::admin {

Result<int64_t> parse_time_arg(std::string_view text, int64_t now_us);

}  // namespace parapet::admin
