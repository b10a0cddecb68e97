// One connection to an upstream origin: plain TCP or TLS over TCP, possibly through an HTTP
// CONNECT proxy. Establishing it (DNS, TCP, proxy tunnel, TLS with SNI and certificate
// verification) is connect(); close() aborts whatever is pending, which is how the caller's
// deadline cancels a connect or a read.
// Thread-safety: owned and used by one worker thread.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>

#include "common/asio.h"
#include "common/error.h"
#include "common/url.h"

namespace parapet::upstream {

// Where to send https traffic instead of connecting directly (HTTPS_PROXY / NO_PROXY).
struct ProxySettings {
  std::optional<Url> https_proxy;
  std::vector<std::string> no_proxy;  // host suffixes; "*" disables the proxy
  static ProxySettings from_env();
  bool applies_to(const std::string& host) const;
};

class Connection {
 public:
  Connection(asio::any_io_executor ex, std::string pool_key);
  ~Connection();

  awaitable<Result<bool>> connect(const Url& url, asio::ssl::context* tls_ctx,
                                  const ProxySettings& proxy);
  awaitable<std::tuple<boost::system::error_code, size_t>> read_some(asio::mutable_buffer buf);
  awaitable<std::tuple<boost::system::error_code, size_t>> write(
      const std::vector<asio::const_buffer>& bufs);
  void close();
  // While pooled, a queued 1-byte peek notices the origin closing (or sending unsolicited bytes)
  // without a syscall per reuse: Asio queues a receive on a drained socket without trying it.
  void watch_idle();
  // Stops the idle watch; false when the origin closed the connection meanwhile.
  bool stop_watch_idle();

  const std::string& pool_key() const { return pool_key_; }
  Clock::time_point idle_since;
  uint32_t uses = 0;

 private:
  awaitable<Result<bool>> tunnel(const Url& proxy, const Url& target);

  std::string pool_key_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  // Shared with the pending idle-watch handler, which may run after this object is gone.
  struct IdleState {
    bool dead = false;
    bool watching = false;
    char byte = 0;
  };
  std::shared_ptr<IdleState> idle_ = std::make_shared<IdleState>();
};

}  // namespace parapet::upstream
