// Exact decimal text -> scaled integer, for money. A price such as "0.15" (USD per million tokens)
// or a header value such as 0.000001 (USD per token) never passes through binary floating point:
// the digits are read as an integer mantissa and a power of ten, and the result is exact or an
// error. Too much precision is an error, not a rounding: a silently rounded price is a wrong bill.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace parapet::cost {

// Parses an unsigned decimal ("2.50", "0", "0.000001"; with `allow_exponent` also JSON's "1e-6",
// "2.5E+3") and returns value * 10^scale as an exact integer.
// Grammar is JSON's number grammar without the minus sign: no leading "+", no leading zeros
// ("01"), no bare "." ("1." or ".5"). Fails when the text is not such a number, is negative, needs
// more than `scale` decimal places (non-zero digits below 10^-scale), or exceeds `max`.
// REQUIRES: 0 <= scale <= 18, max >= 0.
Result<int64_t> parse_scaled_decimal(std::string_view text, int scale, bool allow_exponent,
                                     int64_t max);

// value / 10^scale as a plain decimal with at least `min_fraction` and at most `scale` fraction
// digits, trailing zeros beyond `min_fraction` dropped: format_scaled(150000, 6, 2) == "0.15",
// format_scaled(2500000, 6, 2) == "2.50". For messages and docs, never for arithmetic.
// REQUIRES: value >= 0, 0 <= min_fraction <= scale <= 18.
std::string format_scaled(int64_t value, int scale, int min_fraction);

}  // namespace parapet::cost
