// /admin/incidents: incident response (docs/incidents.md).
//   GET  /incidents[?all=1]              open incidents (all: every incident, newest first)
//   POST /incidents                      {"title","severity":1..5,"summary","commander","author"}
//                                        declares one by hand → 201
//   GET  /incidents/ID                   the incident, its timeline and its notifications
//   POST /incidents/ID                   {"status","severity","commander","comms","scribe",
//                                         "title","summary","author"} (any subset)
//   POST /incidents/ID/notes             {"text","author"}
//   POST /incidents/ID/{declare,mitigate,resolve,decline}   {"author"} (body optional)
//   POST /incidents/ID/merge             {"into": OTHER_ID} → merged into that open incident
//   GET  /incidents/ID/impact            figures from the log store for the incident's window
//   GET  /incidents/ID/postmortem[?public=1]   Markdown
//   POST /incidents/ID/followups         {"title","owner","due","threat","vulnerability",
//                                         "likelihood"} (1..5 each; priority = their product)
//   GET  /incidents/ID/followups, GET /incidents/followups[?all=1]   by priority, overdue flagged
//   POST /incidents/followups/FID/done
//   POST /incidents/slack                Slack slash command (X-Slack-Signature checked)
//   POST /incidents/alertmanager         Alertmanager webhook, version 4
// status_handler: GET /status/summary.json, the common status-page summary shape.
// Thread-safety: the handler runs on the admin thread; Manager is thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "admin/handlers.h"

namespace parapet::incident {
class Manager;
}

namespace parapet::admin {

Handler incidents_handler(incident::Manager& m);
// providers: the components to list (providers seen recently).
Handler status_handler(incident::Manager& m, std::function<std::vector<std::string>()> providers);

}  // namespace parapet::admin
