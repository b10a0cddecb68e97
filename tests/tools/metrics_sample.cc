// Prints the sample /metrics exposition (tests/unit/observe/metrics_sample.h) for
// `promtool check metrics` in ctest.
#include "unit/observe/metrics_sample.h"

#include <iostream>

int main() {
  std::cout << parapet::observe::testing::sample_exposition();
  return 0;
}
