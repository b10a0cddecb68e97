// One client connection: reads requests (parse phase, with the header/body/idle deadlines and
// size limits), hands each to the pipeline, and keeps the connection alive between them.
// Thread-safety: lives on its worker's thread.
#pragma once

#include <memory>

#include "common/asio.h"
#include "common/buffer.h"
#include "common/watchdog.h"
#include "http/request_parser.h"
#include "pipeline/exchange.h"

namespace parapet::server {

class Worker;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // REQUIRES: `client_ip` counted in the worker's per-IP table (Worker::remove() uncounts it).
  Session(Worker& w, tcp::socket sock, std::string client_ip);
  ~Session();

  awaitable<void> run();
  bool idle() const { return idle_; }
  const std::string& client_ip() const { return client_ip_; }
  void close();

 private:
  enum class ReadResult { kRequest, kClosed };
  awaitable<ReadResult> read_request();
  awaitable<void> reply_and_close(const Error& e);
  void watch_client(uint64_t gen);
  void on_deadline(int phase);
  void log_local_error(const Error& e);

  Worker& w_;
  tcp::socket sock_;
  Watchdog wd_;
  Buffer in_{8192};
  http::RequestParser parser_;
  pipeline::Scratch scratch_;
  std::string client_ip_;
  bool idle_ = true;
  Clock::time_point request_started_{};
  // The exchange in flight, for the disconnect watcher and the deadline; null between requests.
  pipeline::Exchange* current_ = nullptr;
  uint64_t gen_ = 0;
  bool watching_ = false;
  char peek_ = 0;
};

}  // namespace parapet::server
