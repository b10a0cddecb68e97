// Retry policy as pure code: reading the per-request headers, the delay before the next attempt
// (backoff + jitter, with an injected random source), an upstream's retry-after, and which
// answers are worth another attempt. The upstream phase (pipeline/attempt.cc) does the waiting.
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "common/error.h"
#include "http/headers.h"
#include "reliability/options.h"

namespace parapet::reliability {

// Applies x-parapet-request-timeout, -max-attempts, -retry-delay, -backoff (and their cf-aig-*
// aliases; the x-parapet-* spelling wins when both are sent) over `base`. A malformed or out of
// range value is a kBadRequest naming the header: silently ignoring it would leave a client
// believing it has retries it does not have.
Result<RetrySettings> apply_headers(RetrySettings base, const http::HeaderList& headers);

// Parses one setting's value (shared by the headers and a universal step's `config`).
Result<int> parse_max_attempts(std::string_view v);
Result<Millis> parse_retry_delay(std::string_view v);
Result<Backoff> parse_backoff(std::string_view v);
Result<Millis> parse_request_timeout(std::string_view v);

// A number in [0, 1) — std::uniform_real_distribution in production, a constant in tests.
using Random = std::function<double()>;

// The wait before attempt `next_attempt` (2 for the first retry): retry_delay × 1 (constant),
// × (next_attempt - 1) (linear) or × 2^(next_attempt - 2) (exponential), capped at 30 s, then
// "equal jitter": half of it fixed, the other half scaled by random(), so clients that failed
// together do not all come back at the same instant, and no wait is shorter than half the base.
Millis backoff_delay(const RetrySettings& s, int next_attempt, const Random& random);

// retry-after: delay-seconds or an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") relative to
// `now`. nullopt when absent or unparseable; a date in the past is 0.
std::optional<Millis> parse_retry_after(std::string_view v,
                                        std::chrono::system_clock::time_point now);

// Answers that another attempt may fix: 429 (rate limited) and 500, 502, 503, 504.
bool retryable_status(int status);

// Longest retry-after honoured when the request has no timeout; a longer one is not waited for
// (the answer goes to the client, or the next fallback step is tried).
inline constexpr Millis kMaxRetryAfterWait{60000};

// The wait before the next attempt: the backoff, or the upstream's retry-after when longer.
// nullopt when the wait would not end before `remaining` (time left before the request's
// deadline; nullopt remaining = no deadline, then kMaxRetryAfterWait bounds a retry-after).
std::optional<Millis> next_wait(Millis backoff, std::optional<Millis> retry_after,
                                std::optional<Millis> remaining);

}  // namespace parapet::reliability
