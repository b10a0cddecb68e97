// Keep-alive connections to upstream origins, per worker (no locks: one pool per event loop).
//
// take() hands out the most recently used idle connection for an origin that still looks alive;
// put() returns one after a complete exchange. Idle connections older than max_idle are dropped
// rather than risk a write into a connection the origin is about to close.
// Thread-safety: single-threaded, owned by a worker.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/asio.h"
#include "upstream/connection.h"

namespace parapet::upstream {

class Pool {
 public:
  explicit Pool(std::chrono::milliseconds max_idle = std::chrono::seconds(30))
      : max_idle_(max_idle) {}

  std::unique_ptr<Connection> take(const std::string& key);
  void put(std::unique_ptr<Connection> c, size_t max_per_key);
  void clear() { idle_.clear(); }
  // Closes every idle connection and refuses new ones (drain: nothing may keep the loop alive).
  void shutdown() {
    closed_ = true;
    clear();
  }
  size_t idle_count() const;

 private:
  std::chrono::milliseconds max_idle_;
  bool closed_ = false;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

// "https://host:port" — the identity connections are pooled under.
std::string pool_key(const Url& url);

// Builds the client TLS context: system trust store (plus ca_file if given), peer verification
// unless verify is false. Errors name the file that could not be loaded.
Result<std::shared_ptr<asio::ssl::context>> make_tls_context(const std::string& ca_file,
                                                             bool verify);

}  // namespace parapet::upstream
