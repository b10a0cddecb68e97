// Records as JSON Lines and CSV: the formats of `parapet logs --format jsonl|csv` and of the
// admin API's export. Field names and order are those of store/fields.h (docs/logs.md lists them;
// they are public API). Output is always valid UTF-8: bytes that are not are replaced by U+FFFD.
//
// JSON: one object per line, every field present; strings are strings ("" when empty), numbers
// are integers, booleans are true/false, metadata is the JSON object itself or null.
// CSV (RFC 4180): a header row of field names, then one row per record, rows ending in CRLF;
// fields holding a comma, quote, CR or LF are quoted with quotes doubled. Text that a spreadsheet
// would run as a formula (starting with = + - @, TAB or CR) is prefixed with a single quote (OWASP
// CSV injection advice); JSON Lines carry text unchanged.
// Thread-safety: pure.
#pragma once

#include <string>
#include <string_view>

#include "observe/record.h"

namespace parapet::store {

// Appends the record as one JSON object and '\n'.
void append_jsonl(std::string& out, const observe::RequestRecord& r);
std::string to_jsonl(const observe::RequestRecord& r);

void append_csv_header(std::string& out);
void append_csv_row(std::string& out, const observe::RequestRecord& r);

// Appends `s` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view s);
// True when `s` is one complete JSON object (RFC 8259; nesting depth at most 32).
bool is_json_object(std::string_view s);

}  // namespace parapet::store
