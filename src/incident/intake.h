// What comes in from outside, pure: Slack slash commands (form-encoded, signed with the app's
// signing secret: X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" +
// body)), refused when the timestamp is more than 5 minutes away from now) and Prometheus
// Alertmanager webhooks (version 4; one group per POST, keyed by groupKey).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "incident/detector.h"

namespace parapet::incident {

inline constexpr int64_t kSlackReplayWindowS = 300;

// True when `signature` is the v0 signature of `body` at `timestamp` under `secret` and the
// timestamp is within the replay window of now_s. Constant-time comparison.
bool verify_slack_signature(std::string_view secret, std::string_view timestamp,
                            std::string_view body, std::string_view signature, int64_t now_s);
std::string slack_signature(std::string_view secret, std::string_view timestamp,
                            std::string_view body);

// application/x-www-form-urlencoded → name -> value (last wins), '+' as space, %XX decoded.
std::map<std::string, std::string> parse_form(std::string_view body);

// "/incident declare SEV2 checkout is down" → {verb "declare", args ["SEV2", ...], rest "..."}.
struct SlashCommand {
  std::string verb;  // declare | note | status | mitigate | resolve | decline |
                     // commander | list | help
  std::string id;    // the incident id, for verbs that take one
  int severity = 3;  // declare
  std::string text;  // declare: title; note: text; commander: name
};
Result<SlashCommand> parse_slash_text(std::string_view text);

// One Alertmanager v4 POST as a signal: subject = groupKey, firing unless status is "resolved";
// title from commonLabels.alertname and commonAnnotations.summary; severity from
// commonLabels.severity (critical 2, warning/error 3, info 4; else 3).
Result<Signal> parse_alertmanager(std::string_view body, int64_t now_us);

}  // namespace parapet::incident
