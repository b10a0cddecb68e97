// A worker: one event loop on one thread with its own listening socket (SO_REUSEPORT), its own
// upstream pool and counters. Connections stay on the worker that accepted them, so nothing on
// the request path is shared or locked (STYLE.md habit 5).
//
// Other threads talk to a worker only by posting to its io_context: update_config() and drain().
// Thread-safety: public methods marked "any thread" post; the rest run on the worker's thread.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <unordered_set>

#include "common/asio.h"
#include "config/config.h"
#include "observe/record.h"
#include "pipeline/exchange.h"
#include "server/per_ip.h"
#include "upstream/pool.h"

namespace parapet::server {

class Session;

// Shared by all workers: counts open client connections against limits.max_connections and,
// per source address, limits.max_connections_per_ip.
struct Shared {
  std::atomic<size_t> open_connections{0};
  PerIpConnections per_ip;
  upstream::ProxySettings proxy;
  observe::Recorder* recorder = nullptr;
  access::Registry* access = nullptr;
  reliability::Breakers* breakers = nullptr;  // circuit breakers: process-wide, survive reloads
  cache::Cache* cache = nullptr;
  limits::Registry* limits = nullptr;    // rate-limit and budget rules
  limits::State* limit_state = nullptr;  // their counters: one slot per worker
  rules::Registry* waf = nullptr;        // WAF rules in force (docs/waf.md)
  rules::MatchCounters* waf_counters = nullptr;
};

class Worker {
 public:
  Worker(int id, Shared& shared, std::shared_ptr<const config::Snapshot> cfg,
         std::shared_ptr<asio::ssl::context> tls);
  ~Worker();

  // Binds this worker's listener (SO_REUSEPORT on `ep`). Returns the bound endpoint.
  Result<tcp::endpoint> listen(const tcp::endpoint& ep);
  void start();  // spawns the thread
  void join();

  // Any thread.
  void update_config(std::shared_ptr<const config::Snapshot> cfg,
                     std::shared_ptr<asio::ssl::context> tls);
  void drain();        // stop accepting; idle connections close; busy ones close after their answer
  void force_close();  // close every connection now
  size_t sessions() const { return session_count_.load(std::memory_order_relaxed); }
  const observe::Counters& counters() const { return counters_; }

  // Worker thread only.
  asio::io_context& ioc() { return ioc_; }
  const std::shared_ptr<const config::Snapshot>& config() const { return cfg_; }
  pipeline::WorkerEnv& env() { return env_; }
  Shared& shared() { return shared_; }
  bool draining() const { return draining_; }
  void add(Session* s);
  void remove(Session* s);

 private:
  awaitable<void> accept_loop();

  int id_;
  Shared& shared_;
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  std::shared_ptr<const config::Snapshot> cfg_;
  std::shared_ptr<asio::ssl::context> tls_;
  upstream::Pool pool_;
  observe::Counters counters_;
  pipeline::WorkerEnv env_;
  std::unordered_set<Session*> sessions_;
  std::atomic<size_t> session_count_{0};
  bool draining_ = false;
  std::thread thread_;
};

}  // namespace parapet::server
