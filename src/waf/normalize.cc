#include "waf/normalize.h"

#include <array>
#include <cstring>
#include <vector>

namespace parapet::waf {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool hex_run(std::string_view s, size_t at, size_t n, uint32_t& v) {
  if (at + n > s.size()) return false;
  v = 0;
  for (size_t i = 0; i < n; ++i) {
    int h = hex_value(s[at + i]);
    if (h < 0) return false;
    v = v * 16 + static_cast<uint32_t>(h);
  }
  return true;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x110000) {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += "\xEF\xBF\xBD";
  }
}

// Overlong two-byte forms decoders have historically accepted for '.', '/' and '\'.
char overlong(uint32_t b1, uint32_t b2) {
  uint32_t cp = ((b1 & 0x1F) << 6) | (b2 & 0x3F);
  if ((b1 == 0xC0 || b1 == 0xC1) && (b2 & 0xC0) == 0x80 && (cp == '.' || cp == '/' || cp == '\\')) {
    return static_cast<char>(cp);
  }
  return 0;
}

}  // namespace

bool url_decode_once(std::string_view in, std::string& out, bool plus) {
  out.clear();
  out.reserve(in.size());
  bool changed = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    uint32_t v = 0, v2 = 0;
    if (c == '%' && hex_run(in, i + 1, 2, v)) {
      // %c0%af and friends: an overlong '/' that naive decoders turn into a real one.
      if ((v == 0xC0 || v == 0xC1) && i + 5 < in.size() && in[i + 3] == '%' &&
          hex_run(in, i + 4, 2, v2)) {
        if (char o = overlong(v, v2)) {
          out += o;
          i += 5;
          changed = true;
          continue;
        }
      }
      out += static_cast<char>(v);
      i += 2;
      changed = true;
    } else if (c == '%' && i + 5 < in.size() && (in[i + 1] == 'u' || in[i + 1] == 'U') &&
               hex_run(in, i + 2, 4, v)) {
      append_utf8(out, v);
      i += 5;
      changed = true;
    } else if (c == '+' && plus) {
      out += ' ';
      changed = true;
    } else {
      out += c;
    }
  }
  // Raw overlong bytes (not percent-encoded) are folded too.
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (char o =
            overlong(static_cast<unsigned char>(out[i]), static_cast<unsigned char>(out[i + 1]))) {
      out[i] = o;
      out.erase(i + 1, 1);
      changed = true;
    }
  }
  return changed;
}

namespace {

// Whether url_decode_once could change anything: the common case (no '%', '+' or overlong lead
// byte) is answered by one pass over the bytes, without copying.
bool may_url_decode(std::string_view in, bool plus) {
  for (char c : in) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '%' || (plus && c == '+') || u == 0xC0 || u == 0xC1) return true;
  }
  return false;
}

}  // namespace

void url_decode(std::string_view in, std::string& out, bool plus, int passes) {
  std::string next;
  url_decode(in, out, plus, passes, next);
}

void url_decode(std::string_view in, std::string& out, bool plus, int passes, std::string& next) {
  if (!may_url_decode(in, plus)) {
    out.assign(in);
    return;
  }
  out.assign(in);
  for (int p = 0; p < passes; ++p) {
    // '+' is a space only in the first pass: a decoded %2B is a real plus.
    if (p > 0 && !may_url_decode(out, false)) break;
    if (!url_decode_once(out, next, plus && p == 0)) break;
    out.swap(next);
  }
}

void html_decode(std::string_view in, std::string& out) {
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"dollar", '$'}, {"lbrace", '{'}, {"lcub", '{'},   {"rbrace", '}'}, {"rcub", '}'},
      {"colon", ':'},  {"sol", '/'},    {"period", '.'}, {"lt", '<'},     {"gt", '>'},
      {"quot", '"'},   {"apos", '\''},  {"amp", '&'},    {"bsol", '\\'},  {"lpar", '('},
      {"rpar", ')'},   {"num", '#'},    {"excl", '!'}};
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '&') {
      out += in[i];
      continue;
    }
    size_t j = i + 1;
    if (j < in.size() && in[j] == '#') {
      ++j;
      bool hex = j < in.size() && (in[j] == 'x' || in[j] == 'X');
      if (hex) ++j;
      uint32_t v = 0;
      size_t start = j;
      while (j < in.size() && j - start < 7) {
        int h = hex ? hex_value(in[j]) : (in[j] >= '0' && in[j] <= '9' ? in[j] - '0' : -1);
        if (h < 0) break;
        v = v * (hex ? 16 : 10) + static_cast<uint32_t>(h);
        ++j;
      }
      if (j == start) {
        out += '&';
        continue;
      }
      if (j < in.size() && in[j] == ';') ++j;
      append_utf8(out, v);
      i = j - 1;
      continue;
    }
    bool done = false;
    for (const auto& [name, c] : kNamed) {
      if (in.size() - j < name.size()) continue;
      bool eq = true;
      for (size_t k = 0; k < name.size() && eq; ++k) {
        eq = (in[j + k] | 0x20) == name[k];
      }
      if (!eq) continue;
      size_t end = j + name.size();
      if (end < in.size() && in[end] == ';') ++end;  // CRS tests omit the ';' too
      out += c;
      i = end - 1;
      done = true;
      break;
    }
    if (!done) out += '&';
  }
}

void js_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    uint32_t v = 0;
    if (in[i] == '\\' && i + 1 < in.size()) {
      char n = in[i + 1];
      if ((n == 'u' || n == 'U') && hex_run(in, i + 2, 4, v)) {
        append_utf8(out, v);
        i += 5;
        continue;
      }
      if ((n == 'x' || n == 'X') && hex_run(in, i + 2, 2, v)) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += in[i];
  }
}

void fold_ascii(std::string& s) { fold_ascii(s, 0); }

void fold_ascii(std::string& s, size_t from) {
  // Eight bytes at a time (SWAR): a byte is an upper-case ASCII letter when it is >= 'A',
  // <= 'Z' and has its high bit clear; 0x20 is added to exactly those bytes.
  auto* p = reinterpret_cast<unsigned char*>(s.data());
  size_t i = from, n = s.size();
  constexpr uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    uint64_t low = x & ~k80;
    uint64_t ge_a = low + (0x80 - 'A') * k01;
    uint64_t gt_z = low + (0x80 - 'Z' - 1) * k01;
    uint64_t upper = ge_a & ~gt_z & ~x & k80;
    x |= upper >> 2;
    std::memcpy(p + i, &x, 8);
  }
  for (; i < n; ++i) {
    unsigned char c = p[i];
    p[i] = static_cast<unsigned char>(c | (static_cast<unsigned char>(c - 'A') < 26u ? 0x20 : 0));
  }
}

namespace {

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Length of the comment syntax at in[i] that compress() turns into a blank, or 0:
//   /* ... */ (terminated) as a whole; /*!NNNNN (MySQL's executed comment: its content stays);
//   a stray */ ; an unterminated /* (only the two bytes: it must not hide what follows).
size_t comment_at(std::string_view in, size_t i) {
  if (in[i] == '*' && i + 1 < in.size() && in[i + 1] == '/') return 2;
  if (in[i] != '/' || i + 1 >= in.size() || in[i + 1] != '*') return 0;
  if (i + 2 < in.size() && in[i + 2] == '!') {
    size_t j = i + 3;
    while (j < in.size() && in[j] >= '0' && in[j] <= '9') ++j;
    return j - i;
  }
  size_t end = in.find("*/", i + 2);
  return end == std::string_view::npos ? 2 : end + 2 - i;
}

}  // namespace

void compress_append(std::string_view in, std::string& out) {
  bool space = false, wrote = false;
  size_t i = 0;
  while (i < in.size()) {
    if (blank(in[i])) {
      space = true;
      ++i;
      continue;
    }
    if (size_t c = comment_at(in, i)) {
      space = true;
      i += c;
      continue;
    }
    if (space && wrote) out += ' ';
    space = false;
    // The run up to the next blank or comment goes in one append.
    size_t j = i + 1;
    while (j < in.size() && !blank(in[j]) && !comment_at(in, j)) ++j;
    out.append(in.substr(i, j - i));
    wrote = true;
    i = j;
  }
}

void compress(std::string_view in, std::string& out) {
  out.clear();
  compress_append(in, out);
}

uint32_t classify(std::string_view in) {
  static const auto kTable = [] {
    std::array<uint8_t, 256> t{};
    t['%'] = kHasPercent;
    t['+'] = kHasPlus;
    t['&'] = kHasAmp;
    t['\\'] = kHasBackslash;
    t[0xC0] = t[0xC1] = kHasOverlong;
    for (unsigned char c : {' ', '\t', '\n', '\r', '\v', '\f'}) t[c] = kHasSpace;
    t['/'] = kHasSlash;
    return t;
  }();
  uint32_t f = 0;
  for (char c : in) f |= kTable[static_cast<unsigned char>(c)];
  return f;
}

std::string_view decode(std::string_view in, uint32_t transforms, bool plus, uint32_t flags,
                        std::string& out, std::string& scratch) {
  std::string_view cur = in;
  bool url = (transforms & kUrl) && (flags & (kHasPercent | kHasOverlong | (plus ? kHasPlus : 0u)));
  if (url) {
    url_decode(in, out, plus, kUrlPasses, scratch);
    cur = out;
  }
  if ((transforms & kHtml) &&
      (url ? cur.find('&') != std::string_view::npos : (flags & kHasAmp) != 0)) {
    html_decode(cur, scratch);
    out.swap(scratch);
    cur = out;
  }
  if ((transforms & kJs) &&
      (url ? cur.find('\\') != std::string_view::npos : (flags & kHasBackslash) != 0)) {
    js_decode(cur, scratch);
    out.swap(scratch);
    cur = out;
  }
  return cur;
}

void normalize_append(std::string_view in, uint32_t transforms, bool plus, std::string& out,
                      std::string& s1, std::string& s2) {
  uint32_t f = classify(in);
  std::string_view base = decode(in, transforms, plus, f, s1, s2);
  size_t from = out.size();
  if ((transforms & kCompress) && (base.data() != in.data() || (f & (kHasSpace | kHasSlash)))) {
    compress_append(base, out);
  } else {
    out.append(base);
  }
  fold_ascii(out, from);
}

void normalize(std::string_view in, uint32_t transforms, bool plus, std::string& out,
               std::string& scratch) {
  out.clear();
  std::string s1;
  normalize_append(in, transforms, plus, out, s1, scratch);
}

namespace {

// The end of the run of bytes from i that need no unescaping: not '"', '\\' or a control byte.
// Eight bytes at a time (SWAR "has zero byte" tests), then byte by byte.
size_t plain_run(std::string_view json, size_t i) {
  constexpr uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - k01) & ~v & k80; };
  const char* d = json.data();
  size_t n = json.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, d + i, 8);
    uint64_t control = (x - 0x20 * k01) & ~x & k80;  // some byte < 0x20 (bytes >= 0x80 excluded)
    if (control | has_zero(x ^ ('"' * k01)) | has_zero(x ^ ('\\' * k01))) break;
  }
  for (; i < n; ++i) {
    auto u = static_cast<unsigned char>(d[i]);
    if (u == '"' || u == '\\' || u < 0x20) break;
  }
  return i;
}

// Reads the JSON string starting after the opening quote at json[i]; unescapes into `s`. Returns
// the index after the closing quote, or npos when the string is broken.
size_t read_string(std::string_view json, size_t i, std::string& s) {
  s.clear();
  while (i < json.size()) {
    // Plain bytes are copied a run at a time: per-byte appends were most of the WAF's time on
    // large prompts.
    size_t run = plain_run(json, i);
    s.append(json.data() + i, run - i);
    i = run;
    if (i >= json.size()) break;
    char c = json[i];
    if (c == '"') return i + 1;
    if (static_cast<unsigned char>(c) < 0x20) return std::string_view::npos;
    if (i + 1 >= json.size()) return std::string_view::npos;
    char e = json[i + 1];
    i += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        s += e;
        break;
      case 'b':
        s += '\b';
        break;
      case 'f':
        s += '\f';
        break;
      case 'n':
        s += '\n';
        break;
      case 'r':
        s += '\r';
        break;
      case 't':
        s += '\t';
        break;
      case 'u': {
        uint32_t v = 0, lo = 0;
        if (!hex_run(json, i, 4, v)) return std::string_view::npos;
        i += 4;
        if (v >= 0xD800 && v <= 0xDBFF && i + 1 < json.size() && json[i] == '\\' &&
            json[i + 1] == 'u' && hex_run(json, i + 2, 4, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
          v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        }
        append_utf8(s, v);
        break;
      }
      default:
        return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool json_strings(std::string_view json,
                  const std::function<void(std::string_view, std::string_view)>& on) {
  // '{' or '[' per open level: a byte each, no recursion. Per-thread buffers: this runs on every
  // request body, and the callback never re-enters it.
  thread_local std::vector<char> stack;
  thread_local std::string s, key;
  stack.clear();
  struct Trim {  // a huge body must not pin its buffers for the thread's lifetime
    ~Trim() {
      if (stack.capacity() > (1u << 16)) std::vector<char>().swap(stack);
      if (s.capacity() > (1u << 20)) std::string().swap(s);
    }
  } trim;
  size_t i = 0;
  while (i < json.size() && is_ws(json[i])) ++i;
  if (i == json.size() || (json[i] != '{' && json[i] != '[')) return false;
  while (i < json.size()) {
    char c = json[i];
    if (is_ws(c) || c == ',' || c == ':') {
      ++i;
    } else if (c == '{' || c == '[') {
      if (stack.size() >= 100000) return false;
      stack.push_back(c);
      ++i;
    } else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != (c == '}' ? '{' : '[')) return false;
      stack.pop_back();
      ++i;
      if (stack.empty()) {
        while (i < json.size() && is_ws(json[i])) ++i;
        return i == json.size();
      }
    } else if (c == '"') {
      size_t end = read_string(json, i + 1, s);
      if (end == std::string_view::npos) return false;
      i = end;
      size_t j = i;
      while (j < json.size() && is_ws(json[j])) ++j;
      if (j < json.size() && json[j] == ':' && !stack.empty() && stack.back() == '{') {
        key = s;
        on("", s);
      } else {
        on(stack.empty() || stack.back() == '[' ? std::string_view() : std::string_view(key), s);
      }
    } else if ((c >= '0' && c <= '9') || c == '-' || c == 't' || c == 'f' || c == 'n') {
      while (i < json.size() && !is_ws(json[i]) && json[i] != ',' && json[i] != '}' &&
             json[i] != ']') {
        ++i;
      }
    } else {
      return false;
    }
  }
  return false;  // unbalanced
}

std::string neutralize(std::string_view s, size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max) + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max) {
      // Do not cut a UTF-8 sequence in half.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
        out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      out += "$\\{";
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace parapet::waf
