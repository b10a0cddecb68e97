// Log4Shell (CVE-2021-44228, -45046, -45105) detection by evaluation, not by pattern: the resolver
// substitutes Log4j 2 lookups the way StrSubstitutor + Interpolator do, then asks whether Log4j
// would have performed a JNDI lookup. Obfuscations stop mattering because they are evaluated:
//
//   ${lower:J} ${upper:ı}        lower / upper case (Java rules: ı → I, ſ → S, K(U+212A) → k)
//   ${::-j} ${env:X:-j}          an unresolvable variable (empty, env, sys, unknown prefix, junk)
//   ${junk:key:-j}                 yields its default after ":-"
//   ${date:'j'}                  the quoted literal of a date pattern
//   ${${lower:j}ndi:...}         substitution inside variable names, nested to kMaxDepth
//   $${x}                        the escape: "${x}" as text — which Log4j substitutes again when it
//                                comes back as a lookup's value (so it is evaluated here too)
//   ${jndi:...                   unterminated: left as text, as Log4j does
//
// A finding is either kJndi (the name resolves to jndi:<ldap|ldaps|rmi|dns|iiop|nis|nds|corba|
// http|https>:..., any case) or kObfuscated (a lookup whose *name*, before ":-", was built by a
// nested lookup that resolved: nothing but an evasion does that; CVE-2021-45105's recursion
// ${${::-${::-$${::-j}}}} is one). Code in prompts is not flagged: ${HOME:-/root},
// ${VAR:-${OTHER:-x}} (nesting in the default), ${x} template literals, ${var.x},
// ${server.port:8080}.
//
// Cost: each top-level "${" expression is evaluated with a work budget of 16 × its length +
// 4096 steps and nesting depth kMaxDepth; past either, the expression counts as kObfuscated if it
// nests lookups (benign text does not nest 16 deep) and evaluation stops. Linear in the input.
// Thread-safety: pure.
#pragma once

#include <string>
#include <string_view>

namespace parapet::waf::log4j {

inline constexpr int kMaxDepth = 16;

enum class Finding { kNone, kJndi, kObfuscated };

struct Result {
  Finding finding = Finding::kNone;
  size_t offset = 0;     // where the top-level "${" of the finding starts in the input
  std::string resolved;  // what Log4j would see for that expression (capped at 256 bytes)
};

// Scans `text` (already URL/HTML/JS-decoded) for the first top-level lookup that Log4j would turn
// into a JNDI call, or that is obfuscated. Stops at the first finding.
Result scan(std::string_view text);

// The whole of `text` with every lookup substituted, as Log4j 2 would log it (tests, tools).
// Output capped at `max_out` bytes.
std::string resolve(std::string_view text, size_t max_out = 1 << 16);

}  // namespace parapet::waf::log4j
