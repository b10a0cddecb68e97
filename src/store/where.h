// Internal to store/: a LogQuery's filters as an SQL WHERE clause with bound arguments (never
// spliced text), shared by query() and count().
// Thread-safety: pure.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/error.h"
#include "store/log_query.h"

namespace parapet::store {

using SqlArg = std::variant<int64_t, std::string>;

struct Where {
  std::string sql;  // "" or " WHERE ... AND ..."
  std::vector<SqlArg> args;
};

// bad_request errors for filters that cannot be expressed (bad metadata key, status class, ...).
Result<Where> build_where(const LogQuery& q, bool with_cursor, int64_t id_lag_ms);
// The smallest ULID of millisecond `unix_ms` (clamped to 0): every id generated at or after that
// millisecond sorts at or after it.
std::string id_floor(int64_t unix_ms);
// Time filters are exact on start_us and also bound the id, so the search walks requests_id over
// the range instead of the whole table. A record's id is made once its request has been read, so
// its time is at or after start_us (kIdLead absorbs wall-clock adjustments) and at most `id_lag`
// after it (header + body read time).
inline constexpr int64_t kIdLeadMs = 60'000;

// Binds args to parameters 1..n. REQUIRES: args outlive the statement's steps.
void bind_args(sqlite3_stmt* st, const std::vector<SqlArg>& args);

}  // namespace parapet::store
