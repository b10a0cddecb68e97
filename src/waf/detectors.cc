#include "waf/detectors.h"

#include "waf/log4j.h"

namespace parapet::waf {

namespace {

constexpr std::string_view kLog4shellLits[] = {"${"};
constexpr std::string_view kShellshockLits[] = {"("};
constexpr std::string_view kTraversalLits[] = {"..",          "/etc/passwd", "/etc/shadow",
                                               "/proc/self/", "win.ini",     "boot.ini"};

constexpr Detector kDetectors[] = {
    {"log4shell", kLog4shellLits, detect_log4shell},
    {"shellshock", kShellshockLits, detect_shellshock},
    {"traversal", kTraversalLits, detect_traversal},
};

bool ws(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\r' || c == '\n'; }

}  // namespace

const Detector* find_detector(std::string_view name) {
  for (const auto& d : kDetectors) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::span<const Detector> detectors() { return kDetectors; }

bool detect_log4shell(std::string_view text, DetectorHit& hit) {
  log4j::Result r = log4j::scan(text);
  if (r.finding == log4j::Finding::kNone) return false;
  hit.offset = r.offset;
  hit.detail = r.finding == log4j::Finding::kJndi ? "jndi lookup" : "obfuscated lookup";
  return true;
}

// CRS 932170: ^\(\s*\)\s+\{ — we also accept no space before '{' (bash does).
bool detect_shellshock(std::string_view text, DetectorHit& hit) {
  size_t i = 0;
  while (i < text.size() && ws(text[i])) ++i;
  if (i >= text.size() || text[i] != '(') return false;
  size_t start = i++;
  while (i < text.size() && ws(text[i])) ++i;
  if (i >= text.size() || text[i] != ')') return false;
  ++i;
  while (i < text.size() && ws(text[i])) ++i;
  if (i >= text.size() || text[i] != '{') return false;
  hit.offset = start;
  hit.detail = "bash function definition";
  return true;
}

bool detect_traversal(std::string_view text, DetectorHit& hit) {
  auto sep = [](char c) { return c == '/' || c == '\\'; };
  for (size_t i = text.find(".."); i != std::string_view::npos; i = text.find("..", i + 1)) {
    bool before = i == 0 || sep(text[i - 1]) || text[i - 1] == '=';
    bool after = i + 2 < text.size() && sep(text[i + 2]);
    bool at_end = i + 2 == text.size() && before;
    if ((before && after) || at_end) {
      hit.offset = i;
      hit.detail = "dot-dot path segment";
      return true;
    }
  }
  static constexpr std::string_view kFiles[] = {"/etc/passwd",        "/etc/shadow",
                                                "/proc/self/",        "/windows/win.ini",
                                                "\\windows\\win.ini", "boot.ini"};
  for (auto f : kFiles) {
    if (size_t at = text.find(f); at != std::string_view::npos) {
      hit.offset = at;
      hit.detail = "sensitive file";
      return true;
    }
  }
  return false;
}

}  // namespace parapet::waf
