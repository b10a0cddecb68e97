#include "cost/decimal.h"

namespace parapet::cost {

namespace {

Error bad(std::string what) { return make_error(ErrorCode::kBadRequest, std::move(what)); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exponents beyond this cannot produce a representable value at any supported scale; bounding
// them keeps the arithmetic below in int range for any input.
constexpr int kMaxExponent = 100000;

}  // namespace

Result<int64_t> parse_scaled_decimal(std::string_view s, int scale, bool allow_exponent,
                                     int64_t max) {
  const std::string quoted = "'" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "...'" : "'");
  if (s.empty()) return bad("empty number");
  if (s[0] == '-') return bad(quoted + " is negative");
  size_t i = 0;
  const size_t int_begin = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  const std::string_view int_digits = s.substr(int_begin, i - int_begin);
  if (int_digits.empty()) return bad(quoted + " is not a decimal number");
  if (int_digits.size() > 1 && int_digits[0] == '0') {
    return bad(quoted + " has a leading zero");
  }
  std::string_view frac_digits;
  if (i < s.size() && s[i] == '.') {
    const size_t frac_begin = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    frac_digits = s.substr(frac_begin, i - frac_begin);
    if (frac_digits.empty()) return bad(quoted + " is not a decimal number");
  }
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    if (!allow_exponent) return bad(quoted + ": write the number without an exponent");
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    const size_t exp_begin = i;
    while (i < s.size() && is_digit(s[i])) {
      if (exponent <= kMaxExponent) exponent = exponent * 10 + (s[i] - '0');
      ++i;
    }
    if (i == exp_begin) return bad(quoted + " is not a decimal number");
    if (exponent > kMaxExponent) return bad(quoted + ": exponent out of range");
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return bad(quoted + " is not a decimal number");

  // value = D * 10^(exponent - |frac|), D = int_digits frac_digits; we want value * 10^scale.
  std::string sig;
  sig.reserve(int_digits.size() + frac_digits.size());
  for (char c : int_digits) {
    if (!sig.empty() || c != '0') sig += c;
  }
  for (char c : frac_digits) {
    if (!sig.empty() || c != '0') sig += c;
  }
  if (sig.empty()) return int64_t{0};
  long shift = exponent - static_cast<long>(frac_digits.size()) + scale;
  while (sig.back() == '0') {
    sig.pop_back();
    ++shift;
  }
  if (shift < 0) {
    return bad(quoted + " has more precision than 1e-" + std::to_string(scale));
  }
  // int64 holds 18 full digits; anything longer overflows every bound we use.
  if (static_cast<long>(sig.size()) + shift > 19) return bad(quoted + " is too large");
  __int128 v = 0;
  for (char c : sig) v = v * 10 + (c - '0');
  for (long k = 0; k < shift; ++k) v *= 10;
  if (v > max) return bad(quoted + " is too large (max " + format_scaled(max, scale, 0) + ")");
  return static_cast<int64_t>(v);
}

std::string format_scaled(int64_t value, int scale, int min_fraction) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale + 1) - digits.size(), '0');
  }
  std::string out = digits.substr(0, digits.size() - static_cast<size_t>(scale));
  std::string frac = digits.substr(digits.size() - static_cast<size_t>(scale));
  while (static_cast<int>(frac.size()) > min_fraction && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  return out;
}

}  // namespace parapet::cost
