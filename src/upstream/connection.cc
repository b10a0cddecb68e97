#include "upstream/connection.h"


#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <cstdlib>

#include "http/headers.h"

namespace parapet::upstream {

namespace {
bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string env(const char* a, const char* b) {
  const char* v = std::getenv(a);
  if (!v || !*v) v = std::getenv(b);
  return v ? v : "";
}
}  // namespace

ProxySettings ProxySettings::from_env() {
  ProxySettings s;
  std::string p = env("HTTPS_PROXY", "https_proxy");
  if (!p.empty()) {
    if (p.find("://") == std::string::npos) p = "http://" + p;
    auto u = parse_url(p);
    if (u && !u->tls) s.https_proxy = *u;  // a TLS-speaking proxy is not supported; ignored
  }
  std::string np = env("NO_PROXY", "no_proxy");
  size_t pos = 0;
  while (pos <= np.size()) {
    size_t comma = np.find(',', pos);
    std::string item(http::trim(std::string_view(np).substr(pos, comma - pos)));
    if (!item.empty()) s.no_proxy.push_back(item);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return s;
}

bool ProxySettings::applies_to(const std::string& host) const {
  if (!https_proxy) return false;
  for (const auto& n : no_proxy) {
    if (n == "*") return false;
    std::string_view suffix = n;
    if (suffix.starts_with('.')) suffix.remove_prefix(1);
    if (host == suffix) return false;
    if (host.size() > suffix.size() && host.ends_with(suffix) &&
        host[host.size() - suffix.size() - 1] == '.') {
      return false;
    }
  }
  return true;
}

Connection::Connection(asio::any_io_executor ex, std::string pool_key)
    : pool_key_(std::move(pool_key)), resolver_(ex), socket_(ex) {}

Connection::~Connection() = default;

void Connection::close() {
  resolver_.cancel();
  boost::system::error_code ec;
  socket_.close(ec);
}

void Connection::watch_idle() {
  idle_->watching = true;
  socket_.async_receive(asio::buffer(&idle_->byte, 1), tcp::socket::message_peek,
                        [st = idle_](boost::system::error_code ec, size_t) {
                          st->watching = false;
                          if (ec != asio::error::operation_aborted) st->dead = true;
                        });
}

bool Connection::stop_watch_idle() {
  if (idle_->watching) {
    boost::system::error_code ec;
    socket_.cancel(ec);
    // The aborted handler runs later and only touches the shared state; a fresh one is used from
    // here on so a late "dead" from the old watch cannot poison this connection's next idle spell.
    bool dead = idle_->dead;
    idle_ = std::make_shared<IdleState>();
    return !dead && socket_.is_open();
  }
  return !idle_->dead && socket_.is_open();
}

awaitable<Result<bool>> Connection::connect(const Url& url, asio::ssl::context* tls_ctx,
                                            const ProxySettings& proxy) {
  bool via_proxy = url.tls && proxy.applies_to(url.host);
  const Url& first_hop = via_proxy ? *proxy.https_proxy : url;
  auto [rec, results] =
      co_await resolver_.async_resolve(first_hop.host, std::to_string(first_hop.port), use_nothrow);
  if (rec) {
    co_return make_error(ErrorCode::kUpstreamUnreachable,
                         "cannot resolve " + first_hop.host + ": " + rec.message());
  }
  auto [cec, ep] = co_await asio::async_connect(socket_, results, use_nothrow);
  if (cec) {
    co_return make_error(ErrorCode::kUpstreamUnreachable,
                         "cannot connect to " + first_hop.authority() + ": " + cec.message());
  }
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  if (via_proxy) {
    auto t = co_await tunnel(first_hop, url);
    if (!t) co_return t.error();
  }
  if (url.tls) {
    if (!tls_ctx) co_return make_error(ErrorCode::kInternal, "no TLS context");
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *tls_ctx);
    if (!is_ip_literal(url.host)) {
      // SNI carries names only (RFC 6066 §3).
      SSL_set_tlsext_host_name(tls_->native_handle(), url.host.c_str());
    }
    tls_->set_verify_callback(asio::ssl::host_name_verification(url.host));
    auto [hec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, use_nothrow);
    if (hec) {
      std::string why = hec.message();
      long vr = SSL_get_verify_result(tls_->native_handle());
      if (vr != X509_V_OK) {
        why += " (";
        why += X509_verify_cert_error_string(vr);
        why += ")";
      }
      co_return make_error(ErrorCode::kUpstreamTls,
                           "TLS handshake with " + url.authority() + " failed: " + why);
    }
  }
  co_return true;
}

awaitable<Result<bool>> Connection::tunnel(const Url& proxy, const Url& target) {
  std::string auth =
      target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
  auth += ":" + std::to_string(target.port);
  std::string req = "CONNECT " + auth + " HTTP/1.1\r\nHost: " + auth + "\r\n";
  if (!proxy.userinfo.empty()) {
    std::string b64(boost::beast::detail::base64::encoded_size(proxy.userinfo.size()), '\0');
    b64.resize(boost::beast::detail::base64::encode(b64.data(), proxy.userinfo.data(),
                                                    proxy.userinfo.size()));
    req += "Proxy-Authorization: Basic " + b64 + "\r\n";
  }
  req += "\r\n";
  auto [wec, wn] = co_await asio::async_write(socket_, asio::buffer(req), use_nothrow);
  if (wec) {
    co_return make_error(ErrorCode::kUpstreamUnreachable, "proxy write failed: " + wec.message());
  }
  // Read the proxy's answer head byte-exactly: nothing after it may be consumed, since the TLS
  // handshake follows on the same bytes.
  std::string head;
  char c;
  while (head.size() < 16384 && !head.ends_with("\r\n\r\n")) {
    auto [rec, n] = co_await socket_.async_read_some(asio::buffer(&c, 1), use_nothrow);
    if (rec || n == 0) {
      co_return make_error(ErrorCode::kUpstreamUnreachable, "proxy closed during CONNECT");
    }
    head += c;
  }
  // "HTTP/1.1 200 ..."
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0 || head.compare(9, 3, "200") != 0) {
    co_return make_error(ErrorCode::kUpstreamUnreachable,
                         "proxy refused CONNECT " + auth + ": " + head.substr(0, head.find('\r')));
  }
  co_return true;
}

awaitable<std::tuple<boost::system::error_code, size_t>> Connection::read_some(
    asio::mutable_buffer buf) {
  if (tls_) co_return co_await tls_->async_read_some(buf, use_nothrow);
  co_return co_await socket_.async_read_some(buf, use_nothrow);
}

awaitable<std::tuple<boost::system::error_code, size_t>> Connection::write(
    const std::vector<asio::const_buffer>& bufs) {
  if (tls_) co_return co_await asio::async_write(*tls_, bufs, use_nothrow);
  co_return co_await asio::async_write(socket_, bufs, use_nothrow);
}

}  // namespace parapet::upstream
