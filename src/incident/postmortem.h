// The write-up (docs/incidents.md): Markdown with summary, impact (exact, from logs.db over the
// incident window), timeline, time to detect / declare / mitigate / resolve, root cause and lessons
// placeholders, follow-ups. The public version leaves out key ids, client IPs and who did what.
#pragma once

#include <string>

#include "common/error.h"
#include "incident/incidents.h"
#include "incident/notify.h"

namespace parapet::incident {

// Requests with start_us in [from_ms, to_ms) (the /admin/logs `from`/`to` semantics); failed =
// status >= 500.
Result<Impact> query_impact(const std::string& logs_db, int64_t from_ms, int64_t to_ms);
std::string render_postmortem(const Incident& inc, const Impact& im, bool public_version,
                              int64_t now_ms);
// "2026-11-22T06:00:00.123Z"
std::string rfc3339_ms(int64_t ms);

}  // namespace parapet::incident
