// Masks credentials in text before it is stored (request/response bodies, error messages), then
// caps it. The stored logs must never hold a credential (VISION "Safe logs"), and bodies are the
// one place a client's or provider's secret can hide in a record.
//
// What is masked (each replaced by kMask, keeping a short, non-secret prefix so a reader can tell
// what was there):
//   - provider key formats anywhere in the text: sk-..., sk-ant-..., sk-proj-..., sk-or-...,
//     Google AIza..., AWS AKIA.../ASIA..., GitHub ghp_/gho_/ghu_/ghs_/ghr_/github_pat_, Groq gsk_,
//     xAI xai-, Hugging Face hf_, Replicate r8_, Perplexity pplx-, Slack xox?- tokens;
//   - JWTs (eyJ...header.eyJ...payload.signature);
//   - `Bearer <token>` (the word Bearer is kept);
//   - values of credential-named fields in three syntaxes: header lines (`Authorization: ...`,
//     `x-api-key: ...`, `Cookie: ...` at the start of a line or after a quote), JSON members
//     (`"api_key": "..."`, also inside escaped JSON `\"api_key\": \"...\"`) and key=value pairs
//     (`?api_key=...&`, `password=...`). Names are matched without case, '-' or '_': exactly
//     authorization, proxy-authorization, x-parapet-authorization, cookie, set-cookie,
//     access_token, refresh_token, id_token, session_token, auth_token, api_token, x-auth-token,
//     secret_access_key, private_key; or ending in api_key, password, passwd, secret, secret_key,
//     subscription_key. For Authorization values the scheme word is kept ("Basic [REDACTED]").
// Deliberately not masked: bare "token"/"key" members (OpenAI logprobs carry "token": "Hello"),
// short "sk-" words (sk-learn), and prose that only mentions a credential.
// Text is left byte for byte as it was everywhere else. Masking is idempotent.
//
// Thread-safety: pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parapet::observe {

inline constexpr std::string_view kMask = "[REDACTED]";
inline constexpr size_t kNoCap = SIZE_MAX;

struct Scrubbed {
  std::string text;
  size_t masked = 0;       // credentials replaced
  bool truncated = false;  // the text was longer than max_bytes
};

// Masks credentials, then cuts the result to at most max_bytes on a UTF-8 character boundary.
// Only the first max_bytes + 8 KiB of the input are read, so capping a huge body is cheap and a
// secret that starts before the cut is still masked whole.
Scrubbed scrub(std::string_view text, size_t max_bytes = kNoCap);

// A provider key or JWT starting exactly at text[i] (the formats listed above): returns its end,
// and in *keep the length of the non-secret prefix ("sk-ant-"); npos when there is none. For DLP.
size_t match_credential(std::string_view text, size_t i, size_t* keep);

// Safe logs (VISION "Safe logs", docs/logs.md): stored text never carries a live Log4j-style
// lookup. Every "${" becomes "$%7B", which no lookup engine evaluates and which the WAF's
// URL-decoding transform (and restore_lookups) turns back into "${", so a retro-hunt over stored
// records still matches the original attack. Text without "${" is returned unchanged.
inline constexpr std::string_view kNeutralLookup = "$%7B";
std::string neutralize_lookups(std::string_view text);
inline bool has_lookup(std::string_view text) { return text.find("${") != std::string_view::npos; }
// The inverse, for hunting over stored text: "$%7B" back to "${".
std::string restore_lookups(std::string_view text);

}  // namespace parapet::observe
