// A small forward reader for the members of a JSON object, with byte offsets, for request bodies.
//
// Requests are read for three things (model, stream, stream_options) and one of them may be
// rewritten in place, keeping every other byte. A hand-written scanner fits that better than a
// parser: it gives the offsets to edit, needs no padded copy of a body that may hold megabytes of
// base64 images, allocates nothing and skips long strings with memchr. It checks structure only as
// far as it reads (quotes, escapes, nesting, separators), enough to never misread a member of a
// well-formed body and never read out of bounds on a malformed one; the upstream validates the
// rest. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parapet::providers::json {

inline constexpr size_t kNpos = std::string_view::npos;

struct Member {
  std::string_view key;  // as written between the quotes (escapes not decoded)
  size_t value_begin = 0;
  size_t value_end = 0;  // one past the value's last byte
  char kind = 0;  // first byte of the value: '{', '[', '"', 't', 'f', 'n', or '0' for a number

  std::string_view value(std::string_view doc) const {
    return doc.substr(value_begin, value_end - value_begin);
  }
};

size_t skip_ws(std::string_view doc, size_t pos);
// End of the JSON value starting at doc[pos] (after whitespace), or kNpos if malformed.
size_t skip_value(std::string_view doc, size_t pos);
// Decodes a string value's raw bytes (between the quotes) into out; false on a bad escape.
bool unescape(std::string_view raw, std::string* out);

struct Member;
// The member's value decoded if it is a string, else "" (also on a bad escape).
std::string string_value(std::string_view doc, const Member& m);

// Reads the object starting at doc[pos] (which must be '{') and calls fn(const Member&) for each
// member in order. Returns the offset one past the closing '}', or kNpos if malformed (fn may have
// been called for the members before the error).
template <class Fn>
size_t for_each_member(std::string_view doc, size_t pos, Fn&& fn) {
  if (pos >= doc.size() || doc[pos] != '{') return kNpos;
  size_t i = skip_ws(doc, pos + 1);
  if (i < doc.size() && doc[i] == '}') return i + 1;
  while (i < doc.size()) {
    if (doc[i] != '"') return kNpos;
    size_t key_end = skip_value(doc, i);
    if (key_end == kNpos) return kNpos;
    Member m;
    m.key = doc.substr(i + 1, key_end - i - 2);
    i = skip_ws(doc, key_end);
    if (i >= doc.size() || doc[i] != ':') return kNpos;
    m.value_begin = skip_ws(doc, i + 1);
    m.value_end = skip_value(doc, m.value_begin);
    if (m.value_end == kNpos) return kNpos;
    char c = doc[m.value_begin];
    m.kind = (c == '-' || (c >= '0' && c <= '9')) ? '0' : c;
    fn(static_cast<const Member&>(m));
    i = skip_ws(doc, m.value_end);
    if (i >= doc.size()) return kNpos;
    if (doc[i] == '}') return i + 1;
    if (doc[i] != ',') return kNpos;
    i = skip_ws(doc, i + 1);
  }
  return kNpos;
}

// Calls fn for each member of the top-level object of doc; false if doc is not exactly one object
// (whitespace around it allowed).
template <class Fn>
bool for_each_top_member(std::string_view doc, Fn&& fn) {
  size_t end = for_each_member(doc, skip_ws(doc, 0), fn);
  return end != kNpos && skip_ws(doc, end) == doc.size();
}

}  // namespace parapet::providers::json
