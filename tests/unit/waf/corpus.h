// Reads tests/corpus/waf/NAME: one entry per line, '#' lines and blank lines skipped.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace parapet::waf::testing {

inline std::vector<std::string> corpus_lines(const std::string& name) {
  std::ifstream f(std::string(PARAPET_SOURCE_DIR) + "/tests/corpus/waf/" + name);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

}  // namespace parapet::waf::testing
