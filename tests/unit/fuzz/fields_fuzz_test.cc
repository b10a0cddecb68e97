// Runs the fields fuzz target's body (fuzz/fields_fuzz.h) in CI without clang: over its seeds
// (fuzz/seeds/fields/) through every target, and over deterministic mutations of them.
#include "fuzz/fields_fuzz.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace parapet::fuzz {
namespace {

namespace fs = std::filesystem;

std::string run(std::string_view in) {
  return fields_fuzz_one(reinterpret_cast<const uint8_t*>(in.data()), in.size());
}

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(PARAPET_SOURCE_DIR "/fuzz/seeds/fields")) {
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

TEST(FieldsFuzz, SeedsInEveryTarget) {
  auto all = seeds();
  ASSERT_GE(all.size(), 10u);
  for (const auto& s : all) {
    for (char target = 0; target < 3; ++target) {
      std::string in = s;
      in[0] = target;
      ASSERT_EQ(run(in), "") << "seed " << s.substr(1, 60) << " target " << int(target);
    }
  }
}

TEST(FieldsFuzz, MutationsOfSeeds) {
  static constexpr char kBytes[] = "\"{}[]:,\\ \t\n\x00\x7f\xff/?%0-tn";
  std::mt19937 rng(11);
  int runs = 0;
  for (const auto& s : seeds()) {
    for (int i = 0; i < 400; ++i) {
      std::string m = s;
      m[0] = static_cast<char>(rng() % 3);
      if (m.size() > 2) {
        size_t at = 1 + rng() % (m.size() - 1);
        switch (i % 3) {
          case 0:
            m.resize(at);
            break;
          case 1:
            for (int k = 0; k < 3; ++k)
              m[1 + rng() % (m.size() - 1)] = kBytes[rng() % (sizeof kBytes - 1)];
            break;
          default:
            m.insert(at, m.substr(at, rng() % 32));
        }
      }
      ASSERT_EQ(run(m), "") << "mutation " << i << ": " << m.substr(1, 120);
      ++runs;
    }
  }
  EXPECT_GT(runs, 4000);
}

}  // namespace
}  // namespace parapet::fuzz
