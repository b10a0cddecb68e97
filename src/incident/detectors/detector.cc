#include "incident/detectors/detector.h"

#include <algorithm>

namespace parapet::incident {

Buckets::Buckets(int64_t bucket_ms, int64_t span_ms)
    : bucket_ms_(std::max<int64_t>(1, bucket_ms)),
      ring_(static_cast<size_t>(std::max<int64_t>(1, span_ms / std::max<int64_t>(1, bucket_ms)) +
                                2)) {}

void Buckets::add(int64_t now_ms, int64_t a, int64_t b) {
  int64_t idx = now_ms / bucket_ms_;
  Slot& s = ring_[static_cast<size_t>(idx % static_cast<int64_t>(ring_.size()))];
  if (s.index != idx) s = Slot{idx, 0, 0};
  s.a += a;
  s.b += b;
}

void Buckets::sum(int64_t now_ms, int64_t window_ms, int64_t* a, int64_t* b) const {
  sum_at(now_ms, window_ms, a, b);
}

void Buckets::sum_at(int64_t end_ms, int64_t window_ms, int64_t* a, int64_t* b) const {
  *a = 0;
  *b = 0;
  int64_t last = end_ms / bucket_ms_;
  int64_t n = std::max<int64_t>(1, window_ms / bucket_ms_);
  n = std::min<int64_t>(n, static_cast<int64_t>(ring_.size()) - 1);
  for (int64_t i = last - n + 1; i <= last; ++i) {
    if (i < 0) continue;
    const Slot& s = ring_[static_cast<size_t>(i % static_cast<int64_t>(ring_.size()))];
    if (s.index != i) continue;
    *a += s.a;
    *b += s.b;
  }
}

void Detector::report(const std::string& detector, const std::string& subject, bool firing,
                      std::string evidence, std::vector<Signal>& out) {
  bool& was = firing_[subject];
  if (was == firing) return;
  was = firing;
  out.push_back(Signal{detector, subject, firing, std::move(evidence)});
}

}  // namespace parapet::incident
