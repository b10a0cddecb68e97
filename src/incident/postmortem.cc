#include "incident/postmortem.h"

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "store/sqlite.h"

namespace parapet::incident {

namespace {

std::string dur(int64_t ms) {
  if (ms <= 0) return "-";
  char buf[48];
  if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%lld min %lld s", static_cast<long long>(ms / 60'000),
                  static_cast<long long>(ms / 1000 % 60));
  }
  return buf;
}

std::string list_of(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

Result<std::vector<std::string>> distinct(sqlite3* db, const std::string& col, int64_t from_us,
                                          int64_t to_us) {
  auto st = store::prepare(db, "SELECT DISTINCT " + col +
                                   " FROM requests WHERE start_us >= ? AND start_us < ? AND " +
                                   "status >= 500 AND " + col + " != '' ORDER BY 1 LIMIT 50");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, from_us);
  sqlite3_bind_int64(st->get(), 2, to_us);
  std::vector<std::string> out;
  while (sqlite3_step(st->get()) == SQLITE_ROW) out.push_back(store::column_text(st->get(), 0));
  return out;
}

}  // namespace

std::string rfc3339_ms(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

Result<Impact> query_impact(const std::string& logs_db, int64_t from_ms, int64_t to_ms) {
  Impact im;
  im.from_ms = from_ms;
  im.to_ms = to_ms;
  std::error_code ec;
  if (!std::filesystem::exists(logs_db, ec)) return im;
  auto db = store::open_db(logs_db, true, 5000);
  if (!db) return db.error();
  auto st = store::prepare(db->get(),
                           "SELECT count(*), coalesce(sum(status >= 500),0), "
                           "coalesce(sum(cost_micros),0) FROM requests "
                           "WHERE start_us >= ? AND start_us < ?");
  if (!st) return st.error();
  int64_t from_us = from_ms * 1000, to_us = to_ms * 1000;
  sqlite3_bind_int64(st->get(), 1, from_us);
  sqlite3_bind_int64(st->get(), 2, to_us);
  if (sqlite3_step(st->get()) == SQLITE_ROW) {
    im.requests = sqlite3_column_int64(st->get(), 0);
    im.failed = sqlite3_column_int64(st->get(), 1);
    im.cost_micros = sqlite3_column_int64(st->get(), 2);
  }
  auto p = distinct(db->get(), "provider", from_us, to_us);
  if (!p) return p.error();
  im.providers = std::move(*p);
  auto m = distinct(db->get(), "model_requested", from_us, to_us);
  if (!m) return m.error();
  im.models = std::move(*m);
  auto k = distinct(db->get(), "key_id", from_us, to_us);
  if (!k) return k.error();
  im.keys = std::move(*k);
  auto c = distinct(db->get(), "client_ip", from_us, to_us);
  if (!c) return c.error();
  im.clients = std::move(*c);
  return im;
}

std::string render_postmortem(const Incident& inc, const Impact& im, bool pub, int64_t now_ms) {
  std::string o;
  auto line = [&](const std::string& s) { o += s + "\n"; };
  line("# " + std::string(pub ? "Incident report" : "Post-mortem") + ": " + inc.title);
  line("");
  line("- Incident: #" + std::to_string(inc.id) + ", SEV" + std::to_string(inc.severity) +
       ", status " + std::string(status_name(inc.status)));
  line("- Window: " + rfc3339_ms(im.from_ms) + " to " + rfc3339_ms(im.to_ms) +
       " (from_ms=" + std::to_string(im.from_ms) + " to_ms=" + std::to_string(im.to_ms) + ")");
  if (!pub) {
    line("- Commander: " + (inc.commander.empty() ? std::string("unassigned") : inc.commander) +
         "; comms: " + (inc.comms.empty() ? std::string("unassigned") : inc.comms) +
         "; scribe: " + (inc.scribe.empty() ? std::string("unassigned") : inc.scribe));
  }
  line("");
  line("## Summary");
  line("");
  if (!inc.detector.empty()) {
    line("Detected automatically by the `" + inc.detector + "` detector on `" + inc.subject + "`." +
         (pub ? "" : " Last evidence: " + inc.evidence));
  } else {
    line("Declared by hand.");
  }
  line("");
  line("## Impact");
  line("");
  char cost[48];
  std::snprintf(cost, sizeof cost, "$%.6f", static_cast<double>(im.cost_micros) / 1e6);
  line("| Measure | Value |");
  line("|---|---|");
  line("| Requests | " + std::to_string(im.requests) + " |");
  line("| Failed requests | " + std::to_string(im.failed) + " |");
  line("| Cost | " + std::string(cost) + " |");
  line("| Affected providers | " + list_of(im.providers) + " |");
  line("| Affected models | " + list_of(im.models) + " |");
  if (pub) {
    line("| Affected keys | " + std::to_string(im.keys.size()) + " |");
  } else {
    line("| Affected keys | " + list_of(im.keys) + " |");
    line("| Affected clients | " + list_of(im.clients) + " |");
  }
  line("");
  line("## Timings");
  line("");
  line("| | Time | Since detection |");
  line("|---|---|---|");
  line("| Detected | " + rfc3339_ms(inc.detected_ms) + " | 0 |");
  auto row = [&](const char* name, int64_t t) {
    line(std::string("| ") + name + " | " + (t ? rfc3339_ms(t) : std::string("-")) + " | " +
         (t ? dur(t - inc.detected_ms) : std::string("-")) + " |");
  };
  row("Declared", inc.declared_ms);
  row("Mitigated", inc.mitigated_ms);
  row("Resolved", inc.resolved_ms);
  line("");
  line("time_to_declare_ms=" +
       std::to_string(inc.declared_ms ? inc.declared_ms - inc.detected_ms : -1) +
       " time_to_mitigate_ms=" +
       std::to_string(inc.mitigated_ms ? inc.mitigated_ms - inc.detected_ms : -1) +
       " time_to_resolve_ms=" +
       std::to_string(inc.resolved_ms ? inc.resolved_ms - inc.detected_ms : -1));
  line("");
  line("## Timeline");
  line("");
  for (const auto& t : inc.timeline) {
    if (pub && (t.kind == "notify" || t.kind == "role" || t.kind == "signal")) continue;
    std::string who = pub || t.who.empty() ? "" : " (" + t.who + ")";
    line("- " + rfc3339_ms(t.at_ms) + " **" + t.kind + "** " + t.text + who);
  }
  line("");
  line("## Root cause");
  line("");
  line("_To be written._");
  line("");
  line("## Lessons learned");
  line("");
  line("_What went well, what went badly, where we got lucky._");
  line("");
  line("## Follow-up actions");
  line("");
  line("| Action | Owner | Due | Priority |");
  line("|---|---|---|---|");
  line("| _to be filled in_ | | | |");
  line("");
  line("_Generated by parapet at " + rfc3339_ms(now_ms) + "._");
  return o;
}

}  // namespace parapet::incident
