// Sans-I/O, strict HTTP/1.1 request parser (Beast's low-level parser plus our framing rules).
//
// Feed it bytes as they arrive; it reports how many it consumed, so pipelined requests stay in
// the caller's buffer. Framing that request smuggling relies on is refused: Content-Length with
// Transfer-Encoding, repeated Content-Length or Transfer-Encoding fields, a transfer coding other
// than exactly "chunked", a missing or repeated Host on HTTP/1.1, control bytes in values, bare
// CR or LF line ends, obs-fold, Transfer-Encoding on HTTP/1.0, unbounded chunk lines. Versions
// other than 1.x get 505; absolute-form targets are reduced to their path (docs/hardening.md,
// "Hostile requests", lists every rule with its reference).
// The body is decoded (chunked framing removed) into body(); limits come from config::Limits.
// Thread-safety: one parser per connection, used by one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/headers.h"

namespace parapet::http {

struct RequestLimits {
  size_t max_header_bytes = 64u << 10;
  size_t max_header_count = 100;
  size_t max_uri_bytes = 8192;
  size_t max_body_bytes = 32u << 20;
};

struct RequestHead {
  std::string_view method;
  std::string_view target;
  int version = 11;  // 10 or 11
  HeaderList headers;
  bool keep_alive = true;
  bool chunked = false;
  bool has_content_length = false;
  uint64_t content_length = 0;
  bool expect_continue = false;
};

class RequestParser {
 public:
  RequestParser();
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Prepares for a new request; keeps buffer capacity.
  void reset(const RequestLimits& limits);

  // Consumes a prefix of `data`. Returns bytes consumed (0 means: need more data, keep them).
  // After an error the parser must be reset; the connection should be closed.
  Result<size_t> feed(std::string_view data);

  bool head_done() const;
  bool done() const;
  const RequestHead& head() const { return head_; }
  std::string& body() { return body_; }

 private:
  class Impl;
  std::optional<Error> check_line_ends(std::string_view data);
  std::unique_ptr<Impl> impl_;
  size_t scanned_ = 0;  // head bytes already checked by check_line_ends()
  bool request_line_checked_ = false;
  bool consumed_head_ = false;  // Beast took lines of the head before it was complete
  RequestHead head_;
  std::string body_;
  friend class Impl;
};

}  // namespace parapet::http
