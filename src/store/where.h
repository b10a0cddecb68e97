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
Result<Where> build_where(const LogQuery& q, bool with_cursor);
// Binds args to parameters 1..n. REQUIRES: args outlive the statement's steps.
void bind_args(sqlite3_stmt* st, const std::vector<SqlArg>& args);

}  // namespace parapet::store
