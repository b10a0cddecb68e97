// The fields fuzz target's body: what the gateway reads out of a client's request before sending
// it upstream, shared by the libFuzzer entry point (fields_fuzz.cc, PARAPET_FUZZ=ON with clang) and
// the unit test that runs it over seeds and mutations (tests/unit/fuzz/fields_fuzz_test.cc).
//
// Input: the first byte picks the target, the rest is the payload:
//   0  request facts      inspect_request() for every protocol and endpoint shape (model, stream,
//                         stream_options): the same facts as a second read; members found by the
//                         JSON scanner lie inside the body, in order
//   1  include_usage      inject_include_usage(): when it rewrites, the result is still one JSON
//                         object with the same model and stream, now asking for usage, and a second
//                         injection changes nothing; when it does not, the body is untouched
//   2  route              route::resolve() of the payload as a request target against a snapshot
//                         with every built-in provider: no crash; a resolved target's views point
//                         into the target and its upstream path starts with '/'
// Thread-safety: pure (a snapshot is built once, on first use).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace parapet::fuzz {

// Runs one input; returns "" when every invariant holds, else what broke.
std::string fields_fuzz_one(const uint8_t* data, size_t size);

}  // namespace parapet::fuzz
