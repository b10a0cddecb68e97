// Shared shape of the simple detectors: a per-subject count (or sum) over one sliding window
// compared with a threshold.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "incident/detectors/detector.h"

namespace parapet::incident {

class WindowCountDetector : public Detector {
 public:
  // value(r, &subject): how much `r` adds (0: nothing) and to which subject.
  using Value = std::function<int64_t(const observe::RequestRecord&, std::string*)>;
  using Describe = std::function<std::string(const std::string& subject, int64_t value)>;
  WindowCountDetector(std::string name, int64_t window_ms, int64_t threshold, Value value,
                      Describe describe);
  void observe(const observe::RequestRecord& r, int64_t now_ms) override;
  void evaluate(int64_t now_ms, std::vector<Signal>& out) override;

 private:
  std::string name_;
  int64_t window_ms_, threshold_;
  Value value_;
  Describe describe_;
  std::map<std::string, std::unique_ptr<Buckets>> series_;
};

}  // namespace parapet::incident
