// The memory tier: one LRU map shared by every worker, bounded in bytes.
//
// Entries larger than max_entry_bytes are not kept here (they would evict many small ones; the
// persistent tier holds them). Expired entries are never returned and are dropped when met.
// Time is passed in (Unix ms), so tests drive expiry without sleeping.
// Thread-safety: every method takes the internal mutex; the critical sections are a hash lookup
// and a list splice (values are shared_ptrs, never copied under the lock).
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

#include "cache/entry.h"
#include "common/mutex.h"

namespace parapet::cache {

struct TierStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t evictions = 0;
};

class MemoryTier {
 public:
  // max_entry_bytes: 0 means max_bytes / 8.
  explicit MemoryTier(uint64_t max_bytes, uint64_t max_entry_bytes = 0);

  // The live entry for key, marked most recently used; nullptr when absent or expired.
  EntryPtr get(const std::string& key, int64_t now_ms);
  // Stores (or replaces) key. Returns false when the entry is too large to be kept here.
  bool put(const std::string& key, EntryPtr e);
  bool fits(const Entry& e) const { return e.bytes() <= max_entry_bytes_; }
  // Drops every entry, or those of one gateway. Returns how many went.
  uint64_t purge(std::string_view gateway = {});
  TierStats stats() const;

 private:
  struct Node {
    std::string key;
    EntryPtr entry;
    uint64_t bytes;
  };
  void erase(std::list<Node>::iterator it) EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const uint64_t max_bytes_;
  const uint64_t max_entry_bytes_;
  mutable Mutex mu_;
  std::list<Node> lru_ GUARDED_BY(mu_);  // front: most recently used
  std::unordered_map<std::string, std::list<Node>::iterator> index_ GUARDED_BY(mu_);
  uint64_t bytes_ GUARDED_BY(mu_) = 0;
  uint64_t evictions_ GUARDED_BY(mu_) = 0;
};

}  // namespace parapet::cache
