#include "observe/scrub.h"

#include <algorithm>
#include <array>

namespace parapet::observe {

namespace {

constexpr size_t kLookahead = 8192;
constexpr size_t npos = std::string_view::npos;

bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
// Characters of key bodies and of field names.
bool is_word(unsigned char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_upper_digit(unsigned char c) { return is_upper(c) || is_digit(c); }
// Characters of a Bearer token (RFC 6750 b64token).
bool is_b64(unsigned char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}

bool starts_with_nocase(std::string_view t, size_t i, std::string_view p) {
  if (t.size() - i < p.size()) return false;
  for (size_t k = 0; k < p.size(); ++k) {
    if ((static_cast<unsigned char>(t[i + k]) | 0x20) != (static_cast<unsigned char>(p[k]) | 0x20))
      return false;
  }
  return true;
}

size_t run(std::string_view t, size_t i, bool (*pred)(unsigned char)) {
  while (i < t.size() && pred(static_cast<unsigned char>(t[i]))) ++i;
  return i;
}

struct KeyFormat {
  std::string_view prefix;
  size_t min_body;
  bool (*body)(unsigned char);
  // The generic "sk-" would otherwise take hyphenated prose: a real key has a digit or capital.
  bool needs_digit_or_upper;
};

// Longer prefixes first: "sk-ant-" must win over "sk-" so the kept prefix is the telling one.
constexpr KeyFormat kKeyFormats[] = {
    {"sk-ant-", 20, is_word, false},     {"sk-proj-", 20, is_word, false},
    {"sk-svcacct-", 20, is_word, false}, {"sk-or-", 20, is_word, false},
    {"sk-", 20, is_word, true},          {"AIza", 30, is_word, false},
    {"AKIA", 16, is_upper_digit, false}, {"ASIA", 16, is_upper_digit, false},
    {"github_pat_", 30, is_word, false}, {"ghp_", 30, is_word, false},
    {"gho_", 30, is_word, false},        {"ghu_", 30, is_word, false},
    {"ghs_", 30, is_word, false},        {"ghr_", 30, is_word, false},
    {"gsk_", 30, is_word, false},        {"xai-", 30, is_word, false},
    {"hf_", 30, is_word, false},         {"r8_", 30, is_word, false},
    {"pplx-", 30, is_word, false},       {"xoxb-", 10, is_word, false},
    {"xoxp-", 10, is_word, false},       {"xoxa-", 10, is_word, false},
    {"xoxr-", 10, is_word, false},       {"xoxs-", 10, is_word, false},
};

// A provider key starting at i: returns its end and the prefix to keep.
size_t match_key(std::string_view t, size_t i, std::string_view& keep) {
  for (const KeyFormat& f : kKeyFormats) {
    if (t.compare(i, f.prefix.size(), f.prefix) != 0) continue;
    const size_t b = i + f.prefix.size();
    const size_t e = run(t, b, f.body);
    if (e - b < f.min_body) continue;
    if (e < t.size() && is_word(static_cast<unsigned char>(t[e]))) continue;  // e.g. AKIA + 17
    if (f.needs_digit_or_upper && std::none_of(t.begin() + b, t.begin() + e,
                                               [](char c) { return is_digit(c) || is_upper(c); })) {
      continue;
    }
    keep = f.prefix;
    return e;
  }
  return npos;
}

// header.payload.signature, base64url, header and payload being JSON objects ("eyJ").
size_t match_jwt(std::string_view t, size_t i) {
  auto b64url = [](unsigned char c) { return is_alnum(c) || c == '-' || c == '_'; };
  if (t.compare(i, 3, "eyJ") != 0) return npos;
  size_t e = run(t, i, b64url);
  if (e - i < 10 || e >= t.size() || t[e] != '.') return npos;
  const size_t p = e + 1;
  e = run(t, p, b64url);
  if (e - p < 10 || t.compare(p, 3, "eyJ") != 0 || e >= t.size() || t[e] != '.') return npos;
  return run(t, e + 1, b64url);
}

// "Bearer <token>": returns the token's [start, end).
bool match_bearer(std::string_view t, size_t i, size_t& tb, size_t& te) {
  if (!starts_with_nocase(t, i, "bearer")) return false;
  tb = i + 6;
  if (tb >= t.size() || (t[tb] != ' ' && t[tb] != '\t')) return false;
  tb = run(t, tb, [](unsigned char c) { return c == ' ' || c == '\t'; });
  te = run(t, tb, is_b64);
  const size_t n = te - tb;
  const bool digit =
      std::any_of(t.begin() + tb, t.begin() + te, [](char c) { return is_digit(c); });
  return n >= 20 || (n >= 8 && digit);
}

// Name without case, '-' or '_', e.g. "X-Api-Key" → "xapikey". Names over 64 bytes are no
// credential names (and come back empty).
struct Name {
  std::array<char, 64> buf;
  size_t len = 0;
  std::string_view view() const { return {buf.data(), len}; }
};
Name normalize_name(std::string_view name) {
  Name n;
  for (unsigned char c : name) {
    if (c == '-' || c == '_') continue;
    if (n.len == n.buf.size()) return Name{};
    n.buf[n.len++] = static_cast<char>(is_upper(c) ? c | 0x20 : c);
  }
  return n;
}

bool is_auth_name(std::string_view n) {
  return n == "authorization" || n == "proxyauthorization" || n == "xparapetauthorization";
}

bool is_secret_name(std::string_view name) {
  const Name norm = normalize_name(name);
  const std::string_view n = norm.view();
  if (n.empty()) return false;
  static constexpr std::array<std::string_view, 14> kExact = {"authorization",
                                                              "proxyauthorization",
                                                              "xparapetauthorization",
                                                              "cookie",
                                                              "setcookie",
                                                              "accesstoken",
                                                              "refreshtoken",
                                                              "idtoken",
                                                              "sessiontoken",
                                                              "authtoken",
                                                              "apitoken",
                                                              "xauthtoken",
                                                              "secretaccesskey",
                                                              "privatekey"};
  static constexpr std::array<std::string_view, 6> kSuffix = {
      "apikey", "password", "passwd", "secret", "secretkey", "subscriptionkey"};
  if (std::find(kExact.begin(), kExact.end(), n) != kExact.end()) return true;
  return std::any_of(kSuffix.begin(), kSuffix.end(),
                     [&](std::string_view s) { return n.ends_with(s); });
}

// End of a quoted value starting at b (just after the opening quote q).
size_t quoted_end(std::string_view t, size_t b, std::string_view q) {
  if (q == "\"") {
    for (size_t k = b; k < t.size(); ++k) {
      if (t[k] == '\\') {
        ++k;
      } else if (t[k] == '"' || t[k] == '\n') {
        return k;
      }
    }
    return t.size();
  }
  const size_t e = t.find(q, b);
  return e == npos ? t.size() : e;
}

struct Scanner {
  std::string_view t;
  std::string& out;
  size_t masked = 0;

  // Appends t[from, vb), then the masked value t[vb, ve), and returns ve.
  size_t mask_value(size_t from, size_t vb, size_t ve, bool keep_scheme) {
    size_t keep = vb;
    if (keep_scheme) {  // "Basic xyz" → keep "Basic "
      const size_t w = run(t, vb, is_alpha);
      if (w > vb && w < ve && t[w] == ' ')
        keep = run(t, w, [](unsigned char c) { return c == ' '; });
    }
    const std::string_view rest = t.substr(keep, ve - keep);
    out.append(t.substr(from, keep - from));
    if (rest.empty() || rest == kMask) {
      out.append(rest);
    } else {
      out.append(kMask);
      ++masked;
    }
    return ve;
  }

  // `"name": "value"` or `\"name\": \"value\"` at i (on the opening quote).
  size_t named_quoted(size_t i) {
    const std::string_view q = t[i] == '\\' ? std::string_view("\\\"") : t.substr(i, 1);
    const size_t nb = i + q.size();
    const size_t ne = run(t, nb, is_word);
    if (ne == nb || t.compare(ne, q.size(), q) != 0) return npos;
    const std::string_view name = t.substr(nb, ne - nb);
    if (!is_secret_name(name)) return npos;
    size_t k = run(t, ne + q.size(), [](unsigned char c) { return c == ' ' || c == '\t'; });
    if (k >= t.size() || t[k] != ':') return npos;
    k = run(t, k + 1, [](unsigned char c) { return c == ' ' || c == '\t'; });
    if (t.compare(k, q.size(), q) != 0) return npos;  // null, numbers, objects: nothing to hide
    const size_t vb = k + q.size();
    return mask_value(i, vb, quoted_end(t, vb, q), is_auth_name(normalize_name(name).view()));
  }

  // `Name: value` (header line) or `name=value` at i (on the name).
  size_t named_plain(size_t i) {
    auto blank = [](unsigned char c) { return c == ' ' || c == '\t'; };
    const size_t ne = run(t, i, is_word);
    const size_t sep = run(t, ne, blank);
    if (sep >= t.size() || (t[sep] != ':' && t[ne] != '=')) return npos;  // cheap test first
    const std::string_view name = t.substr(i, ne - i);
    if (!is_secret_name(name)) return npos;
    const bool auth = is_auth_name(normalize_name(name).view());
    const char before = i > 0 ? t[i - 1] : '\n';
    if (ne < t.size() && t[ne] == '=') {
      const size_t vb = ne + 1;
      if (vb < t.size() && (t[vb] == '"' || t[vb] == '\'')) {
        const std::string_view q = t.substr(vb, 1);
        return mask_value(i, vb + 1, quoted_end(t, vb + 1, q), auth);
      }
      const size_t ve = run(t, vb, [](unsigned char c) {
        return c > ' ' && c != '&' && c != ';' && c != ',' && c != '"' && c != '\'' && c != '<' &&
               c != '>' && c != '(' && c != ')' && c != '[' && c != ']' && c != '{' && c != '}';
      });
      return ve == vb ? npos : mask_value(i, vb, ve, false);
    }
    // Header style only where a header can be: at the start of a line, or quoted (curl -H "...").
    size_t ls = i;
    while (ls > 0 && blank(t[ls - 1])) --ls;
    const bool line_start = ls == 0 || t[ls - 1] == '\n';
    if (!line_start && before != '"' && before != '\'') return npos;
    if (t[sep] != ':') return npos;
    const size_t vb = run(t, sep + 1, blank);
    if (vb < t.size() && t[vb] == '"' && line_start) {
      return mask_value(i, vb + 1, quoted_end(t, vb + 1, "\""), auth);
    }
    size_t ve = vb;
    while (ve < t.size() && t[ve] != '\r' && t[ve] != '\n' &&
           !((before == '"' || before == '\'') && t[ve] == before)) {
      ++ve;
    }
    while (ve > vb && blank(t[ve - 1])) --ve;
    return ve == vb ? npos : mask_value(i, vb, ve, auth);
  }

  // Tries every rule at a word boundary; returns the position after what it consumed.
  size_t at_boundary(size_t i) {
    const unsigned char c = t[i];
    if (c == '"' || c == '\'' || (c == '\\' && i + 1 < t.size() && t[i + 1] == '"')) {
      return named_quoted(i);
    }
    if (!is_alpha(c)) return npos;
    size_t tb, te;
    if (match_bearer(t, i, tb, te)) {
      out.append(t.substr(i, tb - i));
      out.append(kMask);
      ++masked;
      return te;
    }
    std::string_view keep;
    size_t e = std::string_view("sAghxrp").find(static_cast<char>(c)) != npos
                   ? match_key(t, i, keep)
                   : npos;
    if (e == npos && (e = match_jwt(t, i)) != npos) keep = "eyJ";
    if (e != npos) {
      out.append(keep);
      out.append(kMask);
      ++masked;
      return e;
    }
    return named_plain(i);
  }

  void scan() {
    size_t i = 0;
    while (i < t.size()) {
      const unsigned char c = t[i];
      const bool boundary = i == 0 || !is_word(static_cast<unsigned char>(t[i - 1]));
      if (boundary) {
        const size_t next = at_boundary(i);
        if (next != npos) {
          i = next;
          continue;
        }
      }
      if (is_word(c)) {  // the rest of this word cannot start a match
        const size_t e = run(t, i, is_word);
        out.append(t.substr(i, e - i));
        i = e;
      } else {
        out += static_cast<char>(c);
        ++i;
      }
    }
  }
};

// The largest cut <= `cut` that does not split a UTF-8 character.
size_t utf8_floor(std::string_view s, size_t cut) {
  cut = std::min(cut, s.size());
  size_t p = cut;
  while (p > 0 && cut - p < 3 && (static_cast<unsigned char>(s[p - 1]) & 0xC0) == 0x80) --p;
  if (p == 0) return cut;
  const auto lead = static_cast<unsigned char>(s[p - 1]);
  const size_t len = lead < 0x80         ? 1
                     : (lead >> 5) == 6  ? 2
                     : (lead >> 4) == 14 ? 3
                     : (lead >> 3) == 30 ? 4
                                         : 1;
  return p - 1 + len > cut ? p - 1 : cut;
}

}  // namespace

Scrubbed scrub(std::string_view text, size_t max_bytes) {
  Scrubbed r;
  const bool whole = text.size() - std::min(text.size(), kLookahead) <= max_bytes;
  const std::string_view window = whole ? text : text.substr(0, max_bytes + kLookahead);
  r.text.reserve(std::min(window.size(), max_bytes));
  Scanner s{window, r.text};
  s.scan();
  r.masked = s.masked;
  if (r.text.size() > max_bytes || !whole) {
    r.text.resize(utf8_floor(r.text, max_bytes));
    r.truncated = true;
  }
  return r;
}

}  // namespace parapet::observe
