// A mergeable latency histogram in integer microseconds, with one fixed set of buckets shared by
// every histogram in the process, so merging is adding counters and a percentile over any set of
// minutes, series or workers is exact up to the bucket width.
//
// Buckets: one per microsecond below 32 µs (exact), then log-spaced with ratio kRatio = 1.04 up to
// one hour, plus one overflow bucket; the Prometheus `le` bounds below are also bucket edges, so
// the coarse exposition buckets are exact sums of fine ones. A percentile is the value of a bucket
// that minimises the worst relative error (not necessarily an integer), clamped to the exact min
// and max: its relative error is at most kMaxRelativeError (1.96%) against the exact nearest-rank
// percentile, for any value below one hour. Values are clamped to [0, kMaxValueUs].
//
// Histogram is dense (kBuckets uint64 counters, about 4 KB): the form to merge into and query.
// SparseHistogram keeps only the buckets that were hit (4 bytes each): the form kept per series per
// minute by Analytics, where most buckets are empty.
// Thread-safety: plain values; no internal locking.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace parapet::observe {

namespace histogram_detail {

inline constexpr double kRatio = 1.04;
inline constexpr int64_t kLinearEndUs = 32;       // one bucket per µs below this
inline constexpr int64_t kTopUs = 3'600'000'000;  // last regular edge is at or above 1 h
inline constexpr std::array<int64_t, 18> kPrometheusBoundsUs = {
    1'000,      2'500,      5'000,      10'000,     25'000,      50'000,
    100'000,    250'000,    500'000,    1'000'000,  2'500'000,   5'000'000,
    10'000'000, 20'000'000, 30'000'000, 60'000'000, 120'000'000, 300'000'000};

constexpr int64_t ceil_positive(double x) {
  auto i = static_cast<int64_t>(x);
  return static_cast<double>(i) < x ? i + 1 : i;
}

// Lower edges of every bucket, ascending, in a fixed-capacity array; returns how many there are.
struct Edges {
  std::array<int64_t, 1024> v{};
  size_t n = 0;
};
constexpr Edges make_edges() {
  Edges e;
  for (int64_t i = 0; i < kLinearEndUs; ++i) e.v[e.n++] = i;
  for (double x = static_cast<double>(kLinearEndUs);; x *= kRatio) {
    int64_t c = ceil_positive(x);
    if (c > e.v[e.n - 1]) e.v[e.n++] = c;
    if (c >= kTopUs) break;
  }
  // `v <= le` is `v < le + 1` for integer microseconds: le + 1 is the edge that makes it exact.
  for (int64_t le : kPrometheusBoundsUs) {
    size_t i = 0;
    while (i < e.n && e.v[i] < le + 1) ++i;
    if (i < e.n && e.v[i] == le + 1) continue;
    for (size_t j = e.n; j > i; --j) e.v[j] = e.v[j - 1];
    e.v[i] = le + 1;
    ++e.n;
  }
  return e;
}
inline constexpr Edges kEdges = make_edges();

}  // namespace histogram_detail

class SparseHistogram;

class Histogram {
 public:
  static constexpr size_t kBuckets = histogram_detail::kEdges.n;
  static constexpr double kMaxRelativeError =
      (histogram_detail::kRatio - 1) / (histogram_detail::kRatio + 1);
  static constexpr int64_t kMaxValueUs = 1'000'000'000'000;  // ~11.6 days; larger values clamp
  // The Prometheus `le` bounds, in µs; each is exact (see count_at_most).
  static constexpr std::span<const int64_t> prometheus_bounds_us() {
    return histogram_detail::kPrometheusBoundsUs;
  }

  void record(int64_t us, uint64_t n = 1);
  void merge(const Histogram& other);
  void merge(const SparseHistogram& other);
  void clear();

  uint64_t count() const { return count_; }
  uint64_t sum_us() const { return sum_; }
  int64_t min_us() const { return count_ ? min_ : 0; }
  int64_t max_us() const { return max_; }
  double mean_us() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }

  // Nearest-rank percentile, p in [0, 100]: the value at rank max(1, ceil(p/100 * count)),
  // within kMaxRelativeError. 0 when empty.
  double percentile(double p) const;

  // Observations <= us. Exact when us + 1 is a bucket edge, which holds for every
  // prometheus_bounds_us() value and every us below kLinearEndUs.
  uint64_t count_at_most(int64_t us) const;
  // count_at_most() for each prometheus_bounds_us() entry (cumulative, as `le` buckets are).
  std::array<uint64_t, histogram_detail::kPrometheusBoundsUs.size()> prometheus_buckets() const;

  // Bucket geometry: bucket i holds [lower(i), upper(i)); upper of the last is INT64_MAX.
  static size_t bucket_of(int64_t us);
  static int64_t lower(size_t i) { return histogram_detail::kEdges.v[i]; }
  static int64_t upper(size_t i);
  // The value reported for bucket i: the one with the least worst-case relative error.
  static double representative(size_t i);

  uint64_t bucket_count(size_t i) const { return counts_[i]; }

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
};

class SparseHistogram {
 public:
  void record(int64_t us);
  uint64_t count() const;
  bool empty() const { return entries_.empty(); }
  // Gives back the vector's spare capacity (for a minute that is unlikely to grow again).
  void shrink() { entries_.shrink_to_fit(); }
  // Heap bytes held (the entries), for memory accounting.
  size_t heap_bytes() const { return entries_.capacity() * sizeof(uint32_t); }

 private:
  friend class Histogram;
  static constexpr int kCountBits = 22;
  static constexpr uint32_t kCountMask = (1u << kCountBits) - 1;
  static_assert(Histogram::kBuckets <= (1u << (32 - kCountBits)), "bucket index must fit");

  // (bucket << kCountBits) | count, sorted by bucket; a bucket whose count reaches kCountMask
  // continues in a second entry for the same bucket.
  std::vector<uint32_t> entries_;
  uint64_t sum_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
};

}  // namespace parapet::observe
