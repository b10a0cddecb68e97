// Open client connections per source address, shared by all workers, for
// limits.max_connections_per_ip: one connection is counted from accept until its session ends.
// A slowloris or a client that never reads holds connections open; this caps how many one address
// can hold, so it cannot take the whole max_connections budget (nginx limit_conn, Envoy's
// per-downstream-IP overload action).
// Thread-safety: any thread. A mutex, taken twice per connection (never per request).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "common/mutex.h"

namespace parapet::server {

class PerIpConnections {
 public:
  // Counts one more connection from `ip` unless it already has `limit` (0: no limit).
  bool try_add(const std::string& ip, size_t limit) {
    MutexLock l(&mu_);
    size_t& n = counts_[ip];
    if (limit != 0 && n >= limit) {
      if (n == 0) counts_.erase(ip);
      return false;
    }
    ++n;
    return true;
  }
  // REQUIRES: a successful try_add(ip) not yet removed.
  void remove(const std::string& ip) {
    MutexLock l(&mu_);
    auto it = counts_.find(ip);
    if (it == counts_.end()) return;
    if (--it->second == 0) counts_.erase(it);
  }
  size_t count(const std::string& ip) {
    MutexLock l(&mu_);
    auto it = counts_.find(ip);
    return it == counts_.end() ? 0 : it->second;
  }

 private:
  Mutex mu_;
  std::unordered_map<std::string, size_t> counts_ GUARDED_BY(mu_);
};

}  // namespace parapet::server
