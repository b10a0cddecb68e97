// The special detectors a rule can name instead of literal patterns (`detector = "..."`). Each has
// the literals that must occur for it to possibly match (the Hyperscan prefilter) and a precise,
// linear-time confirmation in C++ over normalized (decoded, lower-case) text.
//
//   log4shell   waf/log4j.h: evaluates Log4j lookups, flags JNDI calls and obfuscated lookups
//   shellshock  a value that begins with a bash function definition "() {" (CVE-2014-6271)
//   traversal   a ".." path segment (after decoding, '\' as '/') or a well-known sensitive file
// Adding one: a function here and one line in kDetectors (detectors.cc).
// Thread-safety: pure.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace parapet::waf {

struct DetectorHit {
  size_t offset = 0;   // where in the text the finding starts
  std::string detail;  // e.g. "jndi lookup", what Log4j would see; may be empty
};

struct Detector {
  std::string_view name;
  std::span<const std::string_view> prefilter;  // empty: always confirm
  bool (*confirm)(std::string_view text, DetectorHit& hit);
};

// nullptr for an unknown name.
const Detector* find_detector(std::string_view name);
std::span<const Detector> detectors();

bool detect_log4shell(std::string_view text, DetectorHit& hit);
bool detect_shellshock(std::string_view text, DetectorHit& hit);
bool detect_traversal(std::string_view text, DetectorHit& hit);

}  // namespace parapet::waf
