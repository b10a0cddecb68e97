#include "server/worker.h"

#include <boost/asio/post.hpp>

#include "server/session.h"

namespace parapet::server {

Worker::Worker(int id, Shared& shared, std::shared_ptr<const config::Snapshot> cfg,
               std::shared_ptr<asio::ssl::context> tls)
    : id_(id),
      shared_(shared),
      cfg_(std::move(cfg)),
      tls_(std::move(tls)),
      env_{pool_, tls_.get(),      shared_.proxy, counters_, static_cast<uint64_t>(id),
           {},    shared_.recorder} {
  env_.access = shared_.access;
  env_.breakers = shared_.breakers;
  env_.cache = shared_.cache;
  env_.limits = shared_.limits;
  env_.waf = shared_.waf;
  env_.waf_counters = shared_.waf_counters;
  if (shared_.limit_state) {
    env_.limiter = std::make_unique<limits::Limiter>(*shared_.limit_state, static_cast<size_t>(id));
  }
}

Worker::~Worker() { join(); }

Result<tcp::endpoint> Worker::listen(const tcp::endpoint& ep) {
  boost::system::error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) {
    using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    acceptor_.set_option(reuse_port(true), ec);
  }
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorCode::kInternal, "cannot listen on " + ep.address().to_string() + ":" +
                                                std::to_string(ep.port()) + ": " + ec.message());
  }
  return acceptor_.local_endpoint();
}

void Worker::start() {
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
  thread_ = std::thread([this] { ioc_.run(); });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::add(Session* s) {
  sessions_.insert(s);
  session_count_.store(sessions_.size(), std::memory_order_relaxed);
}

void Worker::remove(Session* s) {
  sessions_.erase(s);
  shared_.per_ip.remove(s->client_ip());
  session_count_.store(sessions_.size(), std::memory_order_relaxed);
  shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  counters_.connections_open.store(sessions_.size(), std::memory_order_relaxed);
}

awaitable<void> Worker::accept_loop() {
  for (;;) {
    auto [ec, sock] = co_await acceptor_.async_accept(use_nothrow);
    if (!acceptor_.is_open()) break;
    if (ec) {
      // EMFILE and friends: back off briefly instead of spinning on a full descriptor table.
      asio::steady_timer t(ioc_, std::chrono::milliseconds(50));
      co_await t.async_wait(use_nothrow);
      continue;
    }
    size_t open = shared_.open_connections.fetch_add(1, std::memory_order_relaxed) + 1;
    counters_.connections_total.fetch_add(1, std::memory_order_relaxed);
    if (open > cfg_->limits.max_connections) {
      // Over the limit: a precise answer, best effort and without waiting on the client.
      static const std::string k503 = pipeline::error_response(
          make_error(ErrorCode::kOverloaded, "too many open connections"), true);
      counters_.connections_refused_max.fetch_add(1, std::memory_order_relaxed);
      boost::system::error_code wec;
      sock.non_blocking(true, wec);
      asio::write(sock, asio::buffer(k503), wec);
      sock.close(wec);
      shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
      continue;
    }
    boost::system::error_code pec;
    auto peer = sock.remote_endpoint(pec);
    std::string ip = pec ? "unknown" : peer.address().to_string();
    if (!shared_.per_ip.try_add(ip, cfg_->limits.max_connections_per_ip)) {
      static const std::string k503ip = pipeline::error_response(
          make_error(ErrorCode::kOverloaded, "too many open connections from this address"), true);
      counters_.connections_refused_per_ip.fetch_add(1, std::memory_order_relaxed);
      boost::system::error_code wec;
      sock.non_blocking(true, wec);
      asio::write(sock, asio::buffer(k503ip), wec);
      sock.close(wec);
      shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
      continue;
    }
    auto s = std::make_shared<Session>(*this, std::move(sock), std::move(ip));
    counters_.connections_open.store(sessions_.size(), std::memory_order_relaxed);
    asio::co_spawn(ioc_, s->run(), asio::detached);
  }
}

void Worker::update_config(std::shared_ptr<const config::Snapshot> cfg,
                           std::shared_ptr<asio::ssl::context> tls) {
  asio::post(ioc_, [this, cfg = std::move(cfg), tls = std::move(tls)]() mutable {
    cfg_ = std::move(cfg);
    if (tls && tls != tls_) {
      tls_ = std::move(tls);
      env_.tls = tls_.get();
      pool_.clear();  // pooled TLS connections were verified under the old trust settings
    }
  });
}

void Worker::drain() {
  asio::post(ioc_, [this] {
    draining_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    pool_.shutdown();
    std::vector<Session*> idle;
    for (Session* s : sessions_) {
      if (s->idle()) idle.push_back(s);
    }
    for (Session* s : idle) s->close();
  });
}

void Worker::force_close() {
  asio::post(ioc_, [this] {
    std::vector<Session*> all(sessions_.begin(), sessions_.end());
    for (Session* s : all) s->close();
  });
}

}  // namespace parapet::server
