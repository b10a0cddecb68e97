// Request ids: ULIDs (26 Crockford base32 chars: 48-bit millisecond time + 80 random bits), so ids
// sort by time in the store and never collide across workers or restarts.
// Thread-safety: one LogIdGenerator per worker thread.
#pragma once

#include <cstdint>
#include <string>

namespace parapet::observe {

class LogIdGenerator {
 public:
  LogIdGenerator();  // seeded from std::random_device
  std::string next(int64_t unix_ms);

 private:
  uint64_t s0_, s1_;  // xorshift128+ state
  uint64_t rand64();
};

}  // namespace parapet::observe
