// Impact of an incident, computed exactly from the log store (logs.db, the same records analytics
// rolls up) for the incident's window [from_us, to_us) by start_us: requests, failed ones
// (status >= 500 or an upstream_* error, as the burn-rate detector counts them), slowed ones
// (total_us >= slow_us), distinct keys and client addresses among the affected, the providers
// and models involved, and the money: spent in the window and spent on failed requests.
// Thread-safety: opens its own read-only connection per call.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace parapet::incident {

struct Impact {
  int64_t from_us = 0, to_us = 0;
  int64_t requests = 0, failed = 0, slowed = 0;
  int64_t cost_micros = 0, failed_cost_micros = 0;
  std::vector<std::pair<std::string, int64_t>> keys;       // affected key_id -> requests
  std::vector<std::pair<std::string, int64_t>> clients;    // affected client_ip -> requests
  std::vector<std::pair<std::string, int64_t>> providers;  // "provider/model" -> failed
};

Result<Impact> compute_impact(const std::string& logs_db, int64_t from_us, int64_t to_us,
                              int64_t slow_us);
std::string impact_json(const Impact& im, bool include_private);

}  // namespace parapet::incident
