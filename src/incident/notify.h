// Notification bodies and delivery (docs/incidents.md). Three streams — debug (detector evidence),
// impact (who and what is affected, money), comms (status updates) — each to its configured
// destinations: Slack-compatible incoming webhooks (`text` + `attachments`, Mattermost accepts the
// same), a generic JSON webhook, and PagerDuty Events API v2 (trigger / acknowledge / resolve,
// dedup_key = the incident id).
// Delivery is a plain-http POST with Boost.Beast's synchronous client, on the notifier thread only;
// https destinations are refused for now (not yet supported).
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "incident/incidents.h"
#include "incident/options.h"

namespace parapet::incident {

struct Impact {
  int64_t from_ms = 0, to_ms = 0;
  int64_t requests = 0, failed = 0, cost_micros = 0;
  std::vector<std::string> providers, models, keys, clients;
};

// Whether `event` goes to `stream` at all.
bool routed(std::string_view stream, Event::Kind kind);
// The body for one destination; nullopt: this destination type skips this event (PagerDuty only
// hears declared / mitigated / resolved).
std::optional<std::string> render(const Destination& d, const Event& e, const Incident& inc,
                                  const Impact* impact, const std::string& call_link);

// POSTs `body` as JSON; returns the HTTP status (2xx is success) or an error (connect, timeout).
Result<int> post_json(const std::string& url, const std::string& body, int timeout_ms);

}  // namespace parapet::incident
