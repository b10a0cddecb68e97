// The admin API's read side: log search, one record, analytics. Each handler takes the decoded
// query string and returns a whole JSON answer; streaming endpoints (export, live tail) use the
// same filters through log_query_from(). Field names are the JSONL export's (docs/logs.md).
// Thread-safety: called on the admin thread; the store and analytics are safe to read from it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/headers.h"
#include "http/query.h"
#include "observe/analytics.h"
#include "observe/recorder.h"
#include "store/log_query.h"
#include "store/sqlite_store.h"

namespace parapet::admin {

struct Services {
  store::SqliteStore* store = nullptr;
  observe::Analytics* analytics = nullptr;
  observe::Recorder* recorder = nullptr;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

Reply error_reply(const Error& e);

// One admin request as a handler sees it. Handlers registered with AdminServer::handle() serve
// their path and everything under it, for any method; they answer 405 for methods they lack.
struct Request {
  std::string_view method;
  std::string_view path;  // without the query
  const http::Query& query;
  std::string_view body;                      // decoded request body (JSON for write endpoints)
  const http::HeaderList* headers = nullptr;  // request headers (signature checks)
};
using Handler = std::function<Reply(const Request&)>;

// Filters: from, to, gateway, provider, model, status (429 | 4xx), errors=1, error_type, key_id,
// metadata=key=value (repeatable), q (text in error messages), cursor, limit.
Result<store::LogQuery> log_query_from(const http::Query& q, int64_t now_us);
// The filters a live tail can apply to a record in memory.
bool matches(const store::LogQuery& q, const observe::RequestRecord& r);

Reply logs_search(const Services& s, const http::Query& q, int64_t now_us);
Reply log_get(const Services& s, std::string_view id);
// from (default 24h), to (default now), group_by=gateway,provider,model,key_id,
// step=minute|hour|day|total
// group_by=metadata.KEY is answered from the store instead of the rollups (tags are free-form, so
// they have no rollup series): the matching records are scanned, up to kMaxMetadataScan.
Reply stats(const Services& s, const http::Query& q, int64_t now_us);
inline constexpr size_t kMaxMetadataScan = 1'000'000;

}  // namespace parapet::admin
