#include "limits/window.h"

#include <algorithm>

namespace parapet::limits {

namespace {
using i128 = __int128;

int64_t elapsed_in(int64_t now_ms, int64_t window_ms) {
  return now_ms - window_index(now_ms, window_ms) * window_ms;
}
}  // namespace

bool fits(WindowKind kind, int64_t prev, int64_t cur, int64_t add, int64_t limit, int64_t now_ms,
          int64_t window_ms) {
  if (kind == WindowKind::kFixed) return cur + add <= limit;
  int64_t rest = window_ms - elapsed_in(now_ms, window_ms);
  i128 lhs = i128(prev) * rest + i128(cur + add) * window_ms;
  return lhs <= i128(limit) * window_ms;
}

int64_t used(WindowKind kind, int64_t prev, int64_t cur, int64_t now_ms, int64_t window_ms) {
  if (kind == WindowKind::kFixed) return cur;
  int64_t rest = window_ms - elapsed_in(now_ms, window_ms);
  i128 weighted = i128(prev) * rest;
  return cur + static_cast<int64_t>((weighted + window_ms - 1) / window_ms);
}

int64_t retry_after_ms(WindowKind kind, int64_t prev, int64_t cur, int64_t add, int64_t limit,
                       int64_t now_ms, int64_t window_ms) {
  int64_t to_end = window_ms - elapsed_in(now_ms, window_ms);
  if (kind == WindowKind::kFixed) return std::max<int64_t>(1, to_end);
  if (cur + add > limit) {
    // Even with prev fully decayed this window is over: wait for it to become the previous one
    // and decay enough in the next: prev' = cur, need cur*(W-e)/W + add <= limit.
    if (add > limit) return to_end + window_ms;
    // e >= W - (limit-add)*W/cur
    i128 e = window_ms - (i128(limit - add) * window_ms) / std::max<int64_t>(cur, 1);
    return std::max<int64_t>(1, to_end + static_cast<int64_t>(e));
  }
  if (prev <= 0) return 1;
  // Need prev*(W-e') <= (limit-cur-add)*W, e' = elapsed + wait.
  i128 max_rest = (i128(limit - cur - add) * window_ms) / prev;  // largest W-e' allowed
  int64_t rest_now = to_end;
  int64_t wait = rest_now - static_cast<int64_t>(std::min<i128>(max_rest, rest_now));
  return std::max<int64_t>(1, wait);
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t period_index(Period p, int64_t now_ms) {
  int64_t day = window_index(now_ms, 86'400'000);
  if (p == Period::kDay) return day;
  CivilDate c = civil_from_days(day);
  return (c.year - 1970) * 12 + (c.month - 1);
}

int64_t period_start_ms(Period p, int64_t index) {
  if (p == Period::kDay) return index * 86'400'000;
  int64_t y = 1970 + (index >= 0 ? index / 12 : -((-index + 11) / 12));
  unsigned m = static_cast<unsigned>(index - (y - 1970) * 12) + 1;
  return days_from_civil(y, m, 1) * 86'400'000;
}

}  // namespace parapet::limits
