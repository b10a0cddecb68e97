#include "observe/scrub.h"

#include <algorithm>
#include <array>

namespace parapet::observe {

namespace {

constexpr size_t kLookahead = 8192;
constexpr size_t npos = std::string_view::npos;

// Character classes, one table lookup per byte on the scanning path.
enum : uint8_t {
  kAlpha = 1,
  kDigit = 2,
  kUpper = 4,
  kWordOther = 8,
  kB64Other = 16,
  kKeyStart = 32
};
constexpr std::array<uint8_t, 256> kClass = [] {
  std::array<uint8_t, 256> c{};
  for (int ch = 'a'; ch <= 'z'; ++ch) c[ch] = kAlpha;
  for (int ch = 'A'; ch <= 'Z'; ++ch) c[ch] = kAlpha | kUpper;
  for (int ch = '0'; ch <= '9'; ++ch) c[ch] = kDigit;
  c['_'] = c['-'] = kWordOther;
  for (unsigned char ch : {'.', '~', '+', '/', '='}) c[ch] = kB64Other;
  for (unsigned char ch : {'s', 'A', 'g', 'h', 'x', 'r', 'p'}) c[ch] |= kKeyStart;  // kKeyFormats
  return c;
}();
bool has(unsigned char c, uint8_t m) { return (kClass[c] & m) != 0; }
bool is_alpha(unsigned char c) { return has(c, kAlpha); }
bool is_digit(unsigned char c) { return has(c, kDigit); }
bool is_alnum(unsigned char c) { return has(c, kAlpha | kDigit); }
bool is_upper(unsigned char c) { return has(c, kUpper); }
// Characters of key bodies and of field names.
bool is_word(unsigned char c) { return has(c, kAlpha | kDigit | kWordOther); }
bool is_upper_digit(unsigned char c) { return has(c, kUpper | kDigit); }
// Characters of a Bearer token (RFC 6750 b64token).
bool is_b64(unsigned char c) { return has(c, kAlpha | kDigit | kWordOther | kB64Other); }
bool is_blank(unsigned char c) { return c == ' ' || c == '\t'; }
bool is_hex(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

bool starts_with_nocase(std::string_view t, size_t i, std::string_view p) {
  if (t.size() - i < p.size()) return false;
  for (size_t k = 0; k < p.size(); ++k) {
    if ((static_cast<unsigned char>(t[i + k]) | 0x20) != (static_cast<unsigned char>(p[k]) | 0x20))
      return false;
  }
  return true;
}

template <class Pred>
size_t run(std::string_view t, size_t i, Pred pred) {
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
    if (f.prefix[0] != t[i] || t.compare(i, f.prefix.size(), f.prefix) != 0) continue;
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
  if (t.compare(tb, 3, "%20") == 0 || t.compare(tb, 1, "+") == 0) {  // URL/form encoded
    tb += t[tb] == '+' ? 1 : 3;
  } else if (tb < t.size() && is_blank(t[tb])) {
    tb = run(t, tb, is_blank);
  } else {
    return false;
  }
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

// Copies the text through, masking as it goes. Unchanged stretches are appended in bulk: `copied_`
// marks how far the output has caught up with the input.
class Scanner {
 public:
  Scanner(std::string_view t, std::string& out) : t_(t), out_(out) {}

  size_t scan() {
    size_t i = 0;
    while (i < t_.size()) {
      const auto c = static_cast<unsigned char>(t_[i]);
      if (is_word(c)) {  // a word start: the loop skips whole words, so t_[i-1] is no word char
        const size_t e = run(t_, i, is_word);
        const size_t next = is_alpha(c) ? at_word(i, e) : npos;
        i = next == npos ? e : next;
      } else if (c == '"' || c == '\'' || c == '\\') {
        const size_t next = named_quoted(i);
        i = next == npos ? i + 1 + escape_len(i) : next;
      } else if (c == '%' && i + 2 < t_.size() && is_hex(t_[i + 1]) && is_hex(t_[i + 2])) {
        i += 3;  // "%20sk-...": a word starts after a percent-escape
      } else {
        ++i;
      }
    }
    out_.append(t_.substr(copied_));
    return masked_;
  }

 private:
  // Output t_[copied_, keep_to), then the mask; the input resumes at `end`.
  size_t emit_mask(size_t keep_to, size_t end) {
    out_.append(t_.substr(copied_, keep_to - copied_));
    out_.append(kMask);
    ++masked_;
    return copied_ = end;
  }

  // At a backslash, the length of a JSON escape's letters after it ("\\nsk-..." in a JSON body
  // is a newline and a key: the key is a word of its own).
  size_t escape_len(size_t i) const {
    if (t_[i] != '\\' || i + 1 >= t_.size()) return 0;
    const char e = t_[i + 1];
    if (e == 'n' || e == 'r' || e == 't' || e == 'b' || e == 'f') return 1;
    if (e == 'u' && i + 5 < t_.size() && is_hex(t_[i + 2]) && is_hex(t_[i + 3]) &&
        is_hex(t_[i + 4]) && is_hex(t_[i + 5])) {
      return 5;
    }
    return 0;
  }

  // Rules that start at a word [i, e).
  size_t at_word(size_t i, size_t e) {
    const auto c = static_cast<unsigned char>(t_[i]);
    size_t tb, te;
    if (e - i == 6 && (c | 0x20) == 'b' && match_bearer(t_, i, tb, te)) return emit_mask(tb, te);
    std::string_view keep;
    size_t end = has(c, kKeyStart) ? match_key(t_, i, keep) : npos;
    if (end == npos && c == 'e' && (end = match_jwt(t_, i)) != npos) keep = "eyJ";
    if (end != npos) return emit_mask(i + keep.size(), end);
    // A credential name is followed by '=' or by blanks and ':'.
    if (e < t_.size() && t_[e] == '=') return named_plain(i, e);
    const size_t sep = run(t_, e, is_blank);
    return sep < t_.size() && t_[sep] == ':' ? named_plain(i, e) : npos;
  }

  // Masks the value t_[vb, ve) (keeping an Authorization scheme word) and returns ve.
  size_t mask_value(size_t vb, size_t ve, bool keep_scheme) {
    size_t keep = vb;
    if (keep_scheme) {  // "Basic xyz" → keep "Basic "
      const size_t w = run(t_, vb, is_alpha);
      if (w > vb && w < ve && t_[w] == ' ') keep = run(t_, w, is_blank);
    }
    const std::string_view rest = t_.substr(keep, ve - keep);
    if (rest.empty() || rest == kMask) return ve;  // nothing to hide, or already hidden
    return emit_mask(keep, ve);
  }

  // `"name": "value"`, `'name': 'value'` or `\"name\": \"value\"` at i (on the opening quote).
  size_t named_quoted(size_t i) {
    std::string_view q = t_.substr(i, 1);
    if (q == "\\") {
      if (t_.compare(i, 2, "\\\"") != 0) return npos;
      q = t_.substr(i, 2);
    }
    const size_t nb = i + q.size();
    if (nb >= t_.size() || !is_alpha(static_cast<unsigned char>(t_[nb]))) return npos;
    const size_t ne = run(t_, nb, is_word);
    if (ne >= t_.size() || t_[ne] != q.front() || t_.compare(ne, q.size(), q) != 0) return npos;
    size_t k = run(t_, ne + q.size(), is_blank);
    if (k >= t_.size() || t_[k] != ':') return npos;
    const std::string_view name = t_.substr(nb, ne - nb);
    if (!is_secret_name(name)) return npos;
    k = run(t_, k + 1, is_blank);
    if (t_.compare(k, q.size(), q) != 0) return npos;  // null, numbers, objects: nothing to hide
    const size_t vb = k + q.size();
    return mask_value(vb, quoted_end(t_, vb, q), is_auth_name(normalize_name(name).view()));
  }

  // `Name: value` (header line) or `name=value`, the name being the word [i, ne).
  size_t named_plain(size_t i, size_t ne) {
    const std::string_view name = t_.substr(i, ne - i);
    if (!is_secret_name(name)) return npos;
    const bool auth = is_auth_name(normalize_name(name).view());
    const char before = i > 0 ? t_[i - 1] : '\n';
    if (t_[ne] == '=') {
      const size_t vb = ne + 1;
      if (vb < t_.size() && (t_[vb] == '"' || t_[vb] == '\'')) {
        return mask_value(vb + 1, quoted_end(t_, vb + 1, t_.substr(vb, 1)), auth);
      }
      const size_t ve = run(t_, vb, [](unsigned char c) {
        return c > ' ' && c != '&' && c != ';' && c != ',' && c != '"' && c != '\'' && c != '<' &&
               c != '>' && c != '(' && c != ')' && c != '[' && c != ']' && c != '{' && c != '}';
      });
      return ve == vb ? npos : mask_value(vb, ve, false);
    }
    const size_t sep = run(t_, ne, is_blank);
    if (sep >= t_.size() || t_[sep] != ':') return npos;
    // Header style only where a header can be: at the start of a line, or quoted (curl -H "...").
    size_t ls = i;
    while (ls > 0 && is_blank(t_[ls - 1])) --ls;
    const bool line_start = ls == 0 || t_[ls - 1] == '\n';
    if (!line_start && before != '"' && before != '\'') return npos;
    const size_t vb = run(t_, sep + 1, is_blank);
    if (vb < t_.size() && t_[vb] == '"' && line_start) {
      return mask_value(vb + 1, quoted_end(t_, vb + 1, "\""), auth);
    }
    size_t ve = vb;
    while (ve < t_.size() && t_[ve] != '\r' && t_[ve] != '\n' &&
           !((before == '"' || before == '\'') && t_[ve] == before)) {
      ++ve;
    }
    while (ve > vb && is_blank(t_[ve - 1])) --ve;
    return ve == vb ? npos : mask_value(vb, ve, auth);
  }

  const std::string_view t_;
  std::string& out_;
  size_t copied_ = 0;
  size_t masked_ = 0;
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

size_t match_credential(std::string_view text, size_t i, size_t* keep) {
  if (i >= text.size()) return npos;
  const auto c = static_cast<unsigned char>(text[i]);
  std::string_view prefix;
  size_t end = has(c, kKeyStart) ? match_key(text, i, prefix) : npos;
  if (end == npos && c == 'e' && (end = match_jwt(text, i)) != npos) prefix = "eyJ";
  if (end != npos && keep) *keep = prefix.size();
  return end;
}

std::string neutralize_lookups(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  size_t from = 0;
  for (size_t at = text.find("${"); at != npos; at = text.find("${", at + 2)) {
    out.append(text, from, at - from);
    out += kNeutralLookup;
    from = at + 2;
  }
  out.append(text, from);
  return out;
}

std::string restore_lookups(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t from = 0;
  for (size_t at = text.find(kNeutralLookup); at != npos;
       at = text.find(kNeutralLookup, at + kNeutralLookup.size())) {
    out.append(text, from, at - from);
    out += "${";
    from = at + kNeutralLookup.size();
  }
  out.append(text, from);
  return out;
}

Scrubbed scrub(std::string_view text, size_t max_bytes) {
  Scrubbed r;
  const bool whole = text.size() - std::min(text.size(), kLookahead) <= max_bytes;
  const std::string_view window = whole ? text : text.substr(0, max_bytes + kLookahead);
  r.text.reserve(std::min(window.size(), max_bytes));
  r.masked = Scanner(window, r.text).scan();
  if (r.text.size() > max_bytes || !whole) {
    r.text.resize(utf8_floor(r.text, max_bytes));
    r.truncated = true;
  }
  return r;
}

}  // namespace parapet::observe
