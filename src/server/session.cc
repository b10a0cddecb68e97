#include "server/session.h"

#include "server/worker.h"

namespace parapet::server {

namespace {
// Open connections on a worker above which idle ones wait without a read buffer.
constexpr size_t kBufferlessIdleAbove = 256;
}  // namespace

using pipeline::Phase;

Session::Session(Worker& w, tcp::socket sock, std::string client_ip)
    : w_(w), sock_(std::move(sock)), wd_(sock_.get_executor()), client_ip_(std::move(client_ip)) {
  boost::system::error_code ec;
  sock_.set_option(tcp::no_delay(true), ec);
  w_.add(this);
}

Session::~Session() { w_.remove(this); }

void Session::close() {
  boost::system::error_code ec;
  sock_.close(ec);
  if (current_ && current_->upstream) current_->upstream->close();
  if (current_ && current_->retry_wait) current_->retry_wait->cancel();
}

void Session::on_deadline(int phase) {
  switch (phase) {
    case pipeline::kIdle:
    case pipeline::kClientWrite:
      close();
      break;
    case pipeline::kHeader:
    case pipeline::kBody: {
      boost::system::error_code ec;
      sock_.cancel(ec);  // the pending read fails; read_request answers 408
      break;
    }
    default:
      if (current_ && current_->upstream) current_->upstream->close();
      break;
  }
}

// Notices a client that hangs up while its request is upstream, so the upstream request is
// cancelled instead of running (and billing) to the end. A 1-byte MSG_PEEK receive rather than
// async_wait: Asio re-registers the descriptor with epoll_ctl for every wait operation, while a
// receive on a drained socket is queued without any syscall (measured: one epoll_ctl per request
// with async_wait, bench/findings.md).
void Session::watch_client(uint64_t gen) {
  watching_ = true;
  sock_.async_receive(
      asio::buffer(&peek_, 1), tcp::socket::message_peek,
      [this, self = shared_from_this(), gen](boost::system::error_code ec, size_t n) {
        watching_ = false;
        if (ec == asio::error::operation_aborted || gen != gen_ || !current_) return;
        if (!ec && n > 0) return;  // a pipelined request: the client is still there
        current_->client_gone = true;
        if (current_->upstream) current_->upstream->close();
        if (current_->retry_wait) current_->retry_wait->cancel();
      });
}

awaitable<void> Session::reply_and_close(const Error& e) {
  std::string bytes = pipeline::error_response(e, true);
  wd_.set(Clock::now() + std::chrono::seconds(5), pipeline::kClientWrite);
  co_await asio::async_write(sock_, asio::buffer(bytes), use_nothrow);
  // Lingering close: stop sending, then drain what the client is still sending for a moment, so
  // the kernel does not answer unread bytes with a reset that would destroy our answer.
  boost::system::error_code ec;
  sock_.shutdown(tcp::socket::shutdown_send, ec);
  wd_.set(Clock::now() + std::chrono::seconds(2), pipeline::kClientWrite);
  size_t drained = 0;
  char sink[4096];
  while (drained < (1u << 20)) {
    auto [rec, n] = co_await sock_.async_read_some(asio::buffer(sink), use_nothrow);
    if (rec || n == 0) break;
    drained += n;
  }
  close();
}

// A request that never reached the pipeline (unparseable, too slow) still gets its one record.
void Session::log_local_error(const Error& e) {
  observe::RequestRecord r;
  r.status = error_status(e.code);
  r.error_type = error_type(e.code);
  r.error_message = e.message;
  r.client_ip = client_ip_;
  if (parser_.head_done()) r.method = parser_.head().method;
  pipeline::log(w_.env(), std::move(r), request_started_, {});
}

awaitable<Session::ReadResult> Session::read_request() {
  // Held for the whole read: a reload replaces the worker's snapshot while this coroutine waits
  // for bytes, and a reference into the old one would dangle (found by the ASan integration run).
  std::shared_ptr<const config::Snapshot> cfg = w_.config();
  const config::Limits& lim = cfg->limits;
  parser_.reset(http::RequestLimits{lim.max_header_bytes, lim.max_header_count, lim.max_uri_bytes,
                                    lim.max_body_bytes});
  bool started = !in_.empty();
  if (started) request_started_ = Clock::now();
  bool sent_continue = false, body_phase = false;
  idle_ = !started;
  if (w_.draining() && !started) co_return ReadResult::kClosed;
  wd_.set(Clock::now() + (started ? lim.header_timeout : lim.keepalive_timeout),
          started ? pipeline::kHeader : pipeline::kIdle);
  for (;;) {
    if (!in_.empty()) {
      auto fed = parser_.feed(in_.data());
      if (!fed) {
        log_local_error(fed.error());
        co_await reply_and_close(fed.error());
        co_return ReadResult::kClosed;
      }
      in_.consume(*fed);
      if (parser_.done()) {
        idle_ = false;
        co_return ReadResult::kRequest;
      }
      if (parser_.head_done() && !body_phase) {
        body_phase = true;
        wd_.set(Clock::now() + lim.body_timeout, pipeline::kBody);
        const auto& h = parser_.head();
        if (h.expect_continue && h.version >= 11 && !sent_continue) {
          sent_continue = true;
          static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
          auto [ec, n] = co_await asio::async_write(sock_, asio::buffer(k100), use_nothrow);
          if (ec) co_return ReadResult::kClosed;
        }
      }
    }
    if (idle_) in_.release_if_empty();
    if (idle_ && in_.empty() && w_.sessions() > kBufferlessIdleAbove) {
      // Many connections: an idle one holds no buffer. It waits for readability and only then
      // takes one (10 000 idle keep-alive connections would otherwise pin 80 MB of read
      // buffers). The wait costs an epoll_ctl per request, so few connections keep the direct
      // read (docs/hardening.md, "Idle connections").

      auto [wec] = co_await sock_.async_wait(tcp::socket::wait_read, use_nothrow);
      if (wec) {
        co_return ReadResult::kClosed;
      }
    }
    size_t avail = 0;
    char* p = in_.prepare(8192, &avail);
    auto [ec, n] = co_await sock_.async_read_some(asio::buffer(p, avail), use_nothrow);
    if (ec || n == 0) {
      int fired = wd_.fired();
      if (started && (fired == pipeline::kHeader || fired == pipeline::kBody)) {
        Error e = make_error(ErrorCode::kRequestTimeout, fired == pipeline::kHeader
                                                             ? "request head not received in time"
                                                             : "request body not received in time");
        log_local_error(e);
        co_await reply_and_close(e);
      }
      co_return ReadResult::kClosed;
    }
    in_.commit(n);
    if (!started) {
      started = true;
      request_started_ = Clock::now();
      idle_ = false;
      wd_.set(Clock::now() + lim.header_timeout, pipeline::kHeader);
    }
  }
}

awaitable<void> Session::run() {
  auto self = shared_from_this();
  wd_.init(weak_from_this(), [this](int phase) { on_deadline(phase); });
  for (;;) {
    if (co_await read_request() != ReadResult::kRequest) break;
    // The config is taken per request, so a reload applies from the next request on.
    std::shared_ptr<const config::Snapshot> cfg = w_.config();
    pipeline::Exchange x{sock_,    wd_,      parser_.head(), parser_.body(), *cfg,
                         w_.env(), scratch_, client_ip_,     w_.draining()};
    x.started = request_started_;
    current_ = &x;
    ++gen_;
    watch_client(gen_);
    co_await pipeline::run(x);
    current_ = nullptr;
    if (watching_) {
      boost::system::error_code ec;
      sock_.cancel(ec);
    }
    if (x.close_after || !parser_.head().keep_alive || w_.draining()) break;
  }
  wd_.stop();
  close();
}

}  // namespace parapet::server
