// UTF-8 validation for text that leaves the gateway as JSON or CSV (logs, error bodies): invalid
// bytes become U+FFFD so every consumer gets well-formed text. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parapet {

inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF), or 0 if the bytes there are not one.
inline size_t utf8_len(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Appends s with invalid UTF-8 replaced; `ascii` handles each ASCII byte.
template <class F>
void append_utf8(std::string& out, std::string_view s, F&& ascii) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_len(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else if (n == 1) {
      ascii(static_cast<unsigned char>(s[i++]));
    } else {
      const std::string_view ch = s.substr(i, n);
      // U+2028/U+2029 are valid in JSON but end lines in JavaScript: escape them too.
      if (ch == "\xE2\x80\xA8" || ch == "\xE2\x80\xA9") {
        out += ch[2] == '\xA8' ? "\\u2028" : "\\u2029";
      } else {
        out += ch;
      }
      i += n;
    }
  }
}

}  // namespace parapet
