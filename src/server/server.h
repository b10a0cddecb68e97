// The process: workers for the data plane, the admin listener, signals.
//
//   SIGHUP  — reload the config file; a bad file is reported and the old config stays.
//   SIGTERM/SIGINT — graceful drain: stop accepting, finish in-flight requests (streams
//                    included) up to server.drain_timeout_ms, then close what is left and exit.
// Thread-safety: start() and run() from the main thread; the admin listener and signal handling
// run on the main thread's io_context.
#pragma once

#include <boost/asio/signal_set.hpp>
#include <memory>
#include <vector>

#include "common/asio.h"
#include "config/config.h"

namespace parapet::observe {
class Recorder;
class Analytics;
}  // namespace parapet::observe
namespace parapet::store {
class SqliteStore;
}
namespace parapet::access {
class Registry;
}
namespace parapet::admin {
class LiveTail;
}
namespace parapet::reliability {
class Breakers;
}
namespace parapet::cache {
class Cache;
}
namespace parapet::rules {
class Registry;
class MatchCounters;
}  // namespace parapet::rules
namespace parapet::limits {
class Registry;
class State;
}  // namespace parapet::limits
namespace parapet::incident {
class Manager;
}

namespace parapet::server {

class Worker;
struct Shared;
class AdminServer;

class Server {
 public:
  Server(config::Flags flags, std::shared_ptr<const config::Snapshot> cfg);
  ~Server();

  // Binds both listeners and prints `listening data=HOST:PORT admin=HOST:PORT` on stdout.
  Result<bool> start();
  // Serves until drained after a stop signal. Returns the process exit code.
  int run();

 private:
  void reload();
  void begin_drain();
  void wait_signal();
  std::string metrics_text() const;
  std::string logs_db_path() const;

  config::Flags flags_;
  std::shared_ptr<const config::Snapshot> cfg_;
  std::unique_ptr<Shared> shared_;
  std::vector<std::unique_ptr<Worker>> workers_;
  asio::io_context ioc_{1};
  // Records flow workers → recorder → {store, analytics, live tail}; all outlive the workers.
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<observe::Analytics> analytics_;
  std::unique_ptr<admin::LiveTail> tail_;
  std::unique_ptr<observe::Recorder> recorder_;
  std::unique_ptr<access::Registry> access_;
  // Circuit breakers live here, outside the config snapshot, so a reload keeps their state.
  std::unique_ptr<reliability::Breakers> breakers_;
  std::unique_ptr<cache::Cache> cache_;  // outlives the workers (they hold a pointer)
  // Rate-limit and budget rules and their counters: outside the config snapshot, so a reload
  // keeps the counters (docs/limits.md).
  std::unique_ptr<limits::Registry> limits_;
  std::unique_ptr<limits::State> limit_state_;
  // WAF rules (managed + deployed, persisted in control.db) and their match counters.
  std::unique_ptr<rules::Registry> waf_;
  std::unique_ptr<rules::MatchCounters> waf_counters_;
  std::unique_ptr<incident::Manager> incidents_;  // a recorder consumer; stopped with it
  std::unique_ptr<AdminServer> admin_;
  std::unique_ptr<asio::signal_set> signals_;
  bool draining_ = false;
};

// "127.0.0.1:8700", "[::1]:0", "localhost:8700" → endpoint (names resolved at start).
Result<tcp::endpoint> parse_endpoint(const std::string& text);

}  // namespace parapet::server
