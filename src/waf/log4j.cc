// Follows Log4j 2.14's StrSubstitutor.substitute() and Interpolator.lookup():
//  - "${" starts a variable; its end is the "}" that balances nested "${" (escaped ones count);
//  - "$${" is the escape: the '$' is dropped and scanning continues inside;
//  - the variable's text is substituted first, then split at the first ":-" into name and
//    default; Interpolator lower-cases the prefix before the first ':' and asks that lookup;
//    an unknown prefix, or a lookup that finds nothing, yields the default, or (none) leaves the
//    original "${...}" text in place;
//  - a value (or default) is itself substituted again before it replaces the variable.
#include "waf/log4j.h"

#include <algorithm>
#include <cstdint>

namespace parapet::waf::log4j {

namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kResolvedCap = 256;

struct Ctx {
  int64_t fuel = 0;
  bool exhausted = false;
  int64_t resolved = 0;  // lookups that produced a value or used their default
  Finding finding = Finding::kNone;
  size_t out_cap = 1 << 16;
};

bool starts_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != prefix[i]) return false;
  }
  return true;
}

// Index of the '}' closing a variable whose text starts at `from`, or npos.
size_t match_end(std::string_view s, size_t from, Ctx& c) {
  int nested = 0;
  for (size_t i = from; i < s.size(); ++i) {
    if (--c.fuel < 0) {
      c.exhausted = true;
      return kNpos;
    }
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      ++nested;
      ++i;
    } else if (s[i] == '}') {
      if (nested == 0) return i;
      --nested;
    }
  }
  return kNpos;
}

// First `ch` outside nested variables, or npos.
size_t level0_find(std::string_view s, char ch) {
  int nested = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      ++nested;
      ++i;
    } else if (s[i] == '}') {
      if (nested > 0) --nested;
    } else if (nested == 0 && s[i] == ch) {
      return i;
    }
  }
  return kNpos;
}

// String.toLowerCase / toUpperCase for what matters here: ASCII and the non-ASCII letters whose
// case mapping lands in ASCII.
std::string java_case(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (upper) {
      if (c >= 'a' && c <= 'z') {
        out += static_cast<char>(c - 32);
        continue;
      }
      if (c == 0xC4 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xB1) {
        out += 'I';  // ı dotless i
        ++i;
        continue;
      }
      if (c == 0xC5 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF) {
        out += 'S';  // ſ long s
        ++i;
        continue;
      }
    } else {
      if (c >= 'A' && c <= 'Z') {
        out += static_cast<char>(c + 32);
        continue;
      }
      if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x84 &&
          static_cast<unsigned char>(s[i + 2]) == 0xAA) {
        out += 'k';  // K Kelvin sign
        i += 2;
        continue;
      }
      if (c == 0xC4 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xB0) {
        out += "i\xCC\x87";  // İ → i + combining dot above
        ++i;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

// SimpleDateFormat: quoted text is literal ('' is a quote), letters are fields (a digit here),
// anything else is literal.
std::string date_literal(std::string_view p) {
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\'') {
      if (i + 1 < p.size() && p[i + 1] == '\'') {
        out += '\'';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (!quoted && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      out += '0';
    } else {
      out += c;
    }
  }
  return out;
}

bool jndi_protocol(std::string_view key) {
  static constexpr std::string_view kProtocols[] = {
      "ldap:", "ldaps:", "rmi:",  "dns:",   "iiop:",    "nis:",
      "nds:",  "corba:", "http:", "https:", "iiopname:"};
  for (auto p : kProtocols) {
    if (starts_ci(key, p)) return true;
  }
  return false;
}

// Interpolator.lookup: value, or false when nothing is found.
bool lookup(std::string_view var, Ctx& c, std::string& value) {
  size_t colon = var.find(':');
  if (colon == kNpos) return false;  // default lookup: configuration properties, none here
  std::string_view prefix = var.substr(0, colon), key = var.substr(colon + 1);
  auto is = [&](std::string_view name) {
    return prefix.size() == name.size() && starts_ci(prefix, name);
  };
  if (is("jndi")) {
    if (jndi_protocol(key)) c.finding = Finding::kJndi;
    return false;
  }
  if (is("lower")) {
    value = java_case(key, false);
    return true;
  }
  if (is("upper")) {
    value = java_case(key, true);
    return true;
  }
  if (is("date")) {
    value = date_literal(key);
    return true;
  }
  return false;  // env, sys, java, ctx, main, k8s, unknown junk: nothing to find
}

void substitute(std::string_view s, int depth, std::string& out, Ctx& c);

// Evaluates the variable s[start..end] ("${" ... "}"), appending its replacement.
void variable(std::string_view s, size_t start, size_t end, int depth, std::string& out, Ctx& c) {
  std::string_view raw = s.substr(start, end + 1 - start);
  std::string_view expr = s.substr(start + 2, end - start - 2);
  if (depth >= kMaxDepth) {
    c.exhausted = true;
    out.append(raw);
    return;
  }
  // The lookup's prefix (before the first ':' outside nested variables) is substituted on its
  // own: a prefix assembled by a lookup that resolved (${${lower:j}ndi:..}, ${${::-j}..}) is only
  // ever evasion, while nesting after it (${A:-${B:-x}}, ${v:=${d:-x}}) is ordinary shell.
  size_t split = level0_find(expr, ':');
  std::string_view raw_prefix = expr.substr(0, split);
  std::string name;
  int64_t before = c.resolved;
  substitute(raw_prefix, depth + 1, name, c);
  if (c.resolved != before && name != raw_prefix && c.finding == Finding::kNone) {
    c.finding = Finding::kObfuscated;
  }
  if (split != kNpos) substitute(expr.substr(split), depth + 1, name, c);
  if (c.exhausted || c.finding == Finding::kJndi) return;
  size_t dflt = name.find(":-");
  std::string value;
  bool found = lookup(std::string_view(name).substr(0, dflt), c, value);
  if (c.finding == Finding::kJndi) return;
  if (!found && dflt != kNpos) {
    value = name.substr(dflt + 2);
    found = true;
  }
  if (!found) {
    out.append(raw);
    return;
  }
  ++c.resolved;
  substitute(value, depth + 1, out, c);
}

void substitute(std::string_view s, int depth, std::string& out, Ctx& c) {
  size_t i = 0;
  while (i < s.size()) {
    if (--c.fuel < 0 || out.size() > c.out_cap) {
      c.exhausted = true;
      return;
    }
    if (s[i] == '$' && i + 2 < s.size() && s[i + 1] == '$' && s[i + 2] == '{') {
      out += "${";  // the escape: "${" as text, its inside scanned as usual
      i += 3;
      continue;
    }
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t end = match_end(s, i + 2, c);
      if (c.exhausted) return;
      if (end == kNpos) {  // unterminated: Log4j leaves it as text
        out.append(s.substr(i));
        return;
      }
      variable(s, i, end, depth, out, c);
      if (c.exhausted || c.finding == Finding::kJndi) return;
      i = end + 1;
      continue;
    }
    out += s[i++];
  }
}

Result scan_once(std::string_view text) {
  Result r;
  size_t i = 0;
  while ((i = text.find("${", i)) != kNpos) {
    // Whole top-level expressions only: an escaped "$${" starts at its first '$'.
    size_t start = (i > 0 && text[i - 1] == '$') ? i - 1 : i;
    Ctx c;
    c.fuel = 4096;
    size_t end = match_end(text, i + 2, c);
    if (end == kNpos) {
      if (!c.exhausted) return r;  // unterminated: nothing after it is a lookup either
      end = text.size() - 1;
    }
    std::string_view expr = text.substr(start, end + 1 - start);
    c = Ctx{};
    c.fuel = 16 * static_cast<int64_t>(expr.size()) + 4096;
    c.out_cap = 4 * expr.size() + 4096;
    std::string out;
    substitute(expr, 0, out, c);
    if (c.finding == Finding::kNone && c.exhausted &&
        expr.find("${", 2) != std::string_view::npos) {
      c.finding = Finding::kObfuscated;  // nested past the budget: no benign text does that
    }
    if (c.finding != Finding::kNone) {
      r.finding = c.finding;
      r.offset = start;
      r.resolved = out.substr(0, kResolvedCap);
      return r;
    }
    i = end + 1;
  }
  return r;
}

}  // namespace

Result scan(std::string_view text) {
  Result r = scan_once(text);
  if (r.finding != Finding::kNone) return r;
  size_t first = text.find("${");
  if (first == kNpos) return r;
  // Second order: text that becomes a lookup once substituted (escapes, "$" produced by a
  // default: $${env:x:-${env:y:-$}{jndi:..}}) fires wherever the logged text is substituted
  // again (a lookup's value, a re-logging pipeline). CRS 944150 treats it as an attack too.
  std::string once = resolve(text, 4 * text.size() + 4096);
  if (once == text || once.find("${") == std::string::npos) return r;
  Result second = scan_once(once);
  if (second.finding == Finding::kNone) return r;
  second.offset = first > 0 && text[first - 1] == '$' ? first - 1 : first;
  return second;
}

std::string resolve(std::string_view text, size_t max_out) {
  Ctx c;
  c.fuel = 16 * static_cast<int64_t>(text.size()) + 4096;
  c.out_cap = max_out;
  std::string out;
  substitute(text, 0, out, c);
  if (out.size() > max_out) out.resize(max_out);
  return out;
}

}  // namespace parapet::waf::log4j
