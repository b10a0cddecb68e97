#include "observe/log_id.h"

#include <random>

namespace parapet::observe {

LogIdGenerator::LogIdGenerator() {
  std::random_device rd;
  s0_ = (uint64_t{rd()} << 32) ^ rd();
  s1_ = (uint64_t{rd()} << 32) ^ rd() ^ 0x9e3779b97f4a7c15ull;
}

uint64_t LogIdGenerator::rand64() {
  uint64_t x = s0_, y = s1_;
  s0_ = y;
  x ^= x << 23;
  s1_ = x ^ y ^ (x >> 17) ^ (y >> 26);
  return s1_ + y;
}

std::string LogIdGenerator::next(int64_t unix_ms) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out(26, '0');
  uint64_t t = static_cast<uint64_t>(unix_ms) & ((uint64_t{1} << 48) - 1);
  for (int i = 9; i >= 0; --i) {
    out[i] = kAlphabet[t & 31];
    t >>= 5;
  }
  uint64_t hi = rand64() & ((uint64_t{1} << 40) - 1), lo = rand64() & ((uint64_t{1} << 40) - 1);
  for (int i = 17; i >= 10; --i) {
    out[i] = kAlphabet[hi & 31];
    hi >>= 5;
  }
  for (int i = 25; i >= 18; --i) {
    out[i] = kAlphabet[lo & 31];
    lo >>= 5;
  }
  return out;
}

}  // namespace parapet::observe
