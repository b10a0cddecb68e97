// DiskTier: one table, key → serialized Entry, with the columns eviction needs.
#include "cache/disk_tier.h"

namespace parapet::cache {

using store::bind_text;

namespace {
constexpr const char* kSchema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS cache_entries ("
    "  key TEXT PRIMARY KEY,"
    "  gateway TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  data BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS cache_entries_created ON cache_entries(created_ms);"
    "CREATE INDEX IF NOT EXISTS cache_entries_expires ON cache_entries(expires_ms);";
}  // namespace

Result<std::unique_ptr<DiskTier>> DiskTier::open(const std::string& path, uint64_t max_bytes) {
  auto db = store::open_db(path, false, 5000);
  if (!db) return db.error();
  PARAPET_TRY(store::exec(db->get(), kSchema));
  std::unique_ptr<DiskTier> t(new DiskTier(std::move(*db), max_bytes));
  t->refresh_totals();
  return t;
}

void DiskTier::refresh_totals() {
  auto n = store::query_int(db_.get(), "SELECT count(*) FROM cache_entries");
  auto b = store::query_int(db_.get(), "SELECT coalesce(sum(size),0) FROM cache_entries");
  entries_.store(n ? static_cast<uint64_t>(*n) : 0, std::memory_order_relaxed);
  bytes_.store(b ? static_cast<uint64_t>(*b) : 0, std::memory_order_relaxed);
}

void DiskTier::remove(const std::string& key) {
  auto st = store::prepare(db_.get(), "DELETE FROM cache_entries WHERE key = ?");
  if (!st) return;
  bind_text(st->get(), 1, key);
  sqlite3_step(st->get());
  refresh_totals();
}

EntryPtr DiskTier::get(const std::string& key, int64_t now_ms) {
  auto st = store::prepare(db_.get(), "SELECT data, expires_ms FROM cache_entries WHERE key = ?");
  if (!st) return nullptr;
  bind_text(st->get(), 1, key);
  if (sqlite3_step(st->get()) != SQLITE_ROW) return nullptr;
  if (sqlite3_column_int64(st->get(), 1) <= now_ms) {
    st->reset();
    remove(key);
    return nullptr;
  }
  const void* p = sqlite3_column_blob(st->get(), 0);
  int n = sqlite3_column_bytes(st->get(), 0);
  auto e = parse(std::string_view(static_cast<const char*>(p), p ? static_cast<size_t>(n) : 0));
  if (!e) {
    st->reset();
    remove(key);
    return nullptr;
  }
  return std::make_shared<const Entry>(std::move(*e));
}

Result<bool> DiskTier::put(const std::string& key, const Entry& e) {
  std::string data = serialize(e);
  if (max_bytes_ > 0 && data.size() > max_bytes_) return false;
  auto st = store::prepare(db_.get(),
                           "INSERT OR REPLACE INTO cache_entries"
                           "(key, gateway, created_ms, expires_ms, size, data)"
                           " VALUES (?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  // Totals are kept incrementally: a replaced row's size comes off first.
  int64_t old_size = 0;
  if (auto q = store::prepare(db_.get(), "SELECT size FROM cache_entries WHERE key = ?")) {
    bind_text(q->get(), 1, key);
    if (sqlite3_step(q->get()) == SQLITE_ROW) old_size = sqlite3_column_int64(q->get(), 0);
  }
  bind_text(st->get(), 1, key);
  bind_text(st->get(), 2, e.gateway);
  sqlite3_bind_int64(st->get(), 3, e.created_ms);
  sqlite3_bind_int64(st->get(), 4, e.expires_ms);
  sqlite3_bind_int64(st->get(), 5, static_cast<int64_t>(data.size()));
  sqlite3_bind_blob(st->get(), 6, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
  if (sqlite3_step(st->get()) != SQLITE_DONE) {
    return store::sqlite_error(db_.get(), "cache put");
  }
  if (old_size > 0) {
    bytes_.fetch_sub(static_cast<uint64_t>(old_size), std::memory_order_relaxed);
  } else {
    entries_.fetch_add(1, std::memory_order_relaxed);
  }
  bytes_.fetch_add(data.size(), std::memory_order_relaxed);
  evict(e.created_ms);  // the entry being written was made now
  return true;
}

void DiskTier::sweep(int64_t now_ms) {
  auto st = store::prepare(db_.get(), "DELETE FROM cache_entries WHERE expires_ms <= ?");
  if (!st) return;
  sqlite3_bind_int64(st->get(), 1, now_ms);
  sqlite3_step(st->get());
  if (sqlite3_changes(db_.get()) > 0) refresh_totals();
}

void DiskTier::evict(int64_t now_ms) {
  if (max_bytes_ == 0 || bytes_.load(std::memory_order_relaxed) <= max_bytes_) return;
  sweep(now_ms);
  // Oldest first, a batch at a time, until under the cap.
  while (bytes_.load(std::memory_order_relaxed) > max_bytes_) {
    auto st = store::prepare(db_.get(),
                             "DELETE FROM cache_entries WHERE key IN (SELECT key FROM "
                             "cache_entries ORDER BY created_ms LIMIT 16)");
    if (!st || sqlite3_step(st->get()) != SQLITE_DONE) return;
    int n = sqlite3_changes(db_.get());
    if (n == 0) return;
    evictions_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    refresh_totals();
  }
}

Result<uint64_t> DiskTier::purge(std::string_view gateway) {
  auto st =
      store::prepare(db_.get(), gateway.empty() ? "DELETE FROM cache_entries"
                                                : "DELETE FROM cache_entries WHERE gateway = ?");
  if (!st) return st.error();
  if (!gateway.empty()) bind_text(st->get(), 1, gateway);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return store::sqlite_error(db_.get(), "cache purge");
  auto n = static_cast<uint64_t>(sqlite3_changes(db_.get()));
  refresh_totals();
  return n;
}

}  // namespace parapet::cache
