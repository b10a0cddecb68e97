// Normalization: what a request's parts look like once the encodings an attacker can layer on top
// of a payload are peeled off. Done once per request part and shared by every rule (ModSecurity
// repeats its transformations per rule; that is where its time goes, research §2.6).
//
//   url_decode     %XX (up to kUrlPasses passes, so %25%32%66 → %2f → /), '+' → ' ' in queries,
//                  %uXXXX, and overlong UTF-8 forms of '.', '/', '\' (%c0%ae, %c0%af, %c1%9c)
//   html_decode    &#NN; &#xNN; and the few named entities payloads use (&dollar; &lbrace; ...)
//   js_decode      \uXXXX, \xHH (as in Log4Shell's ${\u006a\u006e\u0064\u0069:...})
//   fold           ASCII lower case (patterns are case-insensitive)
//   compress       runs of whitespace and /*...*/ comments become one space (SQL keywords)
//
// json_strings() walks a JSON text linearly without recursion (deep nesting costs a byte per
// level) and hands out every string, keys included, unescaped. On invalid JSON it returns false
// and the caller scans the raw bytes instead.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace parapet::waf {

inline constexpr int kUrlPasses = 3;

// Transform flags (bit set); kNormal is what managed rules use.
enum Transform : uint32_t {
  kUrl = 1u << 0,
  kHtml = 1u << 1,
  kJs = 1u << 2,
  kCompress = 1u << 3,
  kNormal = kUrl | kHtml | kJs,
};

// One URL-decoding pass. Returns true if anything was decoded. plus: '+' means ' '.
bool url_decode_once(std::string_view in, std::string& out, bool plus);
// Up to `passes` passes, stopping when a pass changes nothing.
void url_decode(std::string_view in, std::string& out, bool plus, int passes = kUrlPasses);
void html_decode(std::string_view in, std::string& out);
void js_decode(std::string_view in, std::string& out);
void fold_ascii(std::string& s);
void compress(std::string_view in, std::string& out);

// Applies `transforms` (then always folds case) to `in`. `scratch` is reused between calls.
void normalize(std::string_view in, uint32_t transforms, bool plus, std::string& out,
               std::string& scratch);

// Calls on_string(key, value) for every JSON string value (key: the member name it belongs to,
// or "" in arrays) and on_string("", key) for member names. Returns false when `json` is not
// valid JSON as far as this walker checks (strings, brackets, escapes); callbacks may have run.
bool json_strings(std::string_view json,
                  const std::function<void(std::string_view key, std::string_view value)>& on);

// Makes an attacker-controlled excerpt safe to store and show: every "${" becomes "$\{" (so no
// log pipeline downstream evaluates a lookup), control bytes become '?', and at most `max` bytes
// are kept (without cutting a UTF-8 sequence).
std::string neutralize(std::string_view s, size_t max = 80);

}  // namespace parapet::waf
