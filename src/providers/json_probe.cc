#include "providers/json_probe.h"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <limits>
#include <optional>

namespace parapet::providers::json {
namespace {

namespace od = simdjson::ondemand;
static_assert(kPadding == simdjson::SIMDJSON_PADDING);

// Documents up to this size use the thread's parser, whose buffers grow to the largest document
// it has seen (about 5 bytes per input byte); bigger ones get a parser that is freed afterwards, so
// one large answer does not pin tens of MiB to a worker for the rest of its life.
constexpr size_t kKeepParserUpTo = 256u << 10;

constexpr int kMaxDepth = 6;

struct Path {
  std::array<std::string_view, kMaxDepth> keys;
  int depth = 0;
};

std::optional<int64_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

int64_t clamp_double(double d) {
  if (!std::isfinite(d)) return 0;
  if (d >= 9.2e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

simdjson::error_code read_leaf(od::value& v, od::json_type t, Value& out) {
  out = Value{};
  switch (t) {
    case od::json_type::null:
      out.kind = Kind::kNull;
      return simdjson::SUCCESS;
    case od::json_type::boolean: {
      bool b = false;
      if (auto e = v.get_bool().get(b)) return e;
      out.kind = Kind::kBool;
      out.numeric = true;
      out.number = b ? 1 : 0;
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      out.kind = Kind::kNumber;
      od::number_type nt;
      if (auto e = v.get_number_type().get(nt)) return e;
      if (nt == od::number_type::signed_integer) {
        if (auto e = v.get_int64().get(out.number)) return e;
      } else if (nt == od::number_type::unsigned_integer) {
        out.number = std::numeric_limits<int64_t>::max();  // >= 2^63: clamp
      } else {
        double d = 0;
        if (auto e = v.get_double().get(d)) return e;
        out.number = clamp_double(d);
      }
      out.numeric = true;
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return e;
      out.kind = Kind::kString;
      out.text.assign(s);
      if (auto n = parse_count(s)) {  // some OpenAI-compatible servers send counts as strings
        out.numeric = true;
        out.number = *n;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array a;
      if (auto e = v.get_array().get(a)) return e;
      size_t n = 0;
      if (auto e = a.count_elements().get(n)) return e;
      out.kind = Kind::kArray;
      out.elements = static_cast<int64_t>(n);
      return simdjson::SUCCESS;
    }
    case od::json_type::object:
      out.kind = Kind::kObject;
      return simdjson::SUCCESS;
  }
  return simdjson::INCORRECT_TYPE;
}

class Walker {
 public:
  Walker(std::span<const Path> paths, std::span<Value> out) : paths_(paths), out_(out) {}

  // Visits obj's fields at `depth`; `active` has a bit per path whose first `depth` keys matched.
  simdjson::error_code walk(od::object obj, int depth, uint32_t active) {
    for (auto item : obj) {
      od::field field;
      if (auto e = std::move(item).get(field)) return e;
      uint32_t leaf = 0;
      uint32_t deeper = 0;
      for (uint32_t bits = active; bits; bits &= bits - 1) {
        int i = __builtin_ctz(bits);
        const Path& p = paths_[i];
        if (!field.key().is_equal(p.keys[depth])) continue;
        (p.depth == depth + 1 ? leaf : deeper) |= 1u << i;
      }
      if (!(leaf | deeper)) continue;  // On-Demand skips the value when we move on
      od::value& v = field.value();
      od::json_type t;
      if (auto e = v.type().get(t)) return e;
      if (leaf) {
        Value got;
        if (auto e = read_leaf(v, t, got)) return e;
        for (uint32_t bits = leaf; bits; bits &= bits - 1) out_[__builtin_ctz(bits)] = got;
      }
      if (deeper && t == od::json_type::object) {
        od::object sub;
        if (auto e = v.get_object().get(sub)) return e;
        if (auto e = walk(sub, depth + 1, deeper)) return e;
      }
    }
    return simdjson::SUCCESS;
  }

 private:
  std::span<const Path> paths_;
  std::span<Value> out_;
};

bool run(od::parser& parser, const char* data, size_t len, size_t capacity,
         std::span<const Path> paths, std::span<Value> out) {
  od::document doc;
  if (parser.iterate(data, len, capacity).get(doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return false;
  uint32_t all = paths.size() >= 32 ? ~0u : (1u << paths.size()) - 1;
  if (Walker(paths, out).walk(root, 0, all) != simdjson::SUCCESS) return false;
  // The object must be the whole document: a location left after it means trailing bytes.
  const char* rest = nullptr;
  return doc.current_location().get(rest) != simdjson::SUCCESS;
}

}  // namespace

bool probe(std::string_view doc, bool padded, std::span<const std::string_view> paths,
           std::span<Value> out) {
  for (Value& v : out) v = Value{};
  if (paths.size() != out.size() || paths.size() > kMaxPaths) return false;
  std::array<Path, kMaxPaths> split;
  for (size_t i = 0; i < paths.size(); ++i) {
    std::string_view rest = paths[i];
    Path& p = split[i];
    while (!rest.empty() && p.depth < kMaxDepth) {
      size_t dot = rest.find('.');
      p.keys[p.depth++] = rest.substr(0, dot);
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
  }
  std::span<const Path> path_span(split.data(), paths.size());

  thread_local std::string scratch;
  const char* data = doc.data();
  size_t capacity = doc.size() + kPadding;
  if (!padded) {
    scratch.reserve(doc.size() + kPadding);
    scratch.assign(doc);
    data = scratch.data();
    capacity = scratch.capacity();
  }
  if (doc.size() > kKeepParserUpTo) {
    od::parser once;
    bool ok = run(once, data, doc.size(), capacity, path_span, out);
    if (!padded) std::string().swap(scratch);  // do not keep a large copy either
    return ok;
  }
  thread_local od::parser parser;
  return run(parser, data, doc.size(), capacity, path_span, out);
}

}  // namespace parapet::providers::json
