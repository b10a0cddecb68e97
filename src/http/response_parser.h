// Sans-I/O parser for an upstream's HTTP/1.1 answer, built for streaming.
//
// The head is parsed into views; body bytes are decoded (chunked framing removed) and appended to
// a caller-owned output string as they arrive, so the caller forwards them and clears the string
// before feeding more: memory stays bounded by what one read brings. 1xx interim answers are
// skipped. For answers without Content-Length or chunked framing, the body ends at EOF: call
// finish_eof() when the connection closes.
// Thread-safety: one parser per upstream exchange, used by one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/headers.h"

namespace parapet::http {

struct ResponseHead {
  int status = 0;
  std::string_view reason;
  int version = 11;
  HeaderList headers;
  bool keep_alive = true;
  bool chunked = false;
  bool has_content_length = false;
  uint64_t content_length = 0;
  bool body_until_eof = false;  // neither length nor chunked: the body ends with the connection
};

class ResponseParser {
 public:
  ResponseParser();
  ~ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // REQUIRES: body_out outlives the parse. head_request: the request was HEAD (no body follows).
  void reset(std::string* body_out, bool head_request, size_t max_header_bytes = 64u << 10);

  // Consumes a prefix of data; decoded body bytes are appended to *body_out.
  Result<size_t> feed(std::string_view data);
  // The upstream closed the connection: completes an EOF-delimited body, else an error.
  Result<bool> finish_eof();

  bool head_done() const;
  bool done() const;
  const ResponseHead& head() const { return head_; }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  ResponseHead head_;
  std::string* body_out_ = nullptr;
  bool head_request_ = false;
  size_t max_header_bytes_ = 0;
  friend class Impl;
  void restart();  // after a 1xx
};

}  // namespace parapet::http
