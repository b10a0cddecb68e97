// Per-subject state of a detector, capped at kMaxSeries (new subjects past the cap share
// "_other_"); looked up by string_view so a known subject costs no allocation.
// Thread-safety: none (recorder thread).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "incident/detector.h"

namespace parapet::incident {

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class S>
class SeriesMap {
 public:
  using Map = std::unordered_map<std::string, S, SvHash, std::equal_to<>>;

  template <class Make>
  S& get(std::string_view key, Make&& make) {
    auto it = map_.find(key);
    if (it != map_.end()) return it->second;
    std::string k = map_.size() + 1 >= kMaxSeries ? std::string("_other_") : std::string(key);
    auto [pos, fresh] = map_.try_emplace(k, make());
    (void)fresh;
    return pos->second;
  }
  Map& all() { return map_; }

 private:
  Map map_;
};

}  // namespace parapet::incident
