// The admin listener: health, readiness, version, metrics, logs (search, one record, export,
// live tail) and analytics. It runs on the main thread's io_context, away from the workers.
// Thread-safety: all methods on the admin io_context's thread.
#pragma once

#include <array>
#include <functional>
#include <string>

#include "admin/handlers.h"
#include "admin/live_tail.h"
#include "common/asio.h"

namespace parapet::server {

struct AdminHooks {
  std::function<bool()> draining;
  std::function<std::string()> metrics;
  std::function<uint64_t()> config_generation;
};

class AdminServer {
 public:
  AdminServer(asio::io_context& ioc, admin::Services services, admin::LiveTail& tail,
              AdminHooks hooks);

  Result<tcp::endpoint> listen(const tcp::endpoint& ep);
  void start();
  void stop();  // closes the listener and every open admin connection
  // Serves `prefix` and every path under it ("/keys" also gets "/keys/ID") with `h`. Call before
  // start(). Built-in read endpoints are matched first.
  void handle(std::string prefix, admin::Handler h);
  // From now on every endpoint but the probes and the ones with their own check (open_path())
  // wants `Authorization: Bearer TOKEN` (docs/access.md). Empty: no check.
  void require_token(std::string_view token);

 private:
  bool authorized(std::string_view path, std::string_view authorization) const;
  awaitable<void> accept_loop();
  awaitable<void> session(std::shared_ptr<tcp::socket> s);
  awaitable<bool> write_whole(tcp::socket& s, int status, std::string_view content_type,
                              std::string_view body, bool close);
  awaitable<void> tail(tcp::socket& s, const http::Query& q);
  awaitable<void> export_logs(tcp::socket& s, const http::Query& q);
  admin::Reply route(std::string_view method, std::string_view path, const http::Query& q,
                     std::string_view body, const http::HeaderList* headers = nullptr);

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  admin::Services services_;
  admin::LiveTail& tail_;
  AdminHooks hooks_;
  std::vector<std::pair<std::string, admin::Handler>> handlers_;
  std::vector<std::weak_ptr<tcp::socket>> open_;
  bool stopped_ = false;
  bool token_required_ = false;
  std::array<unsigned char, 32> token_sha256_{};
};

}  // namespace parapet::server
