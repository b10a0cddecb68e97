// /admin/incidents: incident response (docs/incidents.md).
//   GET  /admin/incidents                      every incident, newest first
//   GET  /admin/incidents/ID                   one, with its timeline and impact
//   GET  /admin/incidents/ID/postmortem[?public=1]   the Markdown write-up
//   POST /admin/incidents                      {"title":..,"severity":1..5,"who":..} declare → 201
//   POST /admin/incidents/ID/status {"status":"active|mitigated|resolved|declined|merged",
//                                               "why":..,"who":..}
//   POST /admin/incidents/ID/note              {"text":..,"who":..}
//   POST /admin/incidents/ID/role {"role":"commander|comms|scribe","person":..,"who":..}
// Thread-safety: runs on the admin thread; the Manager locks.
#pragma once

#include "admin/handlers.h"
#include "incident/manager.h"

namespace parapet::admin {

Handler incidents_handler(incident::Manager& m);

}  // namespace parapet::admin
