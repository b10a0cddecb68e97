#include "cli/admin_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <cstdlib>

#include "common/asio.h"
#include "http/response_parser.h"

namespace parapet::cli {

namespace {

Result<int> exchange(const std::string& admin, std::string_view method, const std::string& target,
                     std::string_view body_out,
                     const std::function<bool(std::string_view)>& on_bytes) {
  size_t colon = admin.rfind(':');
  if (colon == std::string::npos) {
    return make_error(ErrorCode::kBadRequest, "--admin wants HOST:PORT, got '" + admin + "'");
  }
  std::string host = admin.substr(0, colon), port = admin.substr(colon + 1);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  auto eps = resolver.resolve(host, port, ec);
  tcp::socket sock(ioc);
  if (!ec) asio::connect(sock, eps, ec);
  if (ec) {
    return make_error(ErrorCode::kUpstreamUnreachable,
                      "cannot reach the admin API at " + admin + ": " + ec.message() +
                          " (is `parapet serve` running? see --admin)");
  }
  std::string req = std::string(method) + " " + target + " HTTP/1.1\r\nHost: " + admin +
                    "\r\nAccept: */*\r\nConnection: close\r\n";
  // The admin API's token (docs/access.md): the same variable the server reads.
  if (const char* token = std::getenv("PARAPET_ADMIN_TOKEN"); token && *token) {
    req += "Authorization: Bearer " + std::string(token) + "\r\n";
  }
  if (!body_out.empty() || method == "POST" || method == "PUT") {
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body_out.size()) +
           "\r\n";
  }
  req += "\r\n";
  req += body_out;
  asio::write(sock, asio::buffer(req), ec);
  if (ec) return make_error(ErrorCode::kUpstreamUnreachable, "admin write failed: " + ec.message());
  http::ResponseParser parser;
  std::string body;
  parser.reset(&body, false);
  std::string in;
  char buf[16384];
  for (;;) {
    size_t n = sock.read_some(asio::buffer(buf), ec);
    if (ec) {
      if (parser.head_done() && parser.head().body_until_eof) parser.finish_eof();
      break;
    }
    in.append(buf, n);
    auto fed = parser.feed(in);
    if (!fed) return fed.error();
    in.erase(0, *fed);
    if (!body.empty()) {
      if (!on_bytes(body)) break;
      body.clear();
    }
    if (parser.done()) break;
  }
  if (!parser.head_done()) {
    return make_error(ErrorCode::kUpstreamProtocol, "admin API closed without answering");
  }
  return parser.head().status;
}

}  // namespace

Result<AdminAnswer> admin_get(const std::string& admin, const std::string& target) {
  return admin_call(admin, "GET", target, {});
}

Result<AdminAnswer> admin_call(const std::string& admin, std::string_view method,
                               const std::string& target, std::string_view body) {
  AdminAnswer a;
  auto st = exchange(admin, method, target, body, [&](std::string_view b) {
    a.body.append(b);
    return true;
  });
  if (!st) return st.error();
  a.status = *st;
  return a;
}

Result<int> admin_stream(const std::string& admin, const std::string& target,
                         const std::function<bool(std::string_view)>& on_bytes) {
  return exchange(admin, "GET", target, {}, on_bytes);
}

}  // namespace parapet::cli
