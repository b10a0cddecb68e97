// Runs the WAF fuzz target's body (fuzz/waf_fuzz.h) in CI without clang: every corpus line in
// every position, and deterministic mutations of them (truncation, brace/dollar/escape flips,
// deletions, duplication) — plus a few pathological shapes.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "fuzz/waf_fuzz.h"
#include "unit/waf/corpus.h"

namespace parapet::waf {
namespace {

std::string run(uint8_t mode, std::string_view payload) {
  std::string in(1, static_cast<char>(mode));
  in += payload;
  return fuzz_one(reinterpret_cast<const uint8_t*>(in.data()), in.size());
}

TEST(WafFuzz, CorpusAndMutationsKeepTheInvariants) {
  std::vector<std::string> inputs = testing::corpus_lines("log4shell.txt");
  for (auto& l : testing::corpus_lines("benign-prompts.txt")) inputs.push_back(l);
  std::mt19937 rng(8);
  static constexpr char kPunct[] = "${}:-\\%&#;'\"\xc4\xb1 ";
  size_t n = inputs.size();
  for (size_t i = 0; i < n; ++i) {
    for (int k = 0; k < 12; ++k) {
      std::string m = inputs[i];
      if (m.empty()) continue;
      size_t at = rng() % m.size();
      switch (k % 4) {
        case 0:
          m.resize(at);
          break;
        case 1:
          for (int j = 0; j < 3; ++j) m[rng() % m.size()] = kPunct[rng() % (sizeof kPunct - 1)];
          break;
        case 2:
          m.erase(at, 1 + rng() % 4);
          break;
        default:
          m.insert(at, m.substr(0, at));
          break;
      }
      inputs.push_back(std::move(m));
    }
  }
  for (const auto& in : inputs) {
    for (uint8_t mode = 0; mode < 8; ++mode) {
      std::string broken = run(mode, in);
      ASSERT_EQ(broken, "") << "mode " << int(mode) << " input: " << in;
    }
  }
}

TEST(WafFuzz, PathologicalInputsStayFast) {
  std::vector<std::string> inputs;
  std::string nest;
  for (int i = 0; i < 20000; ++i) nest += "${";
  inputs.push_back(nest);
  inputs.push_back(nest + std::string(20000, '}'));
  std::string lower;
  for (int i = 0; i < 3000; ++i) lower += "${lower:${upper:";
  inputs.push_back(lower + "j" + std::string(6000, '}'));
  std::string esc;
  for (int i = 0; i < 3000; ++i) esc += "${::-$$";
  inputs.push_back(esc + "{jndi:ldap://x}" + std::string(3000, '}'));
  inputs.push_back(std::string(100000, '%') + "2e");
  inputs.push_back(std::string(50000, '&') + "#36;{");
  for (const auto& in : inputs) {
    auto t0 = std::chrono::steady_clock::now();
    for (uint8_t mode = 0; mode < 4; ++mode) ASSERT_EQ(run(mode, in), "");
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    EXPECT_LT(ms, 2000) << "input of " << in.size() << " bytes took " << ms << " ms";
  }
}

}  // namespace
}  // namespace parapet::waf
