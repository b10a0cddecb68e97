// DLP detectors: personal data and secrets in prompts and answers (docs/dlp.md).
//
// scan() walks the text once, left to right, and reports non-overlapping findings:
//   api_key      provider keys and JWTs in the formats observe/scrub.h masks in logs (sk-ant-...,
//                sk-proj-..., AIza..., AKIA..., ghp_..., xoxb-..., eyJ...), the style of gitleaks
//                rules: a fixed prefix, a body alphabet and a minimum length
//   private_key  "-----BEGIN ... PRIVATE KEY-----" blocks, to their END line (or 8 KiB)
//   card         13-19 digits, optionally grouped by single spaces or dashes, passing Luhn, with a
//                known issuer prefix (Visa 4, Mastercard 51-55 / 2221-2720, Amex 34/37,
//                Discover 6011/65/644-649, JCB 35, Diners 36/38/300-305, UnionPay 62)
//   iban         2 letters, 2 check digits, 11-30 alphanumerics (groups of 4 with spaces allowed),
//                country length table, ISO 7064 mod-97 == 1
//   ssn          US SSN written ddd-dd-dddd, excluding area 000, 666, 900-999, group 00, serial
//   0000 email        local@domain.tld (RFC 5321 dot-atom subset, TLD of 2+ letters) phone E.164 (+
//   and 8-15 digits, separators allowed) or North American (ddd) ddd-dddd /
//                ddd-ddd-dddd / ddd.ddd.dddd
// Every detector is linear and anchored at a word boundary (a JSON escape such as \n counts as a
// boundary, so text inside JSON bodies is read as a person would). Nothing here backtracks.
// Matches never contain '"' or '\\', so masking them in place keeps JSON valid.
//
// Thread-safety: pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parapet::dlp {

enum class Kind : uint8_t { kApiKey, kPrivateKey, kCard, kIban, kSsn, kEmail, kPhone };
inline constexpr size_t kKinds = 7;
using KindSet = uint32_t;  // bit (1 << Kind)
inline constexpr KindSet kAllKinds = (1u << kKinds) - 1;
inline constexpr KindSet bit(Kind k) { return 1u << static_cast<unsigned>(k); }

std::string_view kind_name(Kind k);
// "api_key" -> kApiKey; false for an unknown name.
bool parse_kind(std::string_view name, Kind* out);

struct Finding {
  Kind kind;
  size_t begin;  // byte range in the scanned text
  size_t end;
  size_t keep = 0;  // leading bytes that are not secret (a key's "sk-ant-"), left unmasked
};

// Appends the findings of `kinds` in `text` to `out`, in order, non-overlapping.
void scan(std::string_view text, KindSet kinds, std::vector<Finding>& out);

// Masks findings in place with the same number of bytes, so lengths, offsets and JSON validity
// are kept: letters and digits become '*' (a card keeps its last 4 digits, a key its prefix);
// separators (space, '-', '.', '@', '+', parentheses) stay.
void mask(std::string& text, const std::vector<Finding>& findings);

// The luhn and mod-97 checks, exposed for tests.
bool luhn_ok(std::string_view digits);
bool iban_ok(std::string_view compact);  // no spaces, upper case

}  // namespace parapet::dlp
