// The write-up: Markdown from an incident, its timeline and its impact. Internal: summary,
// impact figures with affected keys and client addresses, timeline, time to detect / declare /
// mitigate / resolve, root cause and lessons placeholders, follow-ups. Public (`--public`): the
// customer-facing disclosure draft; keys, client IPs, people's names and debug entries are left
// out.
// Thread-safety: pure.
#pragma once

#include <string>
#include <vector>

#include "incident/impact.h"
#include "incident/store.h"

namespace parapet::incident {

std::string postmortem_markdown(const Incident& inc, const std::vector<TimelineEntry>& timeline,
                                const Impact& impact, bool public_version,
                                const std::vector<FollowUp>& followups = {}, int64_t now_us = 0);
// "1m 23.4s"
std::string duration_text(int64_t us);

}  // namespace parapet::incident
