// The WAF fuzz target's body, shared by the libFuzzer entry point (waf_fuzz.cc, PARAPET_FUZZ=ON
// with clang) and the unit test that runs it over the WAF corpus and mutations of it
// (tests/unit/waf/fuzz_test.cc), so CI exercises it with gcc too.
//
// Input: the first byte picks the position (bits 0-1: uri, query, header, JSON body; bit 2: AI
// route), the rest is the payload. Checks, besides no crash and bounded time (sanitizers and
// libFuzzer's -timeout catch those): the resolver's output is capped, scan() agrees with itself,
// every excerpt and summary is neutralized (no "${"), and the Hyperscan and literal engines agree.
// Thread-safety: uses function-local statics; call from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace parapet::waf {

// "" when the invariants hold, else what broke.
std::string fuzz_one(const uint8_t* data, size_t size);

}  // namespace parapet::waf
