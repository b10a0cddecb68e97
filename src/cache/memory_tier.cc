// MemoryTier: std::list for recency, unordered_map from key to list node.
#include "cache/memory_tier.h"

namespace parapet::cache {

MemoryTier::MemoryTier(uint64_t max_bytes, uint64_t max_entry_bytes)
    : max_bytes_(max_bytes), max_entry_bytes_(max_entry_bytes ? max_entry_bytes : max_bytes / 8) {}

void MemoryTier::erase(std::list<Node>::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->key);
  lru_.erase(it);
}

EntryPtr MemoryTier::get(const std::string& key, int64_t now_ms) {
  MutexLock l(&mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (it->second->entry->expired(now_ms)) {
    erase(it->second);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->entry;
}

bool MemoryTier::put(const std::string& key, EntryPtr e) {
  if (!e || !fits(*e) || max_bytes_ == 0) return false;
  uint64_t b = e->bytes() + key.size();
  MutexLock l(&mu_);
  if (auto it = index_.find(key); it != index_.end()) erase(it->second);
  while (!lru_.empty() && bytes_ + b > max_bytes_) {
    erase(std::prev(lru_.end()));
    ++evictions_;
  }
  lru_.push_front(Node{key, std::move(e), b});
  index_.emplace(key, lru_.begin());
  bytes_ += b;
  return true;
}

uint64_t MemoryTier::purge(std::string_view gateway) {
  MutexLock l(&mu_);
  uint64_t n = 0;
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (gateway.empty() || it->entry->gateway == gateway) {
      erase(it);
      ++n;
    }
    it = next;
  }
  return n;
}

TierStats MemoryTier::stats() const {
  MutexLock l(&mu_);
  return TierStats{lru_.size(), bytes_, evictions_};
}

}  // namespace parapet::cache
