// A search over stored records, as the admin API and `parapet logs` express it: filters that all
// must match, newest first, pages of at most kMaxLimit records linked by an opaque cursor (keyset
// pagination on the ULID id, so a page never shifts when new records arrive).
// Thread-safety: plain values; the parsers are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "observe/record.h"

namespace parapet::store {

inline constexpr size_t kDefaultLimit = 50;
inline constexpr size_t kMaxLimit = 1000;
inline constexpr size_t kMaxMetadataFilters = 8;

// json_extract(metadata, '$."key"') compared as text: strings as they are, numbers as SQLite
// prints them (42, 1.5), booleans as "true" / "false".
struct MetadataFilter {
  std::string key, value;
};

struct LogQuery {
  std::optional<int64_t> from_us;   // start_us >= from_us (Unix epoch microseconds)
  std::optional<int64_t> to_us;     // start_us < to_us
  std::string gateway, provider;    // exact; "" = any
  std::string model;                // model_requested or model_answered, exact
  std::optional<int> status;        // exact status
  std::optional<int> status_class;  // 1..5: 4 means 400..499
  bool errors_only = false;         // error_type != ""
  std::string error_type;           // exact, e.g. "upstream_timeout"
  std::string key_id;               // exact
  std::vector<MetadataFilter> metadata;
  std::string text;              // case-insensitive (ASCII) substring of error_message
  std::string cursor;            // a page's next_cursor: continue after it
  size_t limit = kDefaultLimit;  // 0 means kDefaultLimit; above kMaxLimit means kMaxLimit
};

struct LogPage {
  std::vector<observe::RequestRecord> records;  // newest first
  std::string next_cursor;                      // "" on the last page
};

// "429" → status; "4xx" / "4XX" → status_class. Anything else is a bad_request error.
Result<bool> parse_status_filter(std::string_view s, LogQuery& q);
// "key=value" (first '='). Keys may not be empty or contain '"', '\\' or control characters.
Result<MetadataFilter> parse_metadata_filter(std::string_view s);

}  // namespace parapet::store
