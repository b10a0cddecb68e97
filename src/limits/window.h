// Window and period arithmetic for rate limits and budgets, on an injected clock (Unix epoch
// milliseconds, UTC). Pure functions: the limiter's correctness argument lives here and in
// counters.h, and both are unit-tested without threads or sleeps.
//
// Fixed windows are aligned to the epoch: window k covers [k*W, (k+1)*W).
// Sliding windows use the two-window weighted counter (Cloudflare's and nginx's approximation):
//   estimate(now) = prev * (W - elapsed) / W + cur,   elapsed = now - start of the current window
// i.e. the previous window's count is assumed spread evenly over it, and the part of it that still
// lies inside the last W milliseconds is counted. It is exact when traffic is uniform; with bursts
// it can err either way by at most `prev` (a burst at the very end of the previous window is
// under-counted, one at its very start over-counted). All arithmetic is integer: the comparison
// estimate + add <= limit is done as prev*(W-elapsed) + (cur+add)*W <= limit*W in 128 bits.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "limits/rule.h"

namespace parapet::limits {

inline int64_t window_index(int64_t now_ms, int64_t window_ms) {
  return now_ms >= 0 ? now_ms / window_ms : -((-now_ms + window_ms - 1) / window_ms);
}

// Whether `add` more fits: fixed windows compare cur + add with limit; sliding ones the estimate.
bool fits(WindowKind kind, int64_t prev, int64_t cur, int64_t add, int64_t limit, int64_t now_ms,
          int64_t window_ms);

// The count a window reports (x-ratelimit-remaining = limit - this): cur for fixed windows, the
// estimate rounded up for sliding ones.
int64_t used(WindowKind kind, int64_t prev, int64_t cur, int64_t now_ms, int64_t window_ms);

// Milliseconds until `add` more would fit again if nothing else arrived: the end of the current
// window for fixed windows; for sliding ones the moment the previous window's weight has decayed
// enough (or, when cur alone is over, the end of the next window). At least 1.
int64_t retry_after_ms(WindowKind kind, int64_t prev, int64_t cur, int64_t add, int64_t limit,
                       int64_t now_ms, int64_t window_ms);

// Budget periods (UTC): days since the epoch, or months since January 1970.
int64_t period_index(Period p, int64_t now_ms);
// Start of period `index` in epoch milliseconds.
int64_t period_start_ms(Period p, int64_t index);

// Civil date of an epoch day (Howard Hinnant's algorithm) and back.
struct CivilDate {
  int64_t year;
  unsigned month, day;  // 1-based
};
CivilDate civil_from_days(int64_t days);
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace parapet::limits
