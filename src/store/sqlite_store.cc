// The writer side of SqliteStore: opening, batched inserts, retention. Reads are in query.cc.
#include "store/sqlite_store.h"

#include <algorithm>
#include <filesystem>

#include "observe/scrub.h"
#include "store/fields.h"
#include "store/schema.h"
#include "store/where.h"

namespace parapet::store {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

int param_of(std::string_view field) {
  const auto& names = field_names();
  return static_cast<int>(std::find(names.begin(), names.end(), field) - names.begin()) + 1;
}

// "INSERT INTO requests(<columns>) VALUES(?1, ?2, ...)"; metadata that is not valid JSON is
// stored as NULL so json_extract in a search can never fail on a row.
std::string insert_sql() {
  std::string sql = "INSERT INTO requests(" + column_list() + ") VALUES(";
  const int metadata = param_of("metadata");
  for (int i = 1; i <= static_cast<int>(kFieldCount); ++i) {
    if (i > 1) sql += ", ";
    const std::string p = "?" + std::to_string(i);
    sql += i == metadata ? "CASE WHEN json_valid(" + p + ") THEN " + p + " END" : p;
  }
  return sql + ")";
}

}  // namespace

SqliteStore::SqliteStore(StoreOptions opts) : opts_(std::move(opts)) {}

SqliteStore::~SqliteStore() {
  if (db_) exec(db_.get(), "PRAGMA optimize");
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(StoreOptions opts) {
  std::unique_ptr<SqliteStore> s(new SqliteStore(std::move(opts)));
  PARAPET_TRY(s->init());
  return s;
}

Result<bool> SqliteStore::init() {
  const auto dir = std::filesystem::path(opts_.path).parent_path();
  std::error_code ec;  // a failure shows up as sqlite's "unable to open" below
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);

  auto db = open_db(opts_.path, /*read_only=*/false, opts_.busy_timeout_ms);
  if (!db) return db.error();
  db_ = std::move(*db);
  sqlite3* d = db_.get();

  // Takes effect only when the file is created (before WAL mode): 8 KiB pages fit rows that carry
  // a collected body (~2-3 KB) without leaving half of each 4 KiB page empty (measured: 2.8 KB
  // instead of 4.2 KB per row, and 40 % less writer CPU).
  PARAPET_TRY(exec(d, "PRAGMA page_size=8192"));
  // journal_mode answers with the mode it got; some file systems cannot do WAL.
  auto wal = prepare(d, "PRAGMA journal_mode=WAL");
  if (!wal) return wal.error();
  if (sqlite3_step(wal->get()) != SQLITE_ROW || column_text(wal->get(), 0) != "wal") {
    return make_error(ErrorCode::kInternal, "store: cannot use WAL mode for " + opts_.path);
  }
  wal->reset();
  // NORMAL in WAL: commits are not fsynced (only checkpoints are); see the header. The WAL is
  // truncated back to 64 MiB after checkpoints; 8 MiB of page cache keeps index pages warm.
  PARAPET_TRY(exec(d,
                   "PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=67108864;"
                   "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192;"));
  auto version = migrate(d);
  if (!version) return version.error();
  schema_version_ = *version;

  auto prep = [&](StmtPtr& out, const std::string& sql) -> Result<bool> {
    auto st = prepare(d, sql);
    if (!st) return st.error();
    out = std::move(*st);
    return true;
  };
  PARAPET_TRY(prep(insert_, insert_sql()));
  PARAPET_TRY(prep(delete_older_,
                   "DELETE FROM requests WHERE rowid IN (SELECT rowid FROM requests "
                   "WHERE id < ?1 ORDER BY id LIMIT ?2)"));
  PARAPET_TRY(prep(delete_oldest_,
                   "DELETE FROM requests WHERE rowid IN "
                   "(SELECT rowid FROM requests ORDER BY id LIMIT ?1)"));
  PARAPET_TRY(prep(page_count_, "PRAGMA page_count"));
  PARAPET_TRY(prep(freelist_count_, "PRAGMA freelist_count"));
  auto page_size = query_int(d, "PRAGMA page_size");
  if (!page_size) return page_size.error();
  page_size_ = *page_size;
  auto rows = query_int(d, "SELECT count(*) FROM requests");
  if (!rows) return rows.error();
  rows_.store(static_cast<uint64_t>(*rows), std::memory_order_relaxed);

  error_message_param_ = param_of("error_message");
  request_body_param_ = param_of("request_body");
  response_body_param_ = param_of("response_body");

  auto reader = open_db(opts_.path, /*read_only=*/true, opts_.busy_timeout_ms);
  if (!reader) return reader.error();
  reader_ = std::move(*reader);
  return true;
}

int64_t SqliteStore::now_us() const {
  if (opts_.now_us) return opts_.now_us();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SqliteStore::fail_batch(size_t n, std::string what) {
  std::string msg = what + ": " + sqlite3_errmsg(db_.get());
  sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  bump(rows_lost_, n);
  bump(write_errors_);
  std::lock_guard lock(error_mu_);
  last_error_ = std::move(msg);
}

void SqliteStore::consume(std::span<const observe::RequestRecord> batch) {
  if (batch.empty()) return;
  sqlite3* d = db_.get();
  if (sqlite3_exec(d, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail_batch(batch.size(), "begin");
    return;
  }
  sqlite3_stmt* st = insert_.get();
  uint64_t written = 0, rejected = 0;
  std::string masked[3];  // scrubbed copies, alive until the step that reads them
  for (const observe::RequestRecord& r : batch) {
    bind_record(st, r);
    if (opts_.scrub_text) {
      const std::pair<int, const std::string*> texts[3] = {
          {error_message_param_, &r.error_message},
          {request_body_param_, &r.request_body},
          {response_body_param_, &r.response_body}};
      for (int k = 0; k < 3; ++k) {
        if (texts[k].second->empty()) continue;
        auto s = observe::scrub(*texts[k].second);
        if (s.masked == 0) continue;
        masked[k] =
            observe::has_lookup(s.text) ? observe::neutralize_lookups(s.text) : std::move(s.text);
        bind_text(st, texts[k].first, masked[k]);
      }
    }
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
      ++written;
    } else if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      ++rejected;  // only this row's statement is undone; the transaction goes on
    } else {
      fail_batch(batch.size(), "insert");
      return;
    }
  }
  if (sqlite3_exec(d, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail_batch(batch.size(), "commit");
    return;
  }
  bump(rows_written_, written);
  bump(rows_rejected_, rejected);
  bump(rows_, written);
  bump(batches_);
  if (retention_enabled()) {
    const int64_t now = now_us();
    if (retention_due(now)) enforce_retention(now, 2 * batch.size());
  }
}

void SqliteStore::flush() {
  if (!retention_enabled()) return;
  const int64_t now = now_us();
  if (retention_due(now)) enforce_retention(now);
}

bool SqliteStore::retention_enabled() const {
  const Retention& r = opts_.retention;
  return r.max_age_days > 0 || r.max_rows > 0 || r.max_bytes > 0;
}

bool SqliteStore::retention_due(int64_t now) {
  const Retention& r = opts_.retention;
  const uint64_t rows = rows_.load(std::memory_order_relaxed);
  if (r.max_age_days > 0 &&
      (age_pending_ ||
       now - last_age_check_us_ >=
           std::chrono::duration_cast<std::chrono::microseconds>(r.age_check_interval).count())) {
    return true;
  }
  if (r.max_rows > 0 && rows > r.max_rows) return true;
  return r.max_bytes > 0 && rows > 0 && used_bytes() > r.max_bytes;
}

uint64_t SqliteStore::used_bytes() {
  auto pragma = [](sqlite3_stmt* st) {
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return v;
  };
  const int64_t pages = pragma(page_count_.get()) - pragma(freelist_count_.get());
  return pages > 0 ? static_cast<uint64_t>(pages * page_size_) : 0;
}

uint64_t SqliteStore::delete_chunk(sqlite3_stmt* st, const std::string* before_id, uint64_t limit) {
  int i = 1;
  if (before_id) bind_text(st, i++, *before_id);
  sqlite3_bind_int64(st, i, static_cast<sqlite3_int64>(limit));
  const int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    bump(write_errors_);
    std::lock_guard lock(error_mu_);
    last_error_ = std::string("retention: ") + sqlite3_errmsg(db_.get());
    return 0;
  }
  const auto n = static_cast<uint64_t>(sqlite3_changes(db_.get()));
  const uint64_t rows = rows_.load(std::memory_order_relaxed);
  rows_.store(rows > n ? rows - n : 0, std::memory_order_relaxed);
  bump(rows_deleted_, n);
  return n;
}

SqliteStore::RetentionStep SqliteStore::enforce_retention(int64_t now, size_t min_chunk) {
  const Retention& r = opts_.retention;
  RetentionStep out;
  const uint64_t chunk = std::max<size_t>({r.chunk_rows, min_chunk, 1});
  uint64_t budget = chunk;
  auto rows = [&] { return rows_.load(std::memory_order_relaxed); };

  if (r.max_age_days > 0) {
    last_age_check_us_ = now;
    // Age is the id's time (the request's start, to the millisecond): requests_id finds them.
    const std::string cutoff = id_floor((now - r.max_age_days * kMicrosPerDay) / 1000);
    const uint64_t n = delete_chunk(delete_older_.get(), &cutoff, budget);
    age_pending_ = n == chunk;  // a full chunk: there may be more, continue next step
    out.deleted += n;
    budget -= n;
  }
  if (budget > 0 && r.max_rows > 0 && rows() > r.max_rows) {
    const uint64_t n =
        delete_chunk(delete_oldest_.get(), nullptr, std::min(budget, rows() - r.max_rows));
    out.deleted += n;
    budget -= n;
  }
  if (budget > 0 && r.max_bytes > 0 && rows() > 0) {
    const uint64_t used = used_bytes();
    if (used > r.max_bytes) {
      // Rows to delete, from the average row size; freed pages go back to the free list and are
      // reused, so the file stops growing once it is at the limit.
      const uint64_t avg = std::max<uint64_t>(used / rows(), 1);
      const uint64_t want = std::clamp<uint64_t>((used - r.max_bytes + avg - 1) / avg, 1, budget);
      out.deleted += delete_chunk(delete_oldest_.get(), nullptr, want);
    }
  }
  out.more = age_pending_ || (r.max_rows > 0 && rows() > r.max_rows) ||
             (r.max_bytes > 0 && rows() > 0 && used_bytes() > r.max_bytes);
  return out;
}

StoreStats SqliteStore::stats() const {
  auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  StoreStats s;
  s.rows_written = get(rows_written_);
  s.batches = get(batches_);
  s.rows_rejected = get(rows_rejected_);
  s.rows_lost = get(rows_lost_);
  s.write_errors = get(write_errors_);
  s.rows_deleted = get(rows_deleted_);
  s.rows = get(rows_);
  return s;
}

std::string SqliteStore::last_error() const {
  std::lock_guard lock(error_mu_);
  return last_error_;
}

}  // namespace parapet::store
