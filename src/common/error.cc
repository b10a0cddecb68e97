#include "common/error.h"

#include <cstdio>

#include "common/utf8.h"

namespace parapet {

ErrorSource Error::source() const {
  switch (code) {
    case ErrorCode::kUpstreamUnreachable:
    case ErrorCode::kUpstreamTls:
    case ErrorCode::kUpstreamProtocol:
    case ErrorCode::kUpstreamTimeout:
      return ErrorSource::kUpstream;
    case ErrorCode::kInternal:
    case ErrorCode::kOverloaded:
    case ErrorCode::kCircuitOpen:
      return ErrorSource::kInternal;
    default:
      return ErrorSource::kClient;
  }
}

bool Error::retryable() const {
  switch (code) {
    case ErrorCode::kUpstreamUnreachable:
    case ErrorCode::kUpstreamTimeout:
    case ErrorCode::kOverloaded:
    case ErrorCode::kCircuitOpen:
      return true;
    default:
      return false;
  }
}

int error_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kInvalidRequest:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kExpectationFailed:
      return 417;
    case ErrorCode::kRequestTimeout:
      return 408;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUriTooLong:
      return 414;
    case ErrorCode::kHeadersTooLarge:
      return 431;
    case ErrorCode::kNotImplemented:
      return 501;
    case ErrorCode::kVersionNotSupported:
      return 505;
    case ErrorCode::kUpstreamUnreachable:
    case ErrorCode::kUpstreamTls:
    case ErrorCode::kUpstreamProtocol:
      return 502;
    case ErrorCode::kOverloaded:
    case ErrorCode::kCircuitOpen:
      return 503;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
    case ErrorCode::kDlpBlocked:
    case ErrorCode::kWafBlocked:
      return 403;
    case ErrorCode::kRateLimited:
    case ErrorCode::kBudgetExceeded:
      return 429;
    case ErrorCode::kUpstreamTimeout:
      return 504;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string_view error_type(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kInvalidRequest:
      return "invalid_request_error";  // OpenAI's own type for the same thing
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kExpectationFailed:
      return "expectation_failed";
    case ErrorCode::kRequestTimeout:
      return "request_timeout";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUriTooLong:
      return "uri_too_long";
    case ErrorCode::kHeadersTooLarge:
      return "headers_too_large";
    case ErrorCode::kNotImplemented:
      return "not_implemented";
    case ErrorCode::kVersionNotSupported:
      return "http_version_not_supported";
    case ErrorCode::kUpstreamUnreachable:
      return "upstream_unreachable";
    case ErrorCode::kUpstreamTls:
      return "upstream_tls_error";
    case ErrorCode::kUpstreamProtocol:
      return "upstream_protocol_error";
    case ErrorCode::kUpstreamTimeout:
      return "upstream_timeout";
    case ErrorCode::kOverloaded:
      return "overloaded";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kWafBlocked:
      return "waf_blocked";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kBudgetExceeded:
      return "budget_exceeded";
    case ErrorCode::kCircuitOpen:
      return "circuit_open";
    case ErrorCode::kDlpBlocked:
      return "dlp_blocked";
    case ErrorCode::kInternal:
      return "internal_error";
  }
  return "internal_error";
}

void append_json_escaped(std::string& out, std::string_view s) {
  append_utf8(out, s, [&](unsigned char c) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  });
}

std::string error_json(const Error& e) {
  std::string out = R"({"error":{"type":")";
  out += error_type(e.code);
  out += R"(","message":")";
  append_json_escaped(out, e.message);
  out += "\"}}";
  return out;
}

}  // namespace parapet
