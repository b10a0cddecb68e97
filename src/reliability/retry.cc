#include "reliability/retry.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <string>

namespace parapet::reliability {

namespace {

Error bad(std::string_view header, std::string what) {
  return make_error(ErrorCode::kBadRequest, std::string(header) + ": " + what);
}

// A whole non-negative decimal number, no sign, no spaces inside; -1 when v is not one.
// A plain sentinel rather than std::optional: g++ -O2 tests the empty optional's (uninitialised)
// payload before its flag, which valgrind reports on every bad header (scripts/leakcheck.sh).
int64_t parse_uint(std::string_view v) {
  v = http::trim(v);
  if (v.empty() || v.size() > 15) return -1;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) return -1;
  return n;
}

struct Sent {
  std::string_view name, value;
};

// The four settings a request may carry, each under two spellings.
enum Setting { kSetAttempts, kSetDelay, kSetBackoff, kSetTimeout, kSettings };
constexpr std::string_view kSuffixes[kSettings] = {"max-attempts", "retry-delay", "backoff",
                                                   "request-timeout"};

}  // namespace

std::string_view backoff_name(Backoff b) {
  switch (b) {
    case Backoff::kConstant:
      return "constant";
    case Backoff::kLinear:
      return "linear";
    case Backoff::kExponential:
      return "exponential";
  }
  return "exponential";
}

Result<int> parse_max_attempts(std::string_view v) {
  int64_t n = parse_uint(v);
  if (n < 1 || n > kMaxAttempts) {
    return make_error(ErrorCode::kBadRequest,
                      "must be an integer from 1 to " + std::to_string(kMaxAttempts));
  }
  return static_cast<int>(n);
}

Result<Millis> parse_retry_delay(std::string_view v) {
  int64_t n = parse_uint(v);
  if (n < 0 || n > kMaxRetryDelay.count()) {
    return make_error(ErrorCode::kBadRequest,
                      "must be milliseconds from 0 to " + std::to_string(kMaxRetryDelay.count()));
  }
  return Millis(n);
}

Result<Backoff> parse_backoff(std::string_view v) {
  v = http::trim(v);
  if (http::iequals(v, "constant")) return Backoff::kConstant;
  if (http::iequals(v, "linear")) return Backoff::kLinear;
  if (http::iequals(v, "exponential")) return Backoff::kExponential;
  return make_error(ErrorCode::kBadRequest, "must be constant, linear or exponential");
}

Result<Millis> parse_request_timeout(std::string_view v) {
  int64_t n = parse_uint(v);
  if (n < 1 || n > kMaxRequestTimeout.count()) {
    return make_error(ErrorCode::kBadRequest, "must be milliseconds from 1 to " +
                                                  std::to_string(kMaxRequestTimeout.count()));
  }
  return Millis(n);
}

Result<RetrySettings> apply_headers(RetrySettings s, const http::HeaderList& headers) {
  // One pass over the headers (this runs for every request, which usually sends none of them):
  // the x-parapet-* spelling wins over the cf-aig-* one whatever their order.
  std::optional<Sent> ours[kSettings], alias[kSettings];
  for (const auto& h : headers) {
    std::string_view rest;
    bool is_ours = false;
    if (h.name.size() > 10 && http::iequals(h.name.substr(0, 10), "x-parapet-")) {
      rest = h.name.substr(10);
      is_ours = true;
    } else if (h.name.size() > 7 && http::iequals(h.name.substr(0, 7), "cf-aig-")) {
      rest = h.name.substr(7);
    } else {
      continue;
    }
    for (int i = 0; i < kSettings; ++i) {
      if (!http::iequals(rest, kSuffixes[i])) continue;
      auto& slot = is_ours ? ours[i] : alias[i];
      if (!slot) slot = Sent{h.name, h.value};
    }
  }
  auto sent = [&](int i) { return ours[i] ? ours[i] : alias[i]; };
  if (auto h = sent(kSetAttempts)) {
    auto r = parse_max_attempts(h->value);
    if (!r) return bad(h->name, r.error().message);
    s.max_attempts = *r;
  }
  if (auto h = sent(kSetDelay)) {
    auto r = parse_retry_delay(h->value);
    if (!r) return bad(h->name, r.error().message);
    s.retry_delay = *r;
  }
  if (auto h = sent(kSetBackoff)) {
    auto r = parse_backoff(h->value);
    if (!r) return bad(h->name, r.error().message);
    s.backoff = *r;
  }
  if (auto h = sent(kSetTimeout)) {
    auto r = parse_request_timeout(h->value);
    if (!r) return bad(h->name, r.error().message);
    s.request_timeout = *r;
  }
  return s;
}

Millis backoff_delay(const RetrySettings& s, int next_attempt, const Random& random) {
  constexpr int64_t kCap = 30000;
  int64_t base = s.retry_delay.count();
  int n = std::max(next_attempt - 1, 1);  // retries so far, counting this one
  int64_t d = base;
  switch (s.backoff) {
    case Backoff::kConstant:
      break;
    case Backoff::kLinear:
      d = base * n;
      break;
    case Backoff::kExponential:
      d = base << std::min(n - 1, 20);
      break;
  }
  d = std::min(d, kCap);
  double r = random ? std::clamp(random(), 0.0, 1.0) : 0.5;
  int64_t half = d / 2;
  return Millis(half + static_cast<int64_t>(static_cast<double>(d - half) * r));
}

std::optional<Millis> parse_retry_after(std::string_view v,
                                        std::chrono::system_clock::time_point now) {
  v = http::trim(v);
  if (v.empty()) return std::nullopt;
  if (int64_t n = parse_uint(v); n >= 0) {
    if (n > 365LL * 86400) return std::nullopt;
    return Millis(n * 1000);
  }
  // IMF-fixdate only (RFC 9110 §5.6.7: the one format senders must use): 29 characters.
  if (v.size() != 29 || v.substr(25) != " GMT" || v[3] != ',') return std::nullopt;
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  auto num = [&](size_t pos, size_t len, int& out) {
    auto [end, ec] = std::from_chars(v.data() + pos, v.data() + pos + len, out);
    return ec == std::errc() && end == v.data() + pos + len;
  };
  int mon = -1;
  for (int i = 0; i < 12; ++i) {
    if (v.substr(8, 3) == kMonths[i]) mon = i;
  }
  int day, year, hh, mm, ss;
  if (mon < 0 || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' || v[19] != ':' ||
      v[22] != ':' || !num(5, 2, day) || !num(12, 4, year) || !num(17, 2, hh) || !num(20, 2, mm) ||
      !num(23, 2, ss) || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  tm.tm_mday = day;
  tm.tm_mon = mon;
  tm.tm_year = year - 1900;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  std::time_t at = timegm(&tm);
  if (at == static_cast<std::time_t>(-1)) return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(at);
  if (when <= now) return Millis(0);
  return std::chrono::duration_cast<Millis>(when - now);
}

bool retryable_status(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<Millis> next_wait(Millis backoff, std::optional<Millis> retry_after,
                                std::optional<Millis> remaining) {
  Millis wait = backoff;
  if (retry_after) {
    if (!remaining && *retry_after > kMaxRetryAfterWait) return std::nullopt;
    wait = std::max(wait, *retry_after);
  }
  if (remaining) {
    if (*remaining <= Millis(0)) return std::nullopt;
    // The upstream asked us not to come back before retry_after: a wait cut short by our own
    // deadline would only buy another refusal, so no retry then. A backoff is ours to shorten.
    if (retry_after && *retry_after >= *remaining) return std::nullopt;
    wait = std::min(wait, *remaining);
    if (wait >= *remaining) return std::nullopt;
  }
  return wait;
}

}  // namespace parapet::reliability
