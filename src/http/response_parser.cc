#include "http/response_parser.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include "http/head_storage.h"

namespace parapet::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

class ResponseParser::Impl : public bhttp::basic_parser<false> {
 public:
  explicit Impl(ResponseParser& owner) : owner_(owner) {}

  HeadStorage storage;
  HeadStorage::Ref reason_ref;
  int status = 0;

 private:
  void on_request_impl(bhttp::verb, beast::string_view, beast::string_view, int,
                       beast::error_code& ec) override {
    ec = bhttp::error::bad_version;
  }
  void on_response_impl(int code, beast::string_view reason, int version,
                        beast::error_code&) override {
    status = code;
    reason_ref = storage.keep(reason);
    owner_.head_.version = version;
  }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     beast::error_code& ec) override {
    if (storage.field_count() >= 500) {
      ec = bhttp::error::header_limit;
      return;
    }
    storage.add_field(name, value);
  }
  void on_header_impl(beast::error_code&) override {
    ResponseHead& h = owner_.head_;
    h.status = status;
    h.reason = storage.view(reason_ref);
    storage.fill(h.headers);
    h.keep_alive = keep_alive();
    h.chunked = chunked();
    if (auto cl = content_length()) {
      h.has_content_length = true;
      h.content_length = *cl;
    }
    bool no_body = owner_.head_request_ || status / 100 == 1 || status == 204 || status == 304;
    h.body_until_eof = !no_body && !h.chunked && !h.has_content_length;
  }
  void on_body_init_impl(boost::optional<std::uint64_t> const&, beast::error_code&) override {}
  size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    owner_.body_out_->append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    owner_.body_out_->append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  ResponseParser& owner_;
};

ResponseParser::ResponseParser() = default;
ResponseParser::~ResponseParser() = default;

void ResponseParser::restart() {
  HeadStorage storage;
  if (impl_) storage = std::move(impl_->storage);
  impl_ = std::make_unique<Impl>(*this);
  impl_->storage = std::move(storage);
  impl_->storage.clear();
  impl_->header_limit(static_cast<std::uint32_t>(max_header_bytes_));
  impl_->body_limit(boost::none);  // streamed through, never held whole
  impl_->eager(true);
  impl_->skip(head_request_);
  head_ = ResponseHead{};
}

void ResponseParser::reset(std::string* body_out, bool head_request, size_t max_header_bytes) {
  body_out_ = body_out;
  head_request_ = head_request;
  max_header_bytes_ = max_header_bytes;
  restart();
}

Result<size_t> ResponseParser::feed(std::string_view data) {
  size_t total = 0;
  while (true) {
    beast::error_code ec;
    size_t used =
        impl_->put(boost::asio::const_buffer(data.data() + total, data.size() - total), ec);
    total += used;
    if (ec == bhttp::error::need_more) return total;
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        return make_error(ErrorCode::kUpstreamProtocol, "upstream answer head too large");
      }
      return make_error(ErrorCode::kUpstreamProtocol, "malformed upstream answer: " + ec.message());
    }
    // Beast takes any three digits; a status below 100 is no HTTP status (RFC 9110 §15), and a
    // 101 switches protocols, which the gateway never asks for. Treated as neither interim nor
    // final, either would leave the parser finished but not done (found by fuzz/wire_fuzz).
    if (impl_->is_header_done() && (head_.status < 100 || head_.status == 101)) {
      return make_error(ErrorCode::kUpstreamProtocol,
                        "malformed upstream answer: status " + std::to_string(head_.status));
    }
    // A finished 1xx interim answer: the real one follows on the same connection.
    if (impl_->is_done() && head_.status / 100 == 1 && head_.status != 101) {
      restart();
      if (total == data.size()) return total;
      continue;
    }
    return total;
  }
}

Result<bool> ResponseParser::finish_eof() {
  beast::error_code ec;
  impl_->put_eof(ec);
  if (ec)
    return make_error(ErrorCode::kUpstreamUnreachable, "upstream closed the connection mid-answer");
  return true;
}

bool ResponseParser::head_done() const {
  return impl_ && impl_->is_header_done() && head_.status >= 200;
}
bool ResponseParser::done() const { return impl_ && impl_->is_done() && head_.status >= 200; }

}  // namespace parapet::http
