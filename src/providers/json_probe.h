// Reads a few values out of a provider's JSON answer in one forward pass (simdjson On-Demand).
//
// Why simdjson and not Boost.JSON: answers are read on the request path, and what we want from
// them is a handful of numbers. On-Demand validates and skips what we do not ask for at gigabytes
// per second and builds no tree, so a 4 MiB non-streaming answer costs about a millisecond and a
// small SSE chunk well under a microsecond; Boost.JSON would allocate a DOM of the whole answer.
// simdjson stays inside json_probe.cc: nothing else includes it.
//
// Thread-safety: probe() keeps a parser per thread; call it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace parapet::providers::json {

// simdjson reads up to this many bytes past the end of a document (SIMDJSON_PADDING).
inline constexpr size_t kPadding = 64;

enum class Kind : uint8_t { kMissing, kNull, kBool, kNumber, kString, kArray, kObject };

struct Value {
  Kind kind = Kind::kMissing;
  // The value as a count: integers as is, floats truncated, numeric strings parsed, true = 1.
  // False when the value has no such reading.
  bool numeric = false;
  int64_t number = 0;
  std::string text;      // strings, unescaped
  int64_t elements = 0;  // arrays: how many elements

  bool present() const { return kind != Kind::kMissing; }
  // The count, or 0 when the value is missing, null or not a number.
  int64_t count() const { return numeric ? number : 0; }
};

inline constexpr size_t kMaxPaths = 24;

// Finds `paths` in `doc` in one pass; each path is keys from the root object joined with '.', e.g.
// "usage.prompt_tokens_details.cached_tokens" (keys are compared as written, escapes not decoded).
// out[i] receives the value of paths[i]; paths not found stay kMissing. A key given twice keeps its
// last value, as most JSON readers do. Returns false when doc is not an object or is malformed
// where it was read (values read before the error are kept, but callers ignore a failed document:
// a count from a broken answer is not trusted). On-Demand validates what it reads and the structure
// it walks; a malformed scalar in a skipped member may go unnoticed.
// `padded`: doc.data() is followed by kPadding readable bytes; otherwise doc is copied first.
// REQUIRES: paths.size() == out.size() <= kMaxPaths; each path has at most 6 keys.
bool probe(std::string_view doc, bool padded, std::span<const std::string_view> paths,
           std::span<Value> out);

// Makes room so that probe(s, /*padded=*/true, ...) may be used on s (reserves, never resizes).
inline void reserve_padding(std::string& s) { s.reserve(s.size() + kPadding); }

}  // namespace parapet::providers::json
