#include "server/admin_server.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "access/crypto.h"
#include "common/buffer.h"
#include "http/request_parser.h"
#include "pipeline/exchange.h"
#include "store/export.h"

#ifndef PARAPET_VERSION
#define PARAPET_VERSION "0.1.0"
#endif

namespace parapet::server {

namespace {
int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string chunk(std::string_view data) {
  char size[24];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out(size, n > 0 ? static_cast<size_t>(n) : 0);
  out += data;
  out += "\r\n";
  return out;
}

constexpr std::string_view kStreamHead =
    "HTTP/1.1 200 OK\r\ncontent-type: %s\r\ntransfer-encoding: chunked\r\n"
    "cache-control: no-store\r\nconnection: close\r\n\r\n";

std::string stream_head(std::string_view content_type) {
  std::string h(kStreamHead);
  h.replace(h.find("%s"), 2, content_type);
  return h;
}
}  // namespace

AdminServer::AdminServer(asio::io_context& ioc, admin::Services services, admin::LiveTail& tail,
                         AdminHooks hooks)
    : ioc_(ioc), acceptor_(ioc), services_(services), tail_(tail), hooks_(std::move(hooks)) {}

Result<tcp::endpoint> AdminServer::listen(const tcp::endpoint& ep) {
  boost::system::error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(ErrorCode::kInternal, "cannot listen on admin address: " + ec.message());
  return acceptor_.local_endpoint();
}

void AdminServer::start() { asio::co_spawn(ioc_, accept_loop(), asio::detached); }

void AdminServer::stop() {
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& w : open_) {
    if (auto s = w.lock()) s->close(ec);
  }
  open_.clear();
}

awaitable<void> AdminServer::accept_loop() {
  for (;;) {
    auto [ec, sock] = co_await acceptor_.async_accept(use_nothrow);
    if (!acceptor_.is_open()) co_return;
    if (ec) continue;
    auto s = std::make_shared<tcp::socket>(std::move(sock));
    std::erase_if(open_, [](const auto& w) { return w.expired(); });
    open_.push_back(s);
    asio::co_spawn(ioc_, session(s), asio::detached);
  }
}

awaitable<bool> AdminServer::write_whole(tcp::socket& s, int status, std::string_view content_type,
                                         std::string_view body, bool close) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " +
                     std::string(pipeline::reason_phrase(status)) +
                     "\r\ncontent-type: " + std::string(content_type) +
                     "\r\ncontent-length: " + std::to_string(body.size()) +
                     (close ? "\r\nconnection: close" : "") + "\r\n\r\n";
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body)};
  auto [ec, n] = co_await asio::async_write(s, bufs, use_nothrow);
  co_return !ec;
}

awaitable<void> AdminServer::session(std::shared_ptr<tcp::socket> sp) {
  tcp::socket& s = *sp;
  http::RequestParser parser;
  Buffer in(4096);
  for (;;) {
    parser.reset(http::RequestLimits{16384, 100, 8192, 1 << 20});
    while (!parser.done()) {
      if (!in.empty()) {
        auto fed = parser.feed(in.data());
        if (!fed) {
          std::string bytes = pipeline::error_response(fed.error(), true);
          co_await asio::async_write(s, asio::buffer(bytes), use_nothrow);
          co_return;
        }
        in.consume(*fed);
        if (parser.done()) break;
      }
      size_t avail = 0;
      char* p = in.prepare(4096, &avail);
      auto [ec, n] = co_await s.async_read_some(asio::buffer(p, avail), use_nothrow);
      if (ec || n == 0) co_return;
      in.commit(n);
    }
    const auto& h = parser.head();
    std::string_view target = h.target;
    size_t qpos = target.find('?');
    std::string_view path = target.substr(0, qpos);
    if (!authorized(path, h.headers.get("authorization"))) {
      admin::Reply r = admin::error_reply(
          make_error(ErrorCode::kUnauthorized,
                     "the admin API wants Authorization: Bearer $PARAPET_ADMIN_TOKEN"));
      if (!co_await write_whole(s, r.status, r.content_type, r.body, !h.keep_alive)) co_return;
      if (!h.keep_alive) co_return;
      continue;
    }
    http::Query query(qpos == std::string_view::npos ? std::string_view()
                                                     : target.substr(qpos + 1));
    if (h.method == "GET" && path == "/logs/stream") {
      co_await tail(s, query);
      co_return;
    }
    if (h.method == "GET" && path == "/logs/export") {
      co_await export_logs(s, query);
      co_return;
    }
    admin::Reply reply = route(h.method, path, query, parser.body(), &h.headers);
    bool close = !h.keep_alive || stopped_;
    if (!co_await write_whole(s, reply.status, reply.content_type, reply.body, close) || close) {
      co_return;
    }
  }
}

void AdminServer::require_token(std::string_view token) {
  token_required_ = !token.empty();
  token_sha256_ = access::sha256(token);
}

namespace {
// Open without the token: the probes (a load balancer has no secret), the status summary (meant
// for a public status page) and the Slack slash command, which carries its own proof (Slack's
// HMAC signature). Alertmanager and Prometheus can send a bearer token, so they need it.
bool open_path(std::string_view path) {
  if (path.starts_with("/admin/")) path.remove_prefix(6);
  return path == "/healthz" || path == "/readyz" || path == "/status/summary.json" ||
         path == "/incidents/slack";
}
}  // namespace

bool AdminServer::authorized(std::string_view path, std::string_view authorization) const {
  if (!token_required_ || open_path(path)) return true;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return false;
  }
  // Digests compared in constant time: neither the token's bytes nor its length leak by timing.
  return access::digest_equal(access::sha256(authorization.substr(kBearer.size())), token_sha256_);
}

void AdminServer::handle(std::string prefix, admin::Handler h) {
  handlers_.emplace_back(std::move(prefix), std::move(h));
}

admin::Reply AdminServer::route(std::string_view method, std::string_view path,
                                const http::Query& q, std::string_view body,
                                const http::HeaderList* headers) {
  // The admin listener serves its API at the root; "/admin/..." is accepted as the same path so
  // URLs written the way the docs name them ("GET /admin/keys") work too.
  if (path.starts_with("/admin/")) path.remove_prefix(6);
  for (const auto& [prefix, h] : handlers_) {
    if (path == prefix ||
        (path.starts_with(prefix) && path.size() > prefix.size() && path[prefix.size()] == '/')) {
      return h(admin::Request{method, path, q, body, headers});
    }
  }
  if (method != "GET" && method != "HEAD") {
    return admin::error_reply(
        make_error(ErrorCode::kMethodNotAllowed, "admin endpoints accept GET"));
  }
  if (path == "/healthz") return {200, "application/json", R"({"status":"ok"})"};
  if (path == "/readyz") {
    if (hooks_.draining()) return {503, "application/json", R"({"status":"draining"})"};
    return {200, "application/json", R"({"status":"ready"})"};
  }
  if (path == "/version") {
    return {200, "application/json",
            std::string(R"({"name":"parapet","version":")") + PARAPET_VERSION +
                R"(","config_generation":)" + std::to_string(hooks_.config_generation()) + "}"};
  }
  if (path == "/metrics") return {200, "text/plain; version=0.0.4", hooks_.metrics()};
  if (path == "/logs") return admin::logs_search(services_, q, now_us());
  if (path.starts_with("/logs/")) return admin::log_get(services_, path.substr(6));
  if (path == "/stats") return admin::stats(services_, q, now_us());
  return admin::error_reply(
      make_error(ErrorCode::kNotFound, "no admin endpoint " + std::string(path.substr(0, 128))));
}

awaitable<void> AdminServer::tail(tcp::socket& s, const http::Query& q) {
  auto filter = admin::log_query_from(q, now_us());
  if (!filter) {
    admin::Reply r = admin::error_reply(filter.error());
    co_await write_whole(s, r.status, r.content_type, r.body, true);
    co_return;
  }
  std::string head = stream_head("text/event-stream");
  head += chunk(": parapet live tail\n\n");
  auto [hec, hn] = co_await asio::async_write(s, asio::buffer(head), use_nothrow);
  if (hec) co_return;
  admin::LiveTail::Subscriber sub(s.get_executor());
  sub.filter = std::move(*filter);
  tail_.subscribe(&sub);
  // A read that completes only when the client goes away (it sends nothing more).
  bool gone = false;
  char byte;
  s.async_read_some(asio::buffer(&byte, 1), [&gone, &sub](boost::system::error_code, size_t) {
    gone = true;
    sub.wake.cancel();
  });
  while (!gone && !stopped_) {
    if (sub.pending.empty()) {
      sub.wake.expires_after(std::chrono::seconds(15));
      co_await sub.wake.async_wait(use_nothrow);
      if (gone || stopped_) break;
      if (sub.pending.empty()) {  // heartbeat: keeps proxies from closing an idle tail
        auto [ec, n] =
            co_await asio::async_write(s, asio::buffer(chunk(": ping\n\n")), use_nothrow);
        if (ec) break;
        continue;
      }
    }
    std::string out;
    while (!sub.pending.empty()) {
      for (const auto& line : *sub.pending.front()) {
        if (!admin::matches(sub.filter, line.record)) continue;
        out += "data: ";
        out += line.json;
        out += "\n\n";
      }
      sub.pending.pop_front();
    }
    sub.pending_lines = 0;
    if (out.empty()) continue;
    auto [ec, n] = co_await asio::async_write(s, asio::buffer(chunk(out)), use_nothrow);
    if (ec) break;
  }
  tail_.unsubscribe(&sub);
  boost::system::error_code ec;
  s.close(ec);
  // The read handler above refers to `gone` and `sub`: let it run (aborted) before they go.
  while (!gone) {
    asio::steady_timer t(ioc_, std::chrono::milliseconds(1));
    co_await t.async_wait(use_nothrow);
  }
}

awaitable<void> AdminServer::export_logs(tcp::socket& s, const http::Query& q) {
  auto lq = admin::log_query_from(q, now_us());
  std::string_view format = q.get("format").value_or("jsonl");
  if (lq && format != "jsonl" && format != "csv") {
    lq = make_error(ErrorCode::kBadRequest, "format is jsonl or csv");
  }
  if (!lq) {
    admin::Reply r = admin::error_reply(lq.error());
    co_await write_whole(s, r.status, r.content_type, r.body, true);
    co_return;
  }
  bool csv = format == "csv";
  std::string out = stream_head(csv ? "text/csv" : "application/x-ndjson");
  std::string body;
  if (csv) store::append_csv_header(body);
  lq->limit = store::kMaxLimit;
  for (;;) {
    auto page = services_.store->query(*lq);
    if (!page) break;  // the answer is already streaming: a cut-off body reports it
    for (const auto& r : page->records) {
      if (csv) {
        store::append_csv_row(body, r);
      } else {
        store::append_jsonl(body, r);
      }
    }
    if (!body.empty()) out += chunk(body);
    body.clear();
    if (page->next_cursor.empty()) {
      out += "0\r\n\r\n";
    }
    auto [ec, n] = co_await asio::async_write(s, asio::buffer(out), use_nothrow);
    out.clear();
    if (ec || page->next_cursor.empty()) break;
    lq->cursor = page->next_cursor;
  }
  boost::system::error_code ec;
  s.shutdown(tcp::socket::shutdown_send, ec);
  s.close(ec);
}

}  // namespace parapet::server
