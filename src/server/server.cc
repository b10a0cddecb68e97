#include "server/server.h"

#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "http/request_parser.h"
#include "pipeline/exchange.h"
#include "server/worker.h"
#include "upstream/pool.h"

#ifndef PARAPET_VERSION
#define PARAPET_VERSION "0.1.0"
#endif

namespace parapet::server {

Result<tcp::endpoint> parse_endpoint(const std::string& text) {
  std::string host;
  std::string_view port_text;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return make_error(ErrorCode::kBadRequest, "bad address '" + text + "', want [v6]:PORT");
    }
    host = text.substr(1, close - 1);
    port_text = std::string_view(text).substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return make_error(ErrorCode::kBadRequest, "bad address '" + text + "', want HOST:PORT");
    }
    host = text.substr(0, colon);
    port_text = std::string_view(text).substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return make_error(ErrorCode::kBadRequest, "bad port in '" + text + "'");
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code aec;
  auto addr = asio::ip::make_address(host, aec);
  if (aec)
    return make_error(ErrorCode::kBadRequest, "bad host in '" + text + "': use an IP address");
  return tcp::endpoint(addr, static_cast<uint16_t>(port));
}

namespace {
std::string endpoint_text(const tcp::endpoint& ep) {
  std::string a = ep.address().to_string();
  if (ep.address().is_v6()) a = "[" + a + "]";
  return a + ":" + std::to_string(ep.port());
}

int worker_count(const config::Snapshot& s) {
  if (s.server.workers > 0) return s.server.workers;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}
}  // namespace

Server::Server(config::Flags flags, std::shared_ptr<const config::Snapshot> cfg)
    : flags_(std::move(flags)), cfg_(std::move(cfg)), shared_(std::make_unique<Shared>()) {
  shared_->proxy = upstream::ProxySettings::from_env();
}

Server::~Server() = default;

Result<bool> Server::start() {
  std::error_code fec;
  std::filesystem::create_directories(cfg_->server.data_dir, fec);
  if (fec) {
    return make_error(ErrorCode::kInternal,
                      "cannot create data dir '" + cfg_->server.data_dir + "': " + fec.message());
  }
  auto tls = upstream::make_tls_context(cfg_->upstream.ca_file, cfg_->upstream.verify_tls);
  if (!tls) return tls.error();
  auto data_ep = parse_endpoint(cfg_->server.listen);
  if (!data_ep) return data_ep.error();
  auto admin_ep = parse_endpoint(cfg_->server.admin);
  if (!admin_ep) return admin_ep.error();

  tcp::endpoint bound = *data_ep;
  int n = worker_count(*cfg_);
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(i, *shared_, cfg_, *tls);
    // With port 0 the first worker picks the port and the others join it.
    auto ep = w->listen(bound);
    if (!ep) return ep.error();
    bound = *ep;
    workers_.push_back(std::move(w));
  }
  boost::system::error_code ec;
  admin_.open(admin_ep->protocol(), ec);
  if (!ec) admin_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) admin_.bind(*admin_ep, ec);
  if (!ec) admin_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorCode::kInternal,
                      "cannot listen on admin " + cfg_->server.admin + ": " + ec.message());
  }
  // Signal handling is in place before anyone can learn our ports: a supervisor that sends SIGHUP
  // right after the listening line must not kill us with the default action.
  signals_ = std::make_unique<asio::signal_set>(ioc_, SIGHUP, SIGTERM, SIGINT);
  wait_signal();
  for (auto& w : workers_) w->start();
  std::printf("listening data=%s admin=%s\n", endpoint_text(bound).c_str(),
              endpoint_text(admin_.local_endpoint()).c_str());
  std::fflush(stdout);
  return true;
}

void Server::reload() {
  auto next = config::load(flags_, cfg_->generation + 1);
  if (!next) {
    std::fprintf(stderr, "parapet: reload failed, keeping the running config: %s\n",
                 next.error().message.c_str());
    return;
  }
  std::shared_ptr<asio::ssl::context> tls;
  if ((*next)->upstream.ca_file != cfg_->upstream.ca_file ||
      (*next)->upstream.verify_tls != cfg_->upstream.verify_tls) {
    auto t = upstream::make_tls_context((*next)->upstream.ca_file, (*next)->upstream.verify_tls);
    if (!t) {
      std::fprintf(stderr, "parapet: reload failed, keeping the running config: %s\n",
                   t.error().message.c_str());
      return;
    }
    tls = *t;
  }
  cfg_ = *next;
  for (auto& w : workers_) w->update_config(cfg_, tls);
  std::fprintf(stderr, "parapet: config reloaded (generation %llu)\n",
               static_cast<unsigned long long>(cfg_->generation));
}

void Server::begin_drain() {
  if (draining_) return;
  draining_ = true;
  std::fprintf(stderr, "parapet: draining (up to %lld ms)\n",
               static_cast<long long>(cfg_->server.drain_timeout.count()));
  for (auto& w : workers_) w->drain();
  auto deadline = Clock::now() + cfg_->server.drain_timeout;
  // Polls the session counts: shutdown is rare, and this keeps workers free of callbacks into us.
  asio::co_spawn(
      ioc_,
      [this, deadline]() -> awaitable<void> {
        asio::steady_timer t(ioc_);
        bool forced = false;
        for (;;) {
          size_t open = 0;
          for (auto& w : workers_) open += w->sessions();
          if (open == 0) break;
          if (!forced && Clock::now() >= deadline) {
            std::fprintf(stderr, "parapet: drain deadline reached, closing %zu connections\n",
                         open);
            for (auto& w : workers_) w->force_close();
            forced = true;
          }
          t.expires_after(std::chrono::milliseconds(20));
          co_await t.async_wait(use_nothrow);
        }
        boost::system::error_code ec;
        admin_.close(ec);
        signals_->cancel(ec);
        ioc_.stop();
      },
      asio::detached);
}

void Server::wait_signal() {
  signals_->async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload();
    } else {
      begin_drain();
    }
    wait_signal();
  });
}

int Server::run() {
  asio::co_spawn(ioc_, admin_loop(), asio::detached);
  ioc_.run();
  for (auto& w : workers_) w->join();
  return 0;
}

awaitable<void> Server::admin_loop() {
  for (;;) {
    auto [ec, sock] = co_await admin_.async_accept(use_nothrow);
    if (!admin_.is_open()) co_return;
    if (ec) continue;
    asio::co_spawn(ioc_, admin_session(std::move(sock)), asio::detached);
  }
}

awaitable<void> Server::admin_session(tcp::socket s) {
  http::RequestParser parser;
  Buffer in(4096);
  for (;;) {
    parser.reset(http::RequestLimits{16384, 100, 4096, 1 << 20});
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
    int status = 200;
    std::string content_type = "application/json";
    std::string body =
        admin_answer(parser.head().method, parser.head().target, status, content_type);
    bool close = !parser.head().keep_alive;
    std::string out =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(pipeline::reason_phrase(status)) +
        "\r\ncontent-type: " + content_type + "\r\ncontent-length: " + std::to_string(body.size()) +
        (close ? "\r\nconnection: close" : "") + "\r\n\r\n" + body;
    auto [ec, n] = co_await asio::async_write(s, asio::buffer(out), use_nothrow);
    if (ec || close) co_return;
  }
}

std::string Server::admin_answer(std::string_view method, std::string_view target, int& status,
                                 std::string& content_type) {
  std::string_view path = target.substr(0, target.find('?'));
  if (method != "GET" && method != "HEAD") {
    status = 405;
    return error_json(make_error(ErrorCode::kMethodNotAllowed, "admin endpoints accept GET"));
  }
  if (path == "/healthz") return R"({"status":"ok"})";
  if (path == "/readyz") {
    if (draining_) {
      status = 503;
      return R"({"status":"draining"})";
    }
    return R"({"status":"ready"})";
  }
  if (path == "/version") {
    return std::string(R"({"name":"parapet","version":")") + PARAPET_VERSION +
           R"(","config_generation":)" + std::to_string(cfg_->generation) + "}";
  }
  if (path == "/metrics") {
    content_type = "text/plain; version=0.0.4";
    return metrics_text();
  }
  status = 404;
  return error_json(make_error(ErrorCode::kNotFound, "no admin endpoint " + std::string(path)));
}

std::string Server::metrics_text() const {
  struct Row {
    const char* name;
    const char* help;
    std::atomic<uint64_t> observe::Counters::*field;
    const char* labels;
  };
  static const Row rows[] = {
      {"parapet_requests_total", "Requests that produced a record.", &observe::Counters::requests,
       ""},
      {"parapet_responses_total", "Answers by status class.", &observe::Counters::responses_2xx,
       "{class=\"2xx\"}"},
      {"parapet_responses_total", "", &observe::Counters::responses_4xx, "{class=\"4xx\"}"},
      {"parapet_responses_total", "", &observe::Counters::responses_5xx, "{class=\"5xx\"}"},
      {"parapet_responses_total", "", &observe::Counters::responses_other, "{class=\"other\"}"},
      {"parapet_upstream_errors_total", "Requests that failed upstream.",
       &observe::Counters::upstream_errors, ""},
      {"parapet_client_aborts_total", "Clients that left before their answer ended.",
       &observe::Counters::client_aborts, ""},
      {"parapet_connections_total", "Client connections accepted.",
       &observe::Counters::connections_total, ""},
      {"parapet_upstream_connects_total", "New upstream connections.",
       &observe::Counters::upstream_connects, ""},
      {"parapet_upstream_reuses_total", "Upstream requests on pooled connections.",
       &observe::Counters::upstream_reuses, ""},
  };
  std::string out;
  std::string_view last;
  for (const Row& r : rows) {
    uint64_t sum = 0;
    for (const auto& w : workers_) sum += (w->counters().*r.field).load(std::memory_order_relaxed);
    if (last != r.name) {
      out += std::string("# HELP ") + r.name + " " + r.help + "\n# TYPE " + r.name + " counter\n";
      last = r.name;
    }
    out += std::string(r.name) + r.labels + " " + std::to_string(sum) + "\n";
  }
  size_t open = 0;
  for (const auto& w : workers_) open += w->sessions();
  out +=
      "# HELP parapet_connections_open Client connections open now.\n"
      "# TYPE parapet_connections_open gauge\nparapet_connections_open " +
      std::to_string(open) + "\n";
  return out;
}

}  // namespace parapet::server
