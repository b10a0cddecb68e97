// Canonical JSON text for semantic comparison in tests: object members sorted by key, no
// whitespace, numbers as read. Two documents are equal as JSON iff their canonical texts are.
// Thread-safety: pure.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/json_parse.h"

namespace parapet::translate::testing {

inline void canon(const simdjson::dom::element& e, std::string& out) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
      simdjson::dom::object o;
      if (e.get_object().get(o)) return;
      for (auto [k, v] : o) members.emplace_back(k, v);
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      for (size_t i = 0; i < members.size(); ++i) {
        if (i) out += ',';
        out += '"';
        append_json_escaped(out, members[i].first);
        out += "\":";
        canon(members[i].second, out);
      }
      out += '}';
      return;
    }
    case element_type::ARRAY: {
      out += '[';
      bool first = true;
      simdjson::dom::array a;
      if (e.get_array().get(a)) return;
      for (auto v : a) {
        if (!first) out += ',';
        first = false;
        canon(v, out);
      }
      out += ']';
      return;
    }
    case element_type::STRING:
      out += '"';
      append_json_escaped(out, e.get_string().value_unsafe());
      out += '"';
      return;
    case element_type::DOUBLE: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, e.get_double().value_unsafe());
      out.append(buf, r.ptr);
      return;
    }
    default:
      out += simdjson::minify(e);
  }
}

// The canonical text, or "<invalid JSON: ...>" so a comparison shows what was wrong.
inline std::string canonical(std::string_view text) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  if (parse_json(p, text).get(doc)) {
    return "<invalid JSON: " + std::string(text) + ">";
  }
  std::string out;
  canon(doc, out);
  return out;
}

inline bool valid_json(std::string_view text) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  return !parse_json(p, text).get(doc);
}

}  // namespace parapet::translate::testing
