// libFuzzer target for the request fields the gateway reads (fuzz/fields_fuzz.h): clang
// -fsanitize=fuzzer (cmake -DPARAPET_FUZZ=ON with clang). The body, fields_fuzz_one(), also runs
// in the unit tests.
//   ./build-fuzz/fuzz/fields_fuzz fuzz/seeds/fields -max_total_time=300
#include "fuzz/fields_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = parapet::fuzz::fields_fuzz_one(data, size);
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
