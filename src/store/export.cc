#include "store/export.h"

#include <cctype>
#include <cstdio>
#include <type_traits>

#include "common/error.h"
#include "common/utf8.h"
#include "observe/scrub.h"
#include "store/fields.h"

namespace parapet::store {

namespace {

struct JsonValidator {
  std::string_view s;
  size_t i = 0;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  }
  bool lit(std::string_view w) {
    if (s.compare(i, w.size(), w) != 0) return false;
    i += w.size();
    return true;
  }
  bool string() {
    if (i >= s.size() || s[i] != '"') return false;
    for (++i; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"') {
        ++i;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++i >= s.size()) return false;
        const char e = s[i];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k) {
            if (i + k >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + k])))
              return false;
          }
          i += 5;
        } else if (std::string_view("\"\\/bfnrt").find(e) != std::string_view::npos) {
          ++i;
        } else {
          return false;
        }
      } else {
        const size_t n = utf8_len(s, i);
        if (n == 0) return false;
        i += n;
      }
    }
    return false;
  }
  bool number() {
    auto digits = [&] {
      const size_t b = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      return i > b;
    };
    if (i < s.size() && s[i] == '-') ++i;
    if (i < s.size() && s[i] == '0') {
      ++i;
    } else if (!digits()) {
      return false;
    }
    if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      if (!digits()) return false;
    }
    return true;
  }
  bool value(int depth) {
    ws();
    if (i >= s.size()) return false;
    switch (s[i]) {
      case '{':
        return container(depth, '}');
      case '[':
        return container(depth, ']');
      case '"':
        return string();
      case 't':
        return lit("true");
      case 'f':
        return lit("false");
      case 'n':
        return lit("null");
      default:
        return number();
    }
  }
  bool container(int depth, char close) {
    if (depth >= 32) return false;
    ++i;
    ws();
    if (i < s.size() && s[i] == close) return ++i, true;
    for (;;) {
      if (close == '}') {
        ws();
        if (!string()) return false;
        ws();
        if (i >= s.size() || s[i++] != ':') return false;
      }
      if (!value(depth + 1)) return false;
      ws();
      if (i >= s.size()) return false;
      const char c = s[i++];
      if (c == close) return true;
      if (c != ',') return false;
    }
  }
};

void append_int(std::string& out, long long v) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%lld", v);
  out.append(buf, static_cast<size_t>(n));
}

void append_uint(std::string& out, unsigned long long v) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%llu", v);
  out.append(buf, static_cast<size_t>(n));
}

// Scalar fields as JSON / CSV text; strings are handled by the callers.
template <class T>
void append_scalar(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, UsageSource>) {
    out += usage_source_name(v);
  } else if constexpr (std::is_unsigned_v<T>) {
    append_uint(out, v);
  } else {
    append_int(out, v);
  }
}

void append_csv_field(std::string& out, std::string_view s, bool neutralize_formula) {
  const bool formula = neutralize_formula && !s.empty() &&
                       std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos;
  const bool quote = formula || s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (formula) out += '\'';
  append_utf8(out, s, [&](unsigned char c) {
    if (c == '"') out += '"';
    out += static_cast<char>(c);
  });
  if (quote) out += '"';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  parapet::append_json_escaped(out, s);
  out += '"';
}

bool is_json_object(std::string_view s) {
  JsonValidator v{s};
  v.ws();
  if (v.i >= s.size() || s[v.i] != '{' || !v.value(0)) return false;
  v.ws();
  return v.i == s.size();
}

void append_jsonl(std::string& out, const observe::RequestRecord& r) {
  // Records read back from the store are already safe; live-tail records come straight from the
  // recorder and are made safe here (observe::neutralize_lookups).
  size_t start = out.size();
  out += '{';
  bool first = true;
  for_each_field(r, [&](std::string_view name, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
    if constexpr (std::is_same_v<T, std::string>) {
      append_json_string(out, v);
    } else if constexpr (std::is_same_v<T, JsonRef<const std::string>>) {
      if (v.text.empty()) {
        out += "null";
      } else if (is_json_object(v.text)) {
        out += v.text;
      } else {
        append_json_string(out, v.text);  // not an object: kept, but as a string
      }
    } else if constexpr (std::is_same_v<T, UsageSource>) {
      append_json_string(out, usage_source_name(v));
    } else {
      append_scalar(out, v);
    }
  });
  out += "}\n";
  std::string_view line(out.data() + start, out.size() - start);
  if (observe::has_lookup(line)) {
    std::string safe = observe::neutralize_lookups(line);
    out.resize(start);
    out += safe;
  }
}

std::string to_jsonl(const observe::RequestRecord& r) {
  std::string out;
  append_jsonl(out, r);
  return out;
}

void append_csv_header(std::string& out) {
  bool first = true;
  for (std::string_view name : field_names()) {
    if (!first) out += ',';
    first = false;
    out += name;
  }
  out += "\r\n";
}

void append_csv_row(std::string& out, const observe::RequestRecord& r) {
  bool first = true;
  for_each_field(r, [&](std::string_view, const auto& v) {
    using T = std::decay_t<decltype(v)>;
    if (!first) out += ',';
    first = false;
    if constexpr (std::is_same_v<T, std::string>) {
      append_csv_field(out, v, /*neutralize_formula=*/true);
    } else if constexpr (std::is_same_v<T, JsonRef<const std::string>>) {
      append_csv_field(out, v.text, /*neutralize_formula=*/!is_json_object(v.text));
    } else {
      append_scalar(out, v);
    }
  });
  out += "\r\n";
}

}  // namespace parapet::store
