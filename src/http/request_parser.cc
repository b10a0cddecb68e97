#include "http/request_parser.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <optional>

#include "http/head_storage.h"

namespace parapet::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
// A value may hold visible chars, obs-text, SP and HTAB; never NUL, CR, LF or other controls.
bool valid_value(std::string_view v) {
  for (unsigned char c : v) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}
}  // namespace

class RequestParser::Impl : public bhttp::basic_parser<true> {
 public:
  explicit Impl(RequestParser& owner) : owner_(owner) {}

  RequestLimits limits;
  std::optional<Error> err;  // our own verdict, more precise than Beast's error code
  HeadStorage storage;       // copies of the start line and fields; views point here
  HeadStorage::Ref method_ref, target_ref;
  int host_count = 0;
  bool seen_cl = false, seen_te = false;
  size_t fold_scanned = 0;  // head bytes already checked for obs-fold (feed() sees the head again)

  void fail(beast::error_code& ec, ErrorCode code, std::string msg) {
    if (!err) err = make_error(code, std::move(msg));
    ec = bhttp::error::bad_value;
  }

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                       int version, beast::error_code& ec) override {
    if (target.size() > limits.max_uri_bytes) {
      return fail(ec, ErrorCode::kUriTooLong,
                  "request target longer than " + std::to_string(limits.max_uri_bytes) + " bytes");
    }
    if (version != 10 && version != 11) {
      return fail(ec, ErrorCode::kBadRequest, "unsupported HTTP version");
    }
    method_ref = storage.keep(method);
    target_ref = storage.keep(target);
    owner_.head_.version = version;
  }

  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = bhttp::error::bad_method;
  }

  void on_field_impl(bhttp::field f, beast::string_view name, beast::string_view value,
                     beast::error_code& ec) override {
    // Trailer fields of a chunked body arrive after the head: they are dropped (RFC 9110 §6.5.1
    // lets a recipient discard them; the body goes upstream re-framed, without trailers). Storing
    // them would grow the storage the head's views point into (a use-after-free found by
    // fuzz/wire_fuzz).
    if (is_header_done()) return;
    if (storage.field_count() >= limits.max_header_count) {
      return fail(ec, ErrorCode::kHeadersTooLarge,
                  "more than " + std::to_string(limits.max_header_count) + " header fields");
    }
    if (!valid_value(value)) {
      return fail(ec, ErrorCode::kBadRequest, "control character in header value");
    }
    switch (f) {
      case bhttp::field::content_length:
        if (seen_cl) return fail(ec, ErrorCode::kBadRequest, "repeated Content-Length");
        if (seen_te)
          return fail(ec, ErrorCode::kBadRequest, "Content-Length with Transfer-Encoding");
        if (value.empty() || value.find_first_not_of("0123456789") != beast::string_view::npos) {
          return fail(ec, ErrorCode::kBadRequest, "Content-Length must be one decimal number");
        }
        seen_cl = true;
        break;
      case bhttp::field::transfer_encoding:
        if (seen_te) return fail(ec, ErrorCode::kBadRequest, "repeated Transfer-Encoding");
        if (seen_cl)
          return fail(ec, ErrorCode::kBadRequest, "Content-Length with Transfer-Encoding");
        if (!iequals(trim(value), "chunked")) {
          return fail(ec, ErrorCode::kBadRequest, "only the chunked transfer coding is accepted");
        }
        seen_te = true;
        break;
      case bhttp::field::host:
        ++host_count;
        break;
      case bhttp::field::expect:
        // 100-continue is the only expectation (RFC 9110 §10.1.1); any other gets 417.
        if (!iequals(trim(value), "100-continue")) {
          return fail(ec, ErrorCode::kExpectationFailed,
                      "unsupported expectation '" + std::string(value.substr(0, 64)) + "'");
        }
        owner_.head_.expect_continue = true;
        break;
      default:
        break;
    }
    storage.add_field(name, value);
  }

  void on_header_impl(beast::error_code& ec) override {
    RequestHead& h = owner_.head_;
    if (h.version == 11 && host_count != 1) {
      return fail(ec, ErrorCode::kBadRequest,
                  host_count == 0 ? "missing Host header" : "repeated Host header");
    }
    if (host_count > 1) return fail(ec, ErrorCode::kBadRequest, "repeated Host header");
    // HTTP/1.0 has no chunked coding: a TE there is a smuggling attempt (nginx refuses it too).
    if (h.version == 10 && seen_te) {
      return fail(ec, ErrorCode::kBadRequest, "Transfer-Encoding in an HTTP/1.0 request");
    }
    h.method = storage.view(method_ref);
    h.target = storage.view(target_ref);
    storage.fill(h.headers);
    h.keep_alive = keep_alive();
    h.chunked = chunked();
    if (auto cl = content_length()) {
      h.has_content_length = true;
      h.content_length = *cl;
    }
  }

  void on_body_init_impl(boost::optional<std::uint64_t> const& cl, beast::error_code&) override {
    if (cl) owner_.body_.reserve(*cl);
  }

  size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    owner_.body_.append(body.data(), body.size());
    return body.size();
  }

  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}

  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    owner_.body_.append(body.data(), body.size());
    return body.size();
  }

  void on_finish_impl(beast::error_code&) override {}

  RequestParser& owner_;
};

RequestParser::RequestParser() = default;
RequestParser::~RequestParser() = default;

void RequestParser::reset(const RequestLimits& limits) {
  // Beast's parser cannot be re-armed, so each request gets a fresh one; storage is carried over
  // so its capacity is reused and views stay allocation-free after warm-up.
  HeadStorage storage;
  if (impl_) storage = std::move(impl_->storage);
  impl_ = std::make_unique<Impl>(*this);
  impl_->limits = limits;
  impl_->storage = std::move(storage);
  impl_->storage.clear();
  impl_->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  impl_->body_limit(limits.max_body_bytes);
  impl_->eager(true);
  head_ = RequestHead{};
  head_.headers.items().reserve(16);
  body_.clear();
}

Result<size_t> RequestParser::feed(std::string_view data) {
  // Obsolete line folding (a field line starting with a space or tab) is refused, as nginx does,
  // rather than unfolded (RFC 9112 §5.2 allows either). Beast unfolds silently, so the head's
  // bytes are checked before it sees them; only bytes not checked yet are read again.
  if (!impl_->is_header_done()) {
    size_t from = impl_->fold_scanned > 0 ? impl_->fold_scanned - 1 : 0;
    size_t end = data.find("\r\n\r\n", from > 2 ? from - 2 : 0);
    std::string_view head = data.substr(0, end == std::string_view::npos ? data.size() : end + 2);
    for (size_t i = head.find('\n', from); i != std::string_view::npos && i + 1 < head.size();
         i = head.find('\n', i + 1)) {
      if (head[i + 1] == ' ' || head[i + 1] == '\t') {
        return make_error(ErrorCode::kBadRequest, "obsolete line folding in the request head");
      }
    }
    impl_->fold_scanned = head.size();
  }
  beast::error_code ec;
  size_t used = impl_->put(boost::asio::const_buffer(data.data(), data.size()), ec);
  if (ec == bhttp::error::need_more) return used;
  if (ec) {
    if (impl_->err) return *impl_->err;
    if (ec == bhttp::error::header_limit) {
      return make_error(ErrorCode::kHeadersTooLarge,
                        "request header block larger than " +
                            std::to_string(impl_->limits.max_header_bytes) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      return make_error(
          ErrorCode::kPayloadTooLarge,
          "request body larger than " + std::to_string(impl_->limits.max_body_bytes) + " bytes");
    }
    return make_error(ErrorCode::kBadRequest, "malformed request: " + ec.message());
  }
  return used;
}

bool RequestParser::head_done() const { return impl_ && impl_->is_header_done(); }
bool RequestParser::done() const { return impl_ && impl_->is_done(); }

}  // namespace parapet::http
