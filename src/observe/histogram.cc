#include "observe/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parapet::observe {

namespace {

int64_t clamp_value(int64_t us) { return std::clamp<int64_t>(us, 0, Histogram::kMaxValueUs); }

uint64_t add_saturating(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

}  // namespace

size_t Histogram::bucket_of(int64_t us) {
  us = clamp_value(us);
  if (us < histogram_detail::kLinearEndUs) return static_cast<size_t>(us);
  const auto& e = histogram_detail::kEdges;
  // The last edge <= us.
  auto it = std::upper_bound(e.v.begin(), e.v.begin() + e.n, us);
  return static_cast<size_t>(it - e.v.begin()) - 1;
}

int64_t Histogram::upper(size_t i) {
  return i + 1 < kBuckets ? histogram_detail::kEdges.v[i + 1] : std::numeric_limits<int64_t>::max();
}

double Histogram::representative(size_t i) {
  // The bucket holds the integers L..H. Reporting r costs at most max((r-L)/L, (H-r)/H); the
  // harmonic mean 2LH/(L+H) equalises the two, giving (H-L)/(H+L) < (ratio-1)/(ratio+1).
  const double lo = static_cast<double>(lower(i));
  if (i + 1 == kBuckets || lo == 0) return lo;
  const double hi = static_cast<double>(upper(i) - 1);
  return 2 * lo * hi / (lo + hi);
}

void Histogram::record(int64_t us, uint64_t n) {
  if (n == 0) return;
  us = clamp_value(us);
  counts_[bucket_of(us)] += n;
  count_ += n;
  sum_ = add_saturating(sum_, static_cast<uint64_t>(us) * n);
  min_ = std::min(min_, us);
  max_ = std::max(max_, us);
}

// Every non-empty bucket lies between the buckets of the exact min and max, so loops over the
// counters visit that range only: a histogram of a quiet minute costs a few buckets, not all.

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  const size_t last = bucket_of(other.max_);
  for (size_t i = bucket_of(other.min_); i <= last; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ = add_saturating(sum_, other.sum_);
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::merge(const SparseHistogram& other) {
  uint64_t n = 0;
  for (uint32_t e : other.entries_) {
    uint32_t c = e & SparseHistogram::kCountMask;
    counts_[e >> SparseHistogram::kCountBits] += c;
    n += c;
  }
  if (n == 0) return;
  count_ += n;
  sum_ = add_saturating(sum_, other.sum_);
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::clear() {
  if (count_ > 0) {
    const size_t first = bucket_of(min_), last = bucket_of(max_);
    std::fill(counts_.begin() + first, counts_.begin() + last + 1, 0);
  }
  count_ = 0;
  sum_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
}

double Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // p * count first: (99 * 1000) / 100 is exactly 990, 0.99 * 1000 is not.
  auto rank = static_cast<uint64_t>(std::ceil(p * static_cast<double>(count_) / 100));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = bucket_of(min_); i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // Past the last edge nothing bounds the value but the exact maximum.
      if (i + 1 == kBuckets) return static_cast<double>(max_);
      return std::clamp(representative(i), static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);  // unreachable: the counts add up to count_
}

uint64_t Histogram::count_at_most(int64_t us) const {
  if (us < 0) return 0;
  uint64_t n = 0;
  for (size_t i = 0; i < kBuckets && upper(i) <= us + 1; ++i) n += counts_[i];
  return n;
}

std::array<uint64_t, histogram_detail::kPrometheusBoundsUs.size()> Histogram::prometheus_buckets()
    const {
  std::array<uint64_t, histogram_detail::kPrometheusBoundsUs.size()> out{};
  size_t b = 0;
  uint64_t n = 0;
  for (size_t i = 0; i < kBuckets && b < out.size(); ++i) {
    // Bucket i lies wholly at or below bound b when its exclusive upper edge is <= bound + 1.
    while (b < out.size() && upper(i) > histogram_detail::kPrometheusBoundsUs[b] + 1) {
      out[b++] = n;
    }
    n += counts_[i];
  }
  for (; b < out.size(); ++b) out[b] = n;
  return out;
}

void SparseHistogram::record(int64_t us) {
  us = clamp_value(us);
  const auto b = static_cast<uint32_t>(Histogram::bucket_of(us));
  // Entries of bucket b end where bucket b + 1 would start.
  auto it = std::lower_bound(entries_.begin(), entries_.end(), (b + 1) << kCountBits);
  if (it != entries_.begin() && (it[-1] >> kCountBits) == b && (it[-1] & kCountMask) < kCountMask) {
    ++it[-1];
  } else {
    entries_.insert(it, (b << kCountBits) | 1u);
  }
  sum_ = add_saturating(sum_, static_cast<uint64_t>(us));
  min_ = std::min(min_, us);
  max_ = std::max(max_, us);
}

uint64_t SparseHistogram::count() const {
  uint64_t n = 0;
  for (uint32_t e : entries_) n += e & kCountMask;
  return n;
}

}  // namespace parapet::observe
