// The notifier: delivers the persisted outbox on its own thread and io_context, away from the
// workers and the recorder. A delivery that fails (no answer, non-2xx) is retried with exponential
// backoff (1 s, 2 s, 4 s ... capped at 5 min) until notify_max_age, then marked failed; every
// attempt's outcome goes into the incident's timeline. Rows survive a restart (incidents.db), so
// a notification queued before a crash is sent after it. https:// destinations are verified against
// the system trust store plus [upstream] ca_file, with the URL's host checked (SNI sent).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>

#include "common/url.h"
#include "incident/manager.h"

namespace parapet::incident {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace basio = boost::asio;

namespace {

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// write the request, read the answer; `result` holds the first error (or success).
template <class Stream>
void exchange(Stream& stream, Request& req, beast::flat_buffer& buf, Response& res,
              boost::system::error_code& result) {
  bhttp::async_write(stream, req, [&](boost::system::error_code ec, size_t) {
    if (ec) {
      result = ec;
      return;
    }
    bhttp::async_read(stream, buf, res,
                      [&](boost::system::error_code ec2, size_t) { result = ec2; });
  });
}

}  // namespace

Result<int> http_post_json(const std::string& url_text, const std::string& body, int64_t timeout_us,
                           const std::string& ca_file) {
  // parse_url keeps the path as a prefix and drops a query string: split the query off first.
  std::string base = url_text, query;
  if (size_t q = base.find('?'); q != std::string::npos) {
    query = base.substr(q);
    base.resize(q);
  }
  auto url = parse_url(base);
  if (!url) return url.error();
  basio::io_context ioc;
  basio::ip::tcp::resolver resolver(ioc);
  Request req{bhttp::verb::post, (url->path.empty() ? "/" : url->path) + query, 11};
  req.set(bhttp::field::host, url->authority());
  req.set(bhttp::field::user_agent, "parapet-incident");
  req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buf;
  Response res;
  boost::system::error_code result = basio::error::timed_out;
  auto timeout = std::chrono::microseconds(timeout_us);

  std::unique_ptr<basio::ssl::context> ctx;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  if (url->tls) {
    ctx = std::make_unique<basio::ssl::context>(basio::ssl::context::tls_client);
    boost::system::error_code cec;
    ctx->set_default_verify_paths(cec);
    if (!ca_file.empty()) {
      ctx->load_verify_file(ca_file, cec);
      if (cec) {
        return make_error(ErrorCode::kUpstreamTls,
                          "cannot load CA file " + ca_file + ": " + cec.message());
      }
    }
    ctx->set_verify_mode(basio::ssl::verify_peer);
    tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, *ctx);
    SSL_set_tlsext_host_name(tls->native_handle(), url->host.c_str());
    tls->set_verify_callback(basio::ssl::host_name_verification(url->host));
  } else {
    plain = std::make_unique<beast::tcp_stream>(ioc);
  }
  beast::tcp_stream& lowest = tls ? beast::get_lowest_layer(*tls) : *plain;
  lowest.expires_after(timeout);
  resolver.async_resolve(
      url->host, std::to_string(url->port),
      [&](boost::system::error_code ec, basio::ip::tcp::resolver::results_type eps) {
        if (ec) {
          result = ec;
          return;
        }
        lowest.async_connect(eps, [&](boost::system::error_code ec2, const auto&) {
          if (ec2) {
            result = ec2;
            return;
          }
          if (!tls) {
            exchange(*plain, req, buf, res, result);
            return;
          }
          tls->async_handshake(basio::ssl::stream_base::client, [&](boost::system::error_code ec3) {
            if (ec3) {
              result = ec3;
              return;
            }
            exchange(*tls, req, buf, res, result);
          });
        });
      });
  ioc.run_for(timeout + std::chrono::milliseconds(100));
  if (result) {
    return make_error(ErrorCode::kUpstreamUnreachable,
                      "POST " + url_text + ": " + result.message());
  }
  return static_cast<int>(res.result_int());
}

int Manager::deliver_due(int64_t now_us) {
  auto items = store_->due(now_us, 50);
  int64_t timeout_us, max_age_us;
  {
    std::lock_guard l(opt_mu_);
    timeout_us = o_.notify_timeout_us;
    max_age_us = o_.notify_max_age_us;
  }
  for (auto& item : items) {
    auto st = poster_(item.url, item.body, timeout_us);
    int64_t done = clock_();
    ++item.attempts;
    bool ok = st && *st >= 200 && *st < 300;
    std::string what = item.kind + " (" + item.stream + ")";
    if (ok) {
      item.state = "sent";
      item.last_error.clear();
      (void)store_->add_timeline(item.incident_id, done, "notify", "parapet",
                                 "sent to " + what + ": HTTP " + std::to_string(*st));
      (void)store_->settle(item);
      continue;
    }
    item.last_error = st ? "HTTP " + std::to_string(*st) : st.error().message;
    if (done - item.created_us >= max_age_us) {
      item.state = "failed";
      (void)store_->add_timeline(item.incident_id, done, "notify_failed", "parapet",
                                 "gave up on " + what + " after " + std::to_string(item.attempts) +
                                     " attempts: " + item.last_error);
    } else {
      int64_t backoff = kSecond << std::min(item.attempts - 1, 8);
      backoff = std::min<int64_t>(backoff, 300 * kSecond);
      item.next_at_us = done + backoff;
      (void)store_->add_timeline(item.incident_id, done, "notify_failed", "parapet",
                                 "attempt " + std::to_string(item.attempts) + " to " + what +
                                     " failed: " + item.last_error + "; retry in " +
                                     std::to_string(backoff / kSecond) + "s");
    }
    (void)store_->settle(item);
  }
  return static_cast<int>(items.size());
}

void Manager::notifier_loop() {
  for (;;) {
    {
      std::lock_guard l(wake_mu_);
      if (stopping_) return;
      kicked_ = false;
    }
    int64_t now = clock_();
    deliver_due(now);
    auto next = store_->next_due();
    int64_t wait_us = 1 * kSecond;
    if (next) wait_us = std::clamp<int64_t>(*next - clock_(), 0, kSecond);
    std::unique_lock l(wake_mu_);
    wake_.wait_for(l, std::chrono::microseconds(wait_us), [&] { return stopping_ || kicked_; });
    if (stopping_) return;
  }
}

}  // namespace parapet::incident
