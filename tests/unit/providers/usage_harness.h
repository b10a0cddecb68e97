// Shared helpers for the usage extractor tests: fixtures from tests/corpus/usage/, and a runner
// that feeds an answer whole, byte by byte and in random splits and checks they all agree.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "providers/usage.h"

namespace parapet {

inline void PrintTo(const Usage& u, std::ostream* os) {
  *os << "{input=" << u.input << " output=" << u.output << " cached_read=" << u.cached_read
      << " cache_write=" << u.cache_write << " reasoning=" << u.reasoning
      << " source=" << usage_source_name(u.source) << " partial=" << u.partial << " model=\""
      << u.model << "\"}";
}

}  // namespace parapet

namespace parapet::providers::testing {

inline std::string fixture(std::string_view name) {
  std::string path = std::string(PARAPET_SOURCE_DIR) + "/tests/corpus/usage/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline ::testing::AssertionResult UsageEq(const Usage& got, const Usage& want) {
  if (got.input == want.input && got.output == want.output && got.cached_read == want.cached_read &&
      got.cache_write == want.cache_write && got.reasoning == want.reasoning &&
      got.source == want.source && got.partial == want.partial && got.model == want.model) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << ::testing::PrintToString(got) << "\n want " << ::testing::PrintToString(want);
}

struct Call {
  Protocol protocol = Protocol::kOpenAI;
  std::string endpoint;
  bool streaming = false;
  bool hide = false;
  size_t max_json_body = kMaxJsonBody;
};

struct Outcome {
  Usage usage;
  std::string forwarded;
};

inline Outcome run_pieces(const Call& s, const std::vector<std::string_view>& pieces,
                          bool complete = true) {
  Outcome o;
  auto x = make_usage_extractor(s.protocol, s.endpoint, s.streaming, s.hide, s.max_json_body);
  EXPECT_NE(x, nullptr) << s.endpoint;
  if (!x) return o;
  std::string forward;
  for (std::string_view p : pieces) {
    x->feed(p, forward);
    o.forwarded += forward;
    forward.clear();
  }
  x->finish(complete);
  o.usage = x->usage();
  return o;
}

inline std::vector<std::string_view> byte_by_byte(std::string_view s) {
  std::vector<std::string_view> v;
  for (size_t i = 0; i < s.size(); ++i) v.push_back(s.substr(i, 1));
  return v;
}

inline std::vector<std::string_view> random_split(std::string_view s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string_view> v;
  for (size_t i = 0; i < s.size();) {
    // Mostly small pieces (split inside lines and CRLFs), sometimes large ones.
    size_t n = rng() % 4 == 0 ? 1 + rng() % 700 : 1 + rng() % 13;
    v.push_back(s.substr(i, n));
    i += n;
  }
  return v;
}

// Feeds `body` whole, byte by byte and in 40 random splits; every way must give the same usage and
// the same forwarded bytes. Returns the outcome of the whole run.
inline Outcome run_all_ways(const Call& s, std::string_view body, bool complete = true) {
  Outcome whole = run_pieces(s, {body}, complete);
  Outcome bytes = run_pieces(s, byte_by_byte(body), complete);
  EXPECT_TRUE(UsageEq(bytes.usage, whole.usage)) << "byte by byte";
  EXPECT_EQ(bytes.forwarded, whole.forwarded) << "byte by byte";
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    Outcome r = run_pieces(s, random_split(body, seed), complete);
    EXPECT_TRUE(UsageEq(r.usage, whole.usage)) << "random split, seed " << seed;
    EXPECT_EQ(r.forwarded, whole.forwarded) << "random split, seed " << seed;
  }
  return whole;
}

// `body` with the one SSE event whose text contains `needle` cut out (from the start of its first
// line through the blank line that ends it).
inline std::string without_event(std::string_view body, std::string_view needle,
                                 std::string_view blank = "\n\n") {
  size_t at = body.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  if (at == std::string_view::npos) return std::string(body);
  size_t begin = body.rfind(blank, at);
  begin = begin == std::string_view::npos ? 0 : begin + blank.size();
  size_t end = body.find(blank, at) + blank.size();
  return std::string(body.substr(0, begin)) + std::string(body.substr(end));
}

}  // namespace parapet::providers::testing
