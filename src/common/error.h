// Errors as values on the data plane (LevelDB's Status, Pingora's typed errors).
//
// Every failure a request can meet is an Error with a code, the side it came from and whether a
// retry could help. error_status() and error_json() are the one mapping from an Error to what the
// client sees, so a status code is never chosen ad hoc at the point of failure.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace parapet {

enum class ErrorCode {
  kBadRequest,           // malformed HTTP or framing: 400 (the connection closes)
  kInvalidRequest,       // a well-framed request the gateway cannot serve as asked: 400
  kNotFound,             // unknown gateway, provider or path: 404
  kMethodNotAllowed,     // 405
  kExpectationFailed,    // an Expect other than 100-continue: 417
  kRequestTimeout,       // client too slow sending the request: 408
  kPayloadTooLarge,      // body over the limit: 413
  kUriTooLong,           // 414
  kHeadersTooLarge,      // header block or count over the limit: 431
  kNotImplemented,       // e.g. a transfer coding we do not accept: 501
  kVersionNotSupported,  // an HTTP version other than 1.x (HTTP/2 preface, 0.9, 2.0): 505
  kUpstreamUnreachable,  // DNS, refused, reset before an answer: 502
  kUpstreamTls,          // TLS handshake or certificate verification failed: 502
  kUpstreamProtocol,     // the upstream answered with malformed HTTP: 502
  kUpstreamTimeout,      // connect, first byte, idle or total deadline: 504
  kOverloaded,           // gateway at its connection or queue limit, or draining: 503
  kUnauthorized,         // missing or wrong gateway token / virtual key: 401
  kForbidden,            // a valid key not allowed here (gateway, provider, revoked): 403
  kWafBlocked,           // a WAF rule blocked the request (docs/waf.md): 403
  kRateLimited,          // a rate-limit rule refused the request: 429
  kBudgetExceeded,       // a spend budget cannot cover the request: 429
  kCircuitOpen,          // the upstream's circuit breaker is open: 503
  kDlpBlocked,           // a DLP policy refused the prompt or the answer: 403
  kInternal,             // our bug: 500
};

enum class ErrorSource { kClient, kUpstream, kInternal };

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  ErrorSource source() const;
  // True when sending the same request again (to the same or another upstream) may succeed.
  bool retryable() const;
};

// HTTP status for an error.
int error_status(ErrorCode code);
// Stable machine-readable type, e.g. "upstream_timeout"; used in JSON bodies and records.
std::string_view error_type(ErrorCode code);
// {"error":{"type":"...","message":"..."}} with the message JSON-escaped.
std::string error_json(const Error& e);
// Appends s to out as the inside of a JSON string (quotes not included); invalid UTF-8 becomes
// U+FFFD, so what an upstream or client sent can never break a JSON answer or log line.
void append_json_escaped(std::string& out, std::string_view s);

// Result<T>: a value or an Error. Small on purpose; std::expected arrives with C++23.
template <class T>
class Result {
 public:
  Result(T v) : v_(std::move(v)) {}      // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

// Returns the error of a failed Result from the enclosing function.
#define PARAPET_TRY(expr)       \
  do {                          \
    auto _r = (expr);           \
    if (!_r) return _r.error(); \
  } while (0)

}  // namespace parapet
