// Detectors read finished RequestRecords on the recorder thread (never on the request path) and
// say, per subject, whether a condition holds. Each keeps fixed time buckets per series (small,
// bounded memory) and takes the time as an argument, so tests drive it with a fake clock.
// Thread-safety: one thread (the recorder's) at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "observe/record.h"

namespace parapet::incident {

struct Signal {
  std::string detector;  // error_rate | traffic_surge | retry_storm | spend_burn | waf_surge | ...
  std::string subject;   // provider or gateway name
  bool firing = false;
  std::string evidence;  // one human line: the figures that made it fire or clear
};

// Counts per fixed bucket over a ring that covers `span_ms`. Two counters per bucket.
class Buckets {
 public:
  Buckets(int64_t bucket_ms, int64_t span_ms);
  void add(int64_t now_ms, int64_t a, int64_t b = 0);
  // Sums over the buckets that overlap [now - window_ms, now]; window_ms <= span.
  void sum(int64_t now_ms, int64_t window_ms, int64_t* a, int64_t* b) const;
  // Same, over the window that ends `back_ms` before now.
  void sum_at(int64_t end_ms, int64_t window_ms, int64_t* a, int64_t* b) const;

 private:
  struct Slot {
    int64_t index = -1;
    int64_t a = 0, b = 0;
  };
  int64_t bucket_ms_;
  std::vector<Slot> ring_;
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual void observe(const observe::RequestRecord& r, int64_t now_ms) = 0;
  // Appends a Signal for every subject whose state changed since the last call.
  virtual void evaluate(int64_t now_ms, std::vector<Signal>& out) = 0;

 protected:
  // Records `firing` for `subject`; appends a signal when it changed.
  void report(const std::string& detector, const std::string& subject, bool firing,
              std::string evidence, std::vector<Signal>& out);
  std::map<std::string, bool> firing_;
};

}  // namespace parapet::incident
