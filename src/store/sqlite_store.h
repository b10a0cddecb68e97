// The embedded log store: one SQLite file holding one row per request, written by the recorder
// thread and searched by the admin thread.
//
// Writing: consume() inserts each batch in ONE transaction through one prepared INSERT. The file
// is in WAL mode with synchronous=NORMAL: a commit appends to the WAL without fsync, and the WAL
// is fsynced at checkpoints. What that guarantees:
//   - process crash (kill -9, abort, OOM kill): every committed batch survives (it is in the OS
//     page cache); only records still in the recorder's rings or its open batch are lost, i.e. at
//     most one batch window (50 ms) plus what the queue held (see docs/logs.md for the
//     measurement);
//   - OS crash or power loss: the database stays consistent, but transactions committed since
//     the last checkpoint may roll back.
// Retention deletes the oldest rows in bounded chunks (one step of at most max(chunk_rows, twice
// the batch) rows after a batch or at a flush, when over a limit), so a cleanup never stalls the
// writer for long, and deleting keeps up with inserting.
//
// Reading: query()/count()/get() use a separate read-only connection. WAL readers never block the
// writer and see only committed batches.
//
// Never a credential: with scrub_text (the default) error_message and both bodies go through
// observe::scrub() before they are written, whatever the caller did before.
//
// Thread-safety: consume(), flush() and enforce_retention() from one thread at a time (the
// recorder thread); query(), count() and get() from any thread (serialized on the read
// connection); stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"
#include "core/sink.h"
#include "observe/record.h"
#include "store/log_query.h"
#include "store/sqlite.h"

namespace parapet::store {

struct Retention {
  int64_t max_age_days = 0;  // rows whose start is older are deleted; 0 = no age limit
  uint64_t max_rows = 0;     // 0 = no row limit
  uint64_t max_bytes = 0;    // live database pages (the WAL comes on top); 0 = no size limit
  size_t chunk_rows = 2000;  // rows one step deletes at most (a few ms of work)
  std::chrono::seconds age_check_interval{60};
};

struct StoreOptions {
  std::string path;  // database file; its directory is created if missing
  Retention retention;
  bool scrub_text = true;
  std::function<int64_t()> now_us;  // wall clock for age retention; default: system clock
  int busy_timeout_ms = 1000;
  // Longest time between a request's start and its id being made (the id's ULID time): the
  // header + body read timeouts. Time filters miss records that lagged more than this.
  std::chrono::milliseconds id_lag{std::chrono::minutes(5)};
};

// Counters (relaxed; written by the writer thread).
struct StoreStats {
  uint64_t rows_written = 0;   // committed
  uint64_t batches = 0;        // committed transactions
  uint64_t rows_rejected = 0;  // refused one by one (e.g. a duplicate id); the batch went on
  uint64_t rows_lost = 0;      // in batches that failed as a whole (disk full, I/O error, busy)
  uint64_t write_errors = 0;   // failed batches
  uint64_t rows_deleted = 0;   // by retention
  uint64_t rows = 0;           // rows in the table now
};

class SqliteStore final : public core::RecordConsumer {
 public:
  // Opens or creates the file, applies pragmas and migrations, opens the read connection.
  static Result<std::unique_ptr<SqliteStore>> open(StoreOptions opts);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // --- writer side
  void consume(std::span<const observe::RequestRecord> batch) override;
  // Runs a retention step when one is due. Commits are already durable (see above).
  void flush() override;
  struct RetentionStep {
    uint64_t deleted = 0;
    bool more = false;  // still over a limit: the next step continues
  };
  // One bounded step, `now_us` being the wall clock: at most max(chunk_rows, min_chunk) rows
  // deleted. consume() passes twice its batch size, so deleting always outpaces inserting.
  RetentionStep enforce_retention(int64_t now_us, size_t min_chunk = 0);

  // --- reader side
  Result<LogPage> query(const LogQuery& q) const;
  // Rows matching q's filters (cursor and limit ignored).
  Result<uint64_t> count(const LogQuery& q) const;
  Result<std::optional<observe::RequestRecord>> get(std::string_view id) const;

  // Live pages of the database file in bytes ((page_count - freelist_count) * page_size).
  uint64_t used_bytes();  // writer side
  int schema_version() const { return schema_version_; }
  StoreStats stats() const;
  std::string last_error() const;
  const std::string& path() const { return opts_.path; }

 private:
  explicit SqliteStore(StoreOptions opts);
  Result<bool> init();
  bool retention_enabled() const;
  bool retention_due(int64_t now_us);
  uint64_t delete_chunk(sqlite3_stmt* st, const std::string* before_id, uint64_t limit);
  void fail_batch(size_t n, std::string what);
  int64_t now_us() const;

  StoreOptions opts_;
  int schema_version_ = 0;

  // Writer connection and its statements (writer thread).
  DbPtr db_;
  StmtPtr insert_, delete_older_, delete_oldest_, page_count_, freelist_count_;
  int64_t page_size_ = 4096;
  int error_message_param_ = 0, request_body_param_ = 0, response_body_param_ = 0;
  int64_t last_age_check_us_ = 0;
  bool age_pending_ = false;

  // Read connection, guarded by read_mu_.
  mutable std::mutex read_mu_;
  DbPtr reader_;

  mutable std::mutex error_mu_;
  std::string last_error_;  // guarded by error_mu_

  std::atomic<uint64_t> rows_written_{0}, batches_{0}, rows_rejected_{0}, rows_lost_{0},
      write_errors_{0}, rows_deleted_{0}, rows_{0};
};

}  // namespace parapet::store
