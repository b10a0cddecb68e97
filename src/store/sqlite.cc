#include "store/sqlite.h"

namespace parapet::store {

Error sqlite_error(sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : "out of memory";
  return make_error(ErrorCode::kInternal, std::move(msg));
}

Result<DbPtr> open_db(const std::string& path, bool read_only, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return sqlite_error(raw, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return db;
}

Result<bool> exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return make_error(ErrorCode::kInternal, "sqlite: " + msg);
  }
  return true;
}

Result<StmtPtr> prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    return sqlite_error(db, "prepare");
  }
  return StmtPtr(raw);
}

Result<int64_t> query_int(sqlite3* db, const std::string& sql) {
  auto st = prepare(db, sql);
  if (!st) return st.error();
  const int rc = sqlite3_step(st->get());
  if (rc == SQLITE_ROW) return int64_t{sqlite3_column_int64(st->get(), 0)};
  if (rc == SQLITE_DONE) return int64_t{0};
  return sqlite_error(db, "query");
}

}  // namespace parapet::store
