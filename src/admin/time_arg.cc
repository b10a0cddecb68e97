#include "admin/time_arg.h"

#include <charconv>
#include <chrono>

namespace parapet::admin {

namespace {
Error bad(std::string_view text) {
  return make_error(ErrorCode::kBadRequest,
                    "bad time '" + std::string(text.substr(0, 64)) +
                        "': use Unix seconds, RFC 3339 UTC (2026-11-22T06:00:00Z) or an age (15m)");
}

bool number(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= 0;
}
}  // namespace

Result<int64_t> parse_time_arg(std::string_view t, int64_t now_us) {
  int64_t n = 0;
  if (number(t, n)) return n * 1'000'000;
  if (t.size() >= 2) {
    char unit = t.back();
    int64_t mult = unit == 's'   ? 1
                   : unit == 'm' ? 60
                   : unit == 'h' ? 3600
                   : unit == 'd' ? 86400
                                 : 0;
    if (mult && number(t.substr(0, t.size() - 1), n)) return now_us - n * mult * 1'000'000;
  }
  // YYYY-MM-DDTHH:MM:SS[.frac]Z
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') ||
      t[13] != ':' || t[16] != ':' || t.back() != 'Z') {
    return bad(t);
  }
  int64_t y, mo, d, h, mi, s;
  if (!number(t.substr(0, 4), y) || !number(t.substr(5, 2), mo) || !number(t.substr(8, 2), d) ||
      !number(t.substr(11, 2), h) || !number(t.substr(14, 2), mi) || !number(t.substr(17, 2), s)) {
    return bad(t);
  }
  int64_t frac_us = 0;
  std::string_view rest = t.substr(19, t.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return bad(t);
    int64_t scale = 100000;
    for (char c : rest.substr(1)) {
      if (c < '0' || c > '9') return bad(t);
      frac_us += (c - '0') * scale;
      scale /= 10;
    }
  }
  using namespace std::chrono;
  year_month_day ymd{year(static_cast<int>(y)), month(static_cast<unsigned>(mo)),
                     day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return bad(t);
  int64_t days = sys_days(ymd).time_since_epoch().count();
  return ((days * 86400 + h * 3600 + mi * 60 + s) * 1'000'000) + frac_us;
}

}  // namespace parapet::admin
