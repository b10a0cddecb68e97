#include "http/request_parser.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <cctype>
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

// Methods are upper-case letters, '-' and '_' (nginx's rule; every registered method fits).
bool valid_method(std::string_view m) {
  for (char c : m) {
    if (!((c >= 'A' && c <= 'Z') || c == '-' || c == '_')) return false;
  }
  return !m.empty();
}

// uri-host [ ":" port ] (RFC 9110 §7.2): reg-name, IPv4 or an IP-literal in brackets. No space,
// '/', '@', '\\' or controls, which nginx also refuses ("client sent invalid host header").
bool valid_host(std::string_view h) {
  for (unsigned char c : h) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("-._~!$&'()*+,;=%:[]").find(static_cast<char>(c)) !=
                  std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Longest run of chunk framing (a chunk-size line with its extensions, or the trailer section)
// held unconsumed while waiting for its end. Beast looks for the line end without a bound, so
// without this an endless chunk extension would grow the connection's buffer until the body
// timeout.
constexpr size_t kMaxChunkFraming = 8192;
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
    if (!valid_method(method)) {
      return fail(ec, ErrorCode::kBadRequest, "invalid method");
    }
    if (method == "CONNECT") {
      return fail(ec, ErrorCode::kMethodNotAllowed, "CONNECT is not supported: not a proxy");
    }
    std::string_view t = target;
    if (t.find('#') != std::string_view::npos) {
      return fail(ec, ErrorCode::kBadRequest, "fragment in the request target");
    }
    if (t.empty() || t[0] != '/') {
      // absolute-form (RFC 9112 §3.2.2): an origin server must accept it and ignore Host; the
      // path routes, as nginx does. asterisk-form only with OPTIONS; no authority-form.
      size_t scheme_end = t.find("://");
      std::string_view scheme = t.substr(0, scheme_end);
      if (scheme_end != std::string_view::npos &&
          (iequals(scheme, "http") || iequals(scheme, "https"))) {
        std::string_view rest = t.substr(scheme_end + 3);
        size_t path = rest.find_first_of("/?");
        std::string_view authority = rest.substr(0, path);
        if (authority.empty() || !valid_host(authority)) {
          return fail(ec, ErrorCode::kBadRequest, "invalid authority in the request target");
        }
        rest = path == std::string_view::npos ? std::string_view{} : rest.substr(path);
        target_ref = storage.keep(rest.empty() || rest[0] != '/' ? "/" : "");
        target_ref.len += storage.keep(rest).len;  // the two pieces are adjacent in the storage
      } else if (t == "*" && method == "OPTIONS") {
        target_ref = storage.keep(t);
      } else {
        return fail(ec, ErrorCode::kBadRequest, "request target must start with '/'");
      }
    } else {
      target_ref = storage.keep(t);
    }
    method_ref = storage.keep(method);
    owner_.head_.version = version;  // 10 or 11: check_line_ends() answered the others
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
        if (!valid_host(value)) return fail(ec, ErrorCode::kBadRequest, "invalid Host header");
        break;
      case bhttp::field::expect:
        // 100-continue is the only expectation (RFC 9110 §10.1.1): any other gets 417. An
        // HTTP/1.0 client's Expect is ignored (ibid.).
        if (owner_.head_.version < 11) break;
        if (!iequals(trim(value), "100-continue")) {
          return fail(ec, ErrorCode::kExpectationFailed, "only Expect: 100-continue is supported");
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
    // HTTP/1.0 has no chunked coding: a Transfer-Encoding there is faulty framing (RFC 9112
    // §6.1), refused as nginx does.
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

// Line ends in the head are CRLF only: a bare LF or CR is refused (RFC 9112 §2.2 allows a bare LF,
// but two parsers disagreeing on line ends is how requests get smuggled), and so is a line starting
// with whitespace (obs-fold, §5.2, or whitespace before the first field, §2.2), which Beast would
// unfold silently. Only the bytes up to the end of the head (or all of them, while it is
// incomplete) are looked at, each once: Beast may consume the request line and whole field lines
// before the head is complete, so feed() moves scanned_ back by what it consumed, and a line start
// left at the front of `data` is checked for whitespace on its own (the fuzz target's split
// invariant found the version of this that assumed `data` always starts at the request line).
std::optional<Error> RequestParser::check_line_ends(std::string_view data) {
  // The request line is judged as soon as it is complete, not when the whole head is: an HTTP/0.9
  // request ("GET /path" CRLF) has no head to wait for and would otherwise sit until the header
  // timeout.
  if (!request_line_checked_) {
    size_t eol = data.find("\r\n");
    if (eol != std::string_view::npos) {
      request_line_checked_ = true;
      std::string_view line = data.substr(0, eol);
      size_t sp = line.rfind(' ');
      std::string_view version = sp == std::string_view::npos ? "" : line.substr(sp + 1);
      if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
          !std::isdigit(static_cast<unsigned char>(version[5])) ||
          !std::isdigit(static_cast<unsigned char>(version[7]))) {
        return make_error(ErrorCode::kBadRequest, "malformed request line (no HTTP/1.x version)");
      }
      // HTTP/1.0 and 1.1 only; anything else (the HTTP/2 preface "PRI * HTTP/2.0", 0.9, 2.0) gets
      // 505, as from nginx. RFC 9110 §2.5 would have HTTP/1.2 served as 1.1, but Beast refuses
      // any version but 1.0 and 1.1 and no client sends 1.2: it gets 505 too.
      if (version[5] != '1' || version[7] > '1') {
        return make_error(ErrorCode::kVersionNotSupported,
                          "HTTP version " + std::string(version.substr(5)) + " is not supported");
      }
    }
  }
  // The head ends at its first empty line; when Beast has taken the lines before it, that line may
  // be the very first bytes of `data` (found by wire_fuzz: body bytes were read as head bytes).
  size_t end = data.find("\r\n\r\n");
  std::string_view head = end == std::string_view::npos ? data : data.substr(0, end + 4);
  if (consumed_head_ && data.starts_with("\r\n")) head = data.substr(0, 2);
  size_t from = scanned_ > 0 ? scanned_ - 1 : 0;
  if (consumed_head_ && scanned_ == 0 && !head.empty() && (head[0] == ' ' || head[0] == '\t')) {
    return make_error(ErrorCode::kBadRequest,
                      "a header line starts with whitespace (obsolete line folding)");
  }
  for (size_t i = from; i < head.size(); ++i) {
    char c = head[i];
    if (c == '\n') {
      if (i == 0 || head[i - 1] != '\r') {
        return make_error(ErrorCode::kBadRequest, "bare LF in the request head");
      }
      if (i + 1 < head.size() && (head[i + 1] == ' ' || head[i + 1] == '\t')) {
        return make_error(ErrorCode::kBadRequest,
                          "a header line starts with whitespace (obsolete line folding)");
      }
    } else if (c == '\r' && i + 1 < head.size() && head[i + 1] != '\n') {
      return make_error(ErrorCode::kBadRequest, "bare CR in the request head");
    }
  }
  // The last byte may be a CR whose LF has not arrived: look at it again next time.
  scanned_ = head.size();
  return std::nullopt;
}

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
  scanned_ = 0;
  request_line_checked_ = false;
  consumed_head_ = false;
  body_.clear();
}

Result<size_t> RequestParser::feed(std::string_view data) {
  if (!impl_->is_header_done()) {
    if (auto bad = check_line_ends(data)) return *bad;
  }
  beast::error_code ec;
  size_t used = impl_->put(boost::asio::const_buffer(data.data(), data.size()), ec);
  if (!impl_->is_header_done() && used > 0) {
    // Whole lines of the head were taken (they leave the caller's buffer): the next data starts
    // at a line start, and what was scanned moves back by as much.
    consumed_head_ = true;
    scanned_ = used >= scanned_ ? 0 : scanned_ - used;
  }
  if (ec == bhttp::error::need_more) {
    if (impl_->is_header_done()) {
      // What Beast leaves unconsumed after the head is chunk framing waiting for its line end
      // (chunk data is always taken): bound it, and refuse a bare LF or CR in it at once rather
      // than wait for a CRLF that a desynchronized client will never send.
      std::string_view pending = data.substr(used);
      if (pending.size() > kMaxChunkFraming) {
        return make_error(ErrorCode::kBadRequest,
                          "chunk size line or trailer section longer than " +
                              std::to_string(kMaxChunkFraming) + " bytes");
      }
      for (size_t i = 0; i < pending.size(); ++i) {
        bool bare_lf = pending[i] == '\n' && (i == 0 || pending[i - 1] != '\r');
        bool bare_cr = pending[i] == '\r' && i + 1 < pending.size() && pending[i + 1] != '\n';
        if (bare_lf || bare_cr) {
          return make_error(ErrorCode::kBadRequest, "bare LF or CR in the chunked framing");
        }
      }
    }
    return used;
  }
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
