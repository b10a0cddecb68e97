// The translate fuzz target's body, shared by the libFuzzer entry point (translate_fuzz.cc, built
// with PARAPET_FUZZ=ON and clang) and the unit test that runs it over the corpus and mutations of
// it (tests/unit/translate/fuzz_test.cc), so CI exercises it with gcc too.
//
// Input: the first byte picks what is fuzzed and how, the rest is the payload:
//   byte % 3 == 0  request translation (bit 2: target Gemini)
//   byte % 3 == 1  answer translation (bit 2: Gemini; bit 3: JSON mode; bits 4-5: status)
//   byte % 3 == 2  stream translation (bit 2: Gemini; bit 3: include_usage; bits 4-7: split size)
// Thread-safety: pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace parapet::translate {

// Runs one input and checks the invariants: no crash (sanitizers catch memory errors), every
// output is valid JSON or well-formed SSE of JSON events, statuses are in range, translating twice
// gives the same bytes, and a stream's output does not depend on how its input was split.
// Returns "" when they hold, else what broke.
std::string fuzz_one(const uint8_t* data, size_t size);

}  // namespace parapet::translate
