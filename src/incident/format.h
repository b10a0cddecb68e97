// Notification bodies, pure: Slack-compatible incoming webhook JSON (`text` + `attachments`,
// which Mattermost also accepts), a generic JSON webhook, PagerDuty Events API v2.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incident/lifecycle.h"
#include "incident/options.h"

namespace parapet::incident {

struct Message {
  Stream stream = Stream::kDebug;
  std::string event;  // opened | declared | signal | status | note | role | severity
  std::string text;   // one line for people
  std::vector<std::pair<std::string, std::string>> fields;
  std::string pd_action;  // "" (no PagerDuty event) | trigger | acknowledge | resolve
};

std::string slack_body(const Incident& inc, const Message& m);
std::string webhook_body(const Incident& inc, const Message& m);
std::string pagerduty_body(const Incident& inc, const Message& m, std::string_view routing_key);
// Incident JSON as the admin API and the generic webhook show it.
std::string incident_json(const Incident& inc);
// The call link template with {id} replaced.
std::string call_link(std::string_view tmpl, int64_t id);
// RFC 3339 UTC with milliseconds, "" for 0.
std::string time_text(int64_t us);

}  // namespace parapet::incident
