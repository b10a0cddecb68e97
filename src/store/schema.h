// The store's schema and its migrations. Version 1 is the first migration, so a database is
// brought from empty to current the same way an old one is brought up to date; each migration is
// frozen once released (a change is a new migration). The version lives in table
// schema_version(version), one row.
// Thread-safety: functions act on the connection they are given.
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/error.h"
#include "observe/record.h"

namespace parapet::store {

inline constexpr int kSchemaVersion = 4;

// Applies the missing migrations in one IMMEDIATE transaction and returns the version reached.
// Refuses a database written by a newer Parapet (version > kSchemaVersion).
Result<int> migrate(sqlite3* db);
// 0 when the database has no schema yet.
Result<int> read_schema_version(sqlite3* db);

// "id, start_us, ..., response_body": every column, in for_each_field order.
const std::string& column_list();
// Binds every field of `r` to parameters 1..kFieldCount. Strings are bound without copying.
// REQUIRES: `r` outlives the next sqlite3_step(st).
void bind_record(sqlite3_stmt* st, const observe::RequestRecord& r);
// Reads a row selected with column_list() into a record.
observe::RequestRecord read_record(sqlite3_stmt* st);

}  // namespace parapet::store
