// libFuzzer target for every wire parser (fuzz/wire_fuzz.h): clang -fsanitize=fuzzer
// (cmake -DPARAPET_FUZZ=ON with clang). The body, wire_fuzz_one(), also runs in the unit tests.
//   ./build-fuzz/fuzz/wire_fuzz fuzz/seeds/wire -max_total_time=300
#include "fuzz/wire_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = parapet::fuzz::wire_fuzz_one(data, size);
  if (!broken.empty()) {
    std::fprintf(stderr, "invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
