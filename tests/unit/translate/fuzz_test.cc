// Runs the translate fuzz target's body (fuzz/translate_fuzz.h) in CI without clang: over every
// file of the conformance corpus in each mode that reads it, and over deterministic mutations of
// them (truncation, byte flips to JSON/SSE punctuation, deletions, duplications).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "fuzz/translate_fuzz.h"

namespace parapet::translate {
namespace {

namespace fs = std::filesystem;

std::string run(uint8_t mode, std::string_view payload) {
  std::string in(1, static_cast<char>(mode));
  in += payload;
  return fuzz_one(reinterpret_cast<const uint8_t*>(in.data()), in.size());
}

std::vector<std::string> mutations(const std::string& s, std::mt19937& rng, int n) {
  static constexpr char kPunct[] =
      "\"{}[]:,\\\n\r \x00\xff"
      "0-e.";
  std::vector<std::string> out;
  if (s.empty()) return out;
  for (int i = 0; i < n; ++i) {
    std::string m = s;
    size_t at = rng() % m.size();
    switch (i % 4) {
      case 0:
        m.resize(at);
        break;
      case 1:
        for (int k = 0; k < 3; ++k) m[rng() % m.size()] = kPunct[rng() % (sizeof kPunct - 1)];
        break;
      case 2:
        m.erase(at, 1 + rng() % 32);
        break;
      default:
        m.insert(at, m.substr(rng() % m.size(), 1 + rng() % 64));
        break;
    }
    out.push_back(std::move(m));
  }
  return out;
}

TEST(TranslateFuzz, CorpusAndMutationsKeepTheInvariants) {
  fs::path root = fs::path(PARAPET_SOURCE_DIR) / "tests/corpus/translate";
  std::mt19937 rng(20251122);
  int runs = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().parent_path().filename() == "fuzz") continue;
    std::string name = e.path().filename().string();
    std::vector<uint8_t> modes;
    if (name == "openai_request.json") {
      modes = {0, 4};
    } else if (name == "native_answer.json") {
      modes = {1, 1 | 4, 1 | 8 | 16, 1 | 4 | 32};
    } else if (name == "native_stream.sse") {
      modes = {2, 2 | 4 | 8, 2 | 8 | 48, 2 | 4 | 240};
    } else {
      continue;
    }
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    std::vector<std::string> inputs = mutations(text, rng, 24);
    inputs.push_back(text);
    for (const std::string& in : inputs) {
      for (uint8_t mode : modes) {
        std::string broken = run(mode, in);
        ++runs;
        ASSERT_EQ(broken, "") << e.path() << " mode " << int(mode) << " input:\n" << in;
      }
    }
  }
  EXPECT_GT(runs, 1000);
}

// Inputs the fuzzer found (mode byte included), kept as regression tests.
//   split_after_message_stop_usage: bytes after message_stop reached the usage extractor only
//   when they came in the same piece, so usage depended on the split.
TEST(TranslateFuzz, FoundByTheFuzzer) {
  fs::path dir = fs::path(PARAPET_SOURCE_DIR) / "tests/corpus/translate/fuzz";
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string in = ss.str();
    EXPECT_EQ(fuzz_one(reinterpret_cast<const uint8_t*>(in.data()), in.size()), "") << e.path();
    ++n;
  }
  EXPECT_GT(n, 0);
}

TEST(TranslateFuzz, DegenerateInputs) {
  for (int mode = 0; mode < 256; ++mode) {
    for (std::string_view in :
         {"", "{", "null", "[]", "{}", "data: {}\n\n", "data: [DONE]\n\n",
          "event: error\ndata: {\"type\":\"error\"}\n\n", "data: {\"error\":1}\r\n\r\n",
          "\xef\xbb\xbf", "data\n\n", "data:\n\n", "event: message_delta\ndata\r\n\r\n"}) {
      EXPECT_EQ(run(static_cast<uint8_t>(mode), in), "") << "mode " << mode << " input " << in;
    }
  }
}

}  // namespace
}  // namespace parapet::translate
