#include "providers/json_scan.h"

#include <cstdint>
#include <cstring>

namespace parapet::providers::json {
namespace {

// End of the string whose opening quote is doc[pos], or kNpos.
size_t skip_string(std::string_view doc, size_t pos) {
  size_t i = pos + 1;
  while (i < doc.size()) {
    const void* q = std::memchr(doc.data() + i, '"', doc.size() - i);
    if (!q) return kNpos;
    size_t at = static_cast<const char*>(q) - doc.data();
    size_t slashes = 0;  // a quote preceded by an odd run of backslashes is escaped
    while (at - slashes > i && doc[at - slashes - 1] == '\\') ++slashes;
    if (slashes % 2 == 0) return at + 1;
    i = at + 1;
  }
  return kNpos;
}

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

void put_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool hex4(std::string_view s, size_t i, uint32_t* v) {
  if (i + 4 > s.size()) return false;
  *v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    char c = s[k];
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return false;
    *v = *v * 16 + d;
  }
  return true;
}

}  // namespace

size_t skip_ws(std::string_view doc, size_t pos) {
  while (pos < doc.size() &&
         (doc[pos] == ' ' || doc[pos] == '\n' || doc[pos] == '\r' || doc[pos] == '\t')) {
    ++pos;
  }
  return pos;
}

size_t skip_value(std::string_view doc, size_t pos) {
  pos = skip_ws(doc, pos);
  if (pos >= doc.size()) return kNpos;
  char c = doc[pos];
  if (c == '"') return skip_string(doc, pos);
  if (c == '{' || c == '[') {
    // Nesting is tracked as a bit stack (1 = object) so `[}` is caught; past 64 levels only the
    // depth is counted.
    uint64_t kinds = 0;
    size_t depth = 0;
    for (size_t i = pos; i < doc.size(); ++i) {
      char b = doc[i];
      if (b == '"') {
        i = skip_string(doc, i);
        if (i == kNpos) return kNpos;
        --i;
      } else if (b == '{' || b == '[') {
        if (depth < 64) kinds = (kinds << 1) | (b == '{');
        ++depth;
      } else if (b == '}' || b == ']') {
        if (depth == 0) return kNpos;
        if (depth <= 64) {
          if (static_cast<bool>(kinds & 1) != (b == '}')) return kNpos;
          kinds >>= 1;
        }
        if (--depth == 0) return i + 1;
      }
    }
    return kNpos;
  }
  for (std::string_view lit : {"true", "false", "null"}) {
    if (c == lit[0]) return doc.substr(pos, lit.size()) == lit ? pos + lit.size() : kNpos;
  }
  size_t end = pos;
  while (end < doc.size() && is_number_char(doc[end])) ++end;
  return end > pos ? end : kNpos;
}

bool unescape(std::string_view raw, std::string* out) {
  out->clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= raw.size()) return false;
    switch (raw[i]) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!hex4(raw, i + 1, &cp)) return false;
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair
          uint32_t lo = 0;
          if (i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u' &&
              hex4(raw, i + 3, &lo) && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        put_utf8(cp, out);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

std::string string_value(std::string_view doc, const Member& m) {
  std::string out;
  if (m.kind != '"' || m.value_end - m.value_begin < 2) return out;
  if (!unescape(doc.substr(m.value_begin + 1, m.value_end - m.value_begin - 2), &out)) out.clear();
  return out;
}

}  // namespace parapet::providers::json
