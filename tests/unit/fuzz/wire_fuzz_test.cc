// Runs the wire fuzz target's body (fuzz/wire_fuzz.h) in CI without clang: over its seeds
// (fuzz/seeds/wire/) at every split point, and over deterministic mutations of them.
#include "fuzz/wire_fuzz.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace parapet::fuzz {
namespace {

namespace fs = std::filesystem;

std::string run(std::string_view in) {
  return wire_fuzz_one(reinterpret_cast<const uint8_t*>(in.data()), in.size());
}

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(PARAPET_SOURCE_DIR "/fuzz/seeds/wire")) {
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

TEST(WireFuzz, SeedsAtEverySplitPoint) {
  auto all = seeds();
  ASSERT_GE(all.size(), 10u);
  for (const auto& s : all) {
    for (int at = 0; at < 256; at += 3) {
      std::string in = s;
      in[1] = static_cast<char>(at);
      ASSERT_EQ(run(in), "") << "seed target " << int(static_cast<uint8_t>(s[0])) << " split "
                             << at;
    }
  }
}

TEST(WireFuzz, MutationsOfSeedsInEveryTarget) {
  static constexpr char kBytes[] = "\r\n:;\"{}[]\\ \t\x00\x7f\xff-0";
  std::mt19937 rng(7);
  int runs = 0;
  for (const auto& s : seeds()) {
    for (int i = 0; i < 300; ++i) {
      std::string m = s;
      m[0] = static_cast<char>(rng() % 256);  // the same bytes through another target
      m[1] = static_cast<char>(rng() % 256);
      if (m.size() > 3) {
        size_t at = 2 + rng() % (m.size() - 2);
        switch (i % 3) {
          case 0:
            m.resize(at);
            break;
          case 1:
            for (int k = 0; k < 4; ++k)
              m[2 + rng() % (m.size() - 2)] = kBytes[rng() % (sizeof kBytes - 1)];
            break;
          default:
            m.insert(at, m.substr(at, rng() % 64));
        }
      }
      std::string broken = run(m);
      if (!broken.empty()) {
        std::ofstream("/tmp/wire_fail.bin", std::ios::binary) << m;
      }
      ASSERT_EQ(broken, "") << "mutation " << i;
      ++runs;
    }
  }
  EXPECT_GT(runs, 3000);
}

}  // namespace
}  // namespace parapet::fuzz
