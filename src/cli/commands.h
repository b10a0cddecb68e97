// `parapet logs` and `parapet stats`: the admin API from a terminal. Tables for people, --format
// jsonl/csv (logs) and --json (stats) for scripts. They talk to a running gateway's admin
// listener (--admin, default 127.0.0.1:8701).
#pragma once

namespace CLI {
class App;
}

namespace parapet::cli {

void add_logs_command(CLI::App& app);
void add_stats_command(CLI::App& app);
void add_keys_command(CLI::App& app);      // keys.cc
void add_cache_command(CLI::App& app);     // cache_command.cc
void add_circuits_command(CLI::App& app);  // circuits.cc

// limits.cc
void add_limits_command(CLI::App& app);
// rules.cc
void add_rules_command(CLI::App& app);
void add_incident_command(CLI::App& app);  // incident.cc

}  // namespace parapet::cli
