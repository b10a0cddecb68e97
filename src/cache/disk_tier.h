// The persistent tier: entries in SQLite (<data_dir>/cache.db, WAL), so a restart keeps them.
//
// Bounded by max_bytes: after a write that goes over, expired entries go first, then the oldest.
// Expired entries are never returned. A row that does not parse is deleted and reported a miss.
// Thread-safety: one thread at a time (the cache's I/O thread); stats() may be read from any
// thread (relaxed atomics).
#pragma once

#include <atomic>
#include <string>

#include "cache/entry.h"
#include "cache/memory_tier.h"
#include "common/error.h"
#include "store/sqlite.h"

namespace parapet::cache {

class DiskTier {
 public:
  static Result<std::unique_ptr<DiskTier>> open(const std::string& path, uint64_t max_bytes);

  EntryPtr get(const std::string& key, int64_t now_ms);
  Result<bool> put(const std::string& key, const Entry& e);
  // Every entry, or those of one gateway. Returns how many went.
  Result<uint64_t> purge(std::string_view gateway = {});
  // Deletes expired entries (run now and then by the cache).
  void sweep(int64_t now_ms);
  TierStats stats() const {
    return {entries_.load(std::memory_order_relaxed), bytes_.load(std::memory_order_relaxed),
            evictions_.load(std::memory_order_relaxed)};
  }

 private:
  DiskTier(store::DbPtr db, uint64_t max_bytes) : db_(std::move(db)), max_bytes_(max_bytes) {}
  void refresh_totals();
  void evict(int64_t now_ms);
  void remove(const std::string& key);

  store::DbPtr db_;
  uint64_t max_bytes_;
  std::atomic<uint64_t> entries_{0}, bytes_{0}, evictions_{0};
};

}  // namespace parapet::cache
