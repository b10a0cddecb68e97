// A fixed ring of time buckets, each holding F counters: the memory a detector keeps per series
// (count x (8 + 8F) bytes, set at construction). Adding to a bucket older than the ring, or to a
// slot a newer bucket already took, drops the value (late records are rare: the recorder delivers
// within ~50 ms).
// Thread-safety: none; a detector owns its rings and runs on the recorder thread.
#pragma once

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <vector>

namespace parapet::incident {

template <int F>
class Buckets {
 public:
  using Values = std::array<int64_t, F>;

  Buckets(int64_t width_us, size_t count)
      : width_(std::max<int64_t>(1, width_us)), slots_(std::max<size_t>(1, count)) {}

  int64_t width() const { return width_; }
  int64_t index(int64_t t_us) const { return t_us >= 0 ? t_us / width_ : -1; }

  void add(int64_t t_us, const Values& v) {
    int64_t i = index(t_us);
    Slot& s = slots_[slot(i)];
    if (s.index != i) {
      if (s.index > i) return;  // too old
      s.index = i;
      s.v = {};
    }
    for (int f = 0; f < F; ++f) s.v[f] += v[f];
    if (first_ == LLONG_MIN || i < first_) first_ = i;
  }

  // Sum of the buckets with index in [lo, hi].
  Values sum_range(int64_t lo, int64_t hi) const {
    Values out{};
    for (const Slot& s : slots_) {
      if (s.index >= lo && s.index <= hi) {
        for (int f = 0; f < F; ++f) out[f] += s.v[f];
      }
    }
    return out;
  }
  // The last `span_us` up to and including now's bucket.
  Values sum(int64_t now_us, int64_t span_us) const {
    int64_t hi = index(now_us);
    int64_t k = std::max<int64_t>(1, span_us / width_);
    return sum_range(hi - k + 1, hi);
  }
  Values at(int64_t i) const { return sum_range(i, i); }
  // Earliest bucket index ever added to (LLONG_MIN: none).
  int64_t first() const { return first_; }
  // Newest bucket index holding data (LLONG_MIN: none).
  int64_t last() const {
    int64_t m = LLONG_MIN;
    for (const Slot& s : slots_) m = std::max(m, s.index);
    return m;
  }

 private:
  struct Slot {
    int64_t index = LLONG_MIN;
    Values v{};
  };
  size_t slot(int64_t i) const {
    int64_t n = static_cast<int64_t>(slots_.size());
    return static_cast<size_t>(((i % n) + n) % n);
  }
  int64_t width_;
  std::vector<Slot> slots_;
  int64_t first_ = LLONG_MIN;
};

}  // namespace parapet::incident
