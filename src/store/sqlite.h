// Thin RAII over the SQLite C API: connections and statements as unique_ptrs, SQLite failures
// as Error values (the store never throws).
// Thread-safety: a connection is opened SQLITE_OPEN_NOMUTEX; its owner uses it from one thread
// at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"

namespace parapet::store {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Opens (read-write creates the file) with extended result codes and a busy timeout.
Result<DbPtr> open_db(const std::string& path, bool read_only, int busy_timeout_ms);
// Runs one or more statements that return no rows.
Result<bool> exec(sqlite3* db, const std::string& sql);
Result<StmtPtr> prepare(sqlite3* db, std::string_view sql);
// The first column of the first row of `sql` as an integer.
Result<int64_t> query_int(sqlite3* db, const std::string& sql);
// An Error carrying SQLite's message for the last failure on `db`.
Error sqlite_error(sqlite3* db, std::string_view what);

// Binds `s` as TEXT without copying. REQUIRES: `s` outlives the statement's next step.
inline int bind_text(sqlite3_stmt* st, int i, std::string_view s) {
  return sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}
// TEXT column as a string ("" for NULL).
inline std::string column_text(sqlite3_stmt* st, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st, i))) : std::string();
}

}  // namespace parapet::store
