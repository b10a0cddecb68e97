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
// Same, with the caller's scratch (no allocation in the steady state). REQUIRES: `in` does not
// point into `out` or `scratch`.
void url_decode(std::string_view in, std::string& out, bool plus, int passes, std::string& scratch);
void html_decode(std::string_view in, std::string& out);
void js_decode(std::string_view in, std::string& out);
void fold_ascii(std::string& s);
void fold_ascii(std::string& s, size_t from);  // from `from` on
void compress(std::string_view in, std::string& out);
void compress_append(std::string_view in, std::string& out);

// What a text contains that a transform would act on (one table-driven pass), so the common
// case — nothing encoded — costs no copy.
enum Has : uint32_t {
  kHasPercent = 1u << 0,
  kHasPlus = 1u << 1,
  kHasAmp = 1u << 2,
  kHasBackslash = 1u << 3,
  kHasOverlong = 1u << 4,  // 0xC0 / 0xC1 bytes
  kHasSpace = 1u << 5,
  kHasSlash = 1u << 6,
};
uint32_t classify(std::string_view in);
// URL, HTML and JS decoding of `transforms` (compress and case aside). Returns `in` itself when
// nothing applies, else a view of `out`. `flags` is classify(in).
std::string_view decode(std::string_view in, uint32_t transforms, bool plus, uint32_t flags,
                        std::string& out, std::string& scratch);

// Applies `transforms` (then always folds case) to `in`, appending to `out`.
void normalize_append(std::string_view in, uint32_t transforms, bool plus, std::string& out,
                      std::string& s1, std::string& s2);
// Same into a cleared `out`.
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
