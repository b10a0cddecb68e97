#include "observe/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <vector>

namespace parapet::observe {
namespace {

constexpr double kPercentiles[] = {0, 0.1, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

// The nearest-rank percentile, the definition Histogram::percentile approximates.
int64_t exact_percentile(std::vector<int64_t> sorted, double p) {
  auto n = static_cast<uint64_t>(sorted.size());
  auto rank = static_cast<uint64_t>(std::ceil(p * static_cast<double>(n) / 100));
  rank = std::clamp<uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

double relative_error(double estimate, int64_t exact) {
  if (exact == 0) return estimate == 0 ? 0 : 1;
  return std::abs(estimate - static_cast<double>(exact)) / static_cast<double>(exact);
}

// Largest relative error over kPercentiles; fails the test past the documented bound.
double check_accuracy(const char* name, std::vector<int64_t> values) {
  Histogram h;
  for (int64_t v : values) h.record(v);
  std::sort(values.begin(), values.end());
  double worst = 0;
  for (double p : kPercentiles) {
    int64_t exact = exact_percentile(values, p);
    double err = relative_error(h.percentile(p), exact);
    EXPECT_LE(err, Histogram::kMaxRelativeError + 1e-12)
        << name << " p" << p << " exact " << exact << " got " << h.percentile(p);
    worst = std::max(worst, err);
  }
  std::cout << "[ accuracy ] " << name << ": n=" << values.size()
            << " worst relative error over p0..p100 = " << worst * 100 << "%\n";
  return worst;
}

TEST(Histogram, BucketGeometry) {
  EXPECT_GE(Histogram::kBuckets, 300u);
  EXPECT_LE(Histogram::kBuckets, 600u);
  for (int64_t v = 0; v < 32; ++v) {
    EXPECT_EQ(Histogram::bucket_of(v), static_cast<size_t>(v));
    EXPECT_EQ(Histogram::representative(v), static_cast<double>(v));
  }
  for (size_t i = 1; i < Histogram::kBuckets; ++i) {
    ASSERT_LT(Histogram::lower(i - 1), Histogram::lower(i));
    EXPECT_EQ(Histogram::bucket_of(Histogram::lower(i)), i);
    EXPECT_EQ(Histogram::bucket_of(Histogram::lower(i) - 1), i - 1);
    if (i + 1 < Histogram::kBuckets) {
      // Integers L..H share bucket i: H / L bounds the relative error.
      double ratio = static_cast<double>(Histogram::upper(i) - 1) / Histogram::lower(i);
      EXPECT_LT(ratio, 1.04) << "bucket " << i;
    }
  }
  // One hour is still inside a regular bucket; the overflow bucket starts at or after it.
  EXPECT_GE(Histogram::lower(Histogram::kBuckets - 1), 3'600'000'000);
  EXPECT_LT(Histogram::bucket_of(3'600'000'000 - 1), Histogram::kBuckets - 1);
  // Every Prometheus bound is exact: bound + 1 is an edge.
  for (int64_t le : Histogram::prometheus_bounds_us()) {
    EXPECT_EQ(Histogram::lower(Histogram::bucket_of(le + 1)), le + 1) << le;
  }
}

TEST(Histogram, EmptyAndClamped) {
  Histogram h;
  EXPECT_EQ(h.percentile(50), 0);
  EXPECT_EQ(h.count(), 0u);
  h.record(-5);
  h.record(Histogram::kMaxValueUs * 10);
  EXPECT_EQ(h.min_us(), 0);
  EXPECT_EQ(h.max_us(), Histogram::kMaxValueUs);
  EXPECT_EQ(h.percentile(0), 0);
  EXPECT_EQ(h.percentile(100), static_cast<double>(Histogram::kMaxValueUs));
}

TEST(Histogram, EverySingleValueWithinBound) {
  // Every integer up to 50 ms, then a sweep to past one hour: one value alone, and the value as
  // the median of three neighbours in the same bucket, must both come back within the bound.
  std::vector<int64_t> values;
  for (int64_t v = 0; v <= 50'000; ++v) values.push_back(v);
  for (double v = 50'000; v < 4e9; v *= 1.0007) values.push_back(static_cast<int64_t>(v));
  double worst = 0;
  for (int64_t v : values) {
    Histogram h;
    h.record(v);
    ASSERT_EQ(h.percentile(50), static_cast<double>(v));  // clamped to min = max
    size_t b = Histogram::bucket_of(v);
    Histogram h3;
    h3.record(Histogram::lower(b));
    h3.record(v);
    h3.record(b + 1 < Histogram::kBuckets ? Histogram::upper(b) - 1 : v);
    double err = relative_error(h3.percentile(50), v);
    if (v < 3'600'000'000) {
      ASSERT_LE(err, Histogram::kMaxRelativeError + 1e-12) << v;
      worst = std::max(worst, err);
    }
  }
  std::cout << "[ accuracy ] any value below 1 h, bucket edges around it: worst " << worst * 100
            << "% (bound " << Histogram::kMaxRelativeError * 100 << "%)\n";
}

TEST(Histogram, PercentilesWithinBoundOnRandomData) {
  std::mt19937_64 rng(42);
  const int n = 200'000;
  {
    // Log-uniform over 1 µs .. 1 h: every bucket region gets exercised.
    std::uniform_real_distribution<double> u(0, std::log(3.6e9));
    std::vector<int64_t> v;
    for (int i = 0; i < n; ++i) v.push_back(static_cast<int64_t>(std::exp(u(rng))));
    check_accuracy("log-uniform 1us..1h", v);
  }
  {
    // LLM calls: lognormal around 800 ms with a heavy tail.
    std::lognormal_distribution<double> d(std::log(800'000), 0.9);
    std::vector<int64_t> v;
    for (int i = 0; i < n; ++i) v.push_back(static_cast<int64_t>(d(rng)));
    check_accuracy("lognormal median 800ms", v);
  }
  {
    // Bimodal: cache hits at ~200 µs, upstream calls at ~2 s.
    std::normal_distribution<double> hit(200, 30), call(2e6, 4e5);
    std::bernoulli_distribution is_hit(0.3);
    std::vector<int64_t> v;
    for (int i = 0; i < n; ++i) {
      v.push_back(std::max<int64_t>(0, static_cast<int64_t>(is_hit(rng) ? hit(rng) : call(rng))));
    }
    check_accuracy("bimodal 200us / 2s", v);
  }
  {
    // Few samples: the percentile is one of them, still within the bound.
    std::uniform_int_distribution<int64_t> d(1, 10'000'000);
    std::vector<int64_t> v;
    for (int i = 0; i < 7; ++i) v.push_back(d(rng));
    check_accuracy("7 samples", v);
  }
}

TEST(Histogram, MergeEqualsCombined) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(std::log(50'000), 2.0);
  Histogram all, parts[3];
  SparseHistogram sparse[3];
  Histogram from_sparse;
  for (int i = 0; i < 100'000; ++i) {
    auto v = static_cast<int64_t>(d(rng));
    all.record(v);
    parts[i % 3].record(v);
    sparse[i % 3].record(v);
  }
  Histogram merged;
  for (const Histogram& p : parts) merged.merge(p);
  for (const SparseHistogram& s : sparse) from_sparse.merge(s);
  for (const Histogram* h : {&merged, &from_sparse}) {
    EXPECT_EQ(h->count(), all.count());
    EXPECT_EQ(h->sum_us(), all.sum_us());
    EXPECT_EQ(h->min_us(), all.min_us());
    EXPECT_EQ(h->max_us(), all.max_us());
    for (size_t i = 0; i < Histogram::kBuckets; ++i) {
      ASSERT_EQ(h->bucket_count(i), all.bucket_count(i)) << i;
    }
    for (double p : kPercentiles) EXPECT_EQ(h->percentile(p), all.percentile(p)) << p;
  }
  // Merging an empty one changes nothing (its min/max must not leak in).
  Histogram empty;
  SparseHistogram empty_sparse;
  merged.merge(empty);
  merged.merge(empty_sparse);
  EXPECT_EQ(merged.min_us(), all.min_us());
  EXPECT_EQ(merged.percentile(0), all.percentile(0));
}

TEST(Histogram, SparseKeepsOnlyHitBucketsAndSaturatesIntoASecondEntry) {
  SparseHistogram s;
  EXPECT_TRUE(s.empty());
  for (int i = 0; i < 1000; ++i) s.record(1000 + i % 10);  // one bucket
  EXPECT_EQ(s.count(), 1000u);
  EXPECT_LE(s.heap_bytes(), 4 * sizeof(uint32_t));
  // Past 2^22 - 1 in one bucket, a second entry carries on.
  SparseHistogram big;
  const uint64_t n = (1u << 22) + 5;
  for (uint64_t i = 0; i < n; ++i) big.record(500'000);
  big.record(7);
  big.record(600'000);
  EXPECT_EQ(big.count(), n + 2);
  Histogram h;
  h.merge(big);
  EXPECT_EQ(h.bucket_count(Histogram::bucket_of(500'000)), n);
  EXPECT_EQ(h.count(), n + 2);
  EXPECT_EQ(h.percentile(50), h.percentile(99));
  EXPECT_EQ(h.min_us(), 7);
  EXPECT_EQ(h.max_us(), 600'000);
}

TEST(Histogram, PrometheusBucketsAreExactCumulativeCounts) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(std::log(300'000), 2.5);
  std::vector<int64_t> values;
  for (int i = 0; i < 50'000; ++i) values.push_back(static_cast<int64_t>(d(rng)));
  for (int64_t le : Histogram::prometheus_bounds_us()) {  // on and around each bound
    values.insert(values.end(), {le - 1, le, le, le + 1});
  }
  Histogram h;
  for (int64_t v : values) h.record(v);
  auto buckets = h.prometheus_buckets();
  for (size_t b = 0; b < buckets.size(); ++b) {
    int64_t le = Histogram::prometheus_bounds_us()[b];
    auto expect = static_cast<uint64_t>(
        std::count_if(values.begin(), values.end(), [&](int64_t v) { return v <= le; }));
    EXPECT_EQ(buckets[b], expect) << "le=" << le;
    EXPECT_EQ(h.count_at_most(le), expect) << "le=" << le;
  }
}

}  // namespace
}  // namespace parapet::observe
