// The wire fuzz target's body: every parser that reads bytes from clients or upstreams, shared by
// the libFuzzer entry point (wire_fuzz.cc main, PARAPET_FUZZ=ON with clang) and the unit test that
// runs it over seeds and mutations (tests/unit/fuzz/wire_fuzz_test.cc), so CI exercises it with
// gcc (and the sanitizer build) too.
//
// Input: the first byte picks the target, the second a split point (as a fraction of the rest),
// the rest is the payload:
//   0  HTTP request parser       whole vs split in two: same verdict, head and body
//   1  HTTP response parser      the same, then finish_eof() on a close-delimited body
//   2  SSE parser                events are the same whatever the split
//   3  usage extractors          OpenAI / Anthropic / Gemini, streaming and not: forwarded bytes
//                                equal the input (nothing hidden) and do not depend on the split
//   4  JSON probe                no crash on any document, padded or not
//   5  DLP scan + mask           findings in bounds, ordered, non-overlapping; mask keeps length
//   6  DLP stream guard          redact: output length == input length; flag: output == input
// Thread-safety: pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace parapet::fuzz {

// Runs one input; returns "" when every invariant holds, else what broke.
std::string wire_fuzz_one(const uint8_t* data, size_t size);

}  // namespace parapet::fuzz
