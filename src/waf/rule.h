// A WAF rule as data, and the versioned rule file it comes from (docs/waf.md "Rule format"):
//
//   version = 1
//   [[rule]]
//   id = "log4shell"                       # [A-Za-z0-9._-]{1,64}, unique in the file
//   description = "Log4j JNDI lookup (CVE-2021-44228)"
//   targets = ["uri", "query", "headers", "body"]
//   transforms = ["url_decode", "html_decode", "js_decode"]   # default; "compress_whitespace"
//   detector = "log4shell"                 # or: pattern = "literal" / patterns = ["a", "b"]
//   action = "block"                       # block | log | off
//   severity = "critical"                  # low | medium | high | critical
//   applies_to = "all"                     # all | origins | ai
//
// Patterns are literals, matched case-insensitively after the transforms; there is no regex
// (linear time by construction, no backtracking on untrusted input: Cloudflare's 2019 outage).
// Parse errors name the rule (index and id) and the field.
// Thread-safety: plain values; parse_rules is pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace parapet::waf {

struct Detector;

enum class Action : uint8_t { kOff = 0, kLog = 1, kBlock = 2 };
enum class Severity : uint8_t { kLow, kMedium, kHigh, kCritical };
enum class AppliesTo : uint8_t { kAll, kOrigins, kAi };
enum Target : uint32_t { kUri = 1, kQuery = 2, kHeaders = 4, kBody = 8 };

inline constexpr int kRuleFileVersion = 1;

struct Rule {
  std::string id, description;
  uint32_t targets = kUri | kQuery | kHeaders | kBody;
  uint32_t transforms = 0;            // waf/normalize.h Transform bits
  std::vector<std::string> patterns;  // lower-cased literals
  const Detector* detector = nullptr;
  Action action = Action::kBlock;
  Severity severity = Severity::kHigh;
  AppliesTo applies_to = AppliesTo::kAll;
  bool managed = false;  // shipped in the binary (data/waf_rules.toml)
};

std::string_view action_name(Action a);
std::string_view severity_name(Severity s);
std::string_view target_name(Target t);
std::string_view applies_name(AppliesTo a);
// "block" | "log" | "off"; false when unknown.
bool parse_action(std::string_view s, Action& out);

// Parses a rule file. `origin` names it in error messages ("data/waf_rules.toml", "deploy").
Result<std::vector<Rule>> parse_rules(std::string_view toml_text, std::string_view origin);

// The managed rules (data/waf_rules.toml, compiled in).
const std::vector<Rule>& managed_rules();
std::string_view managed_rules_text();

}  // namespace parapet::waf
