#include "rules/hunt_reader.h"

#include <sqlite3.h>

#include "observe/scrub.h"
#include "store/sqlite.h"

namespace parapet::rules {

Result<std::shared_ptr<const waf::RuleSet>> hunt_rules(const waf::RuleSet& current,
                                                       std::string_view id,
                                                       std::string_view file_text) {
  std::vector<waf::Rule> rules;
  if (!file_text.empty()) {
    auto parsed = waf::parse_rules(file_text, "hunt rule file");
    if (!parsed) return parsed.error();
    rules = std::move(*parsed);
  } else {
    const waf::Rule* r = current.find(id);
    if (!r) {
      return make_error(ErrorCode::kNotFound,
                        "no rule '" + std::string(id) + "' in the current set");
    }
    rules.push_back(*r);
  }
  if (rules.empty()) return make_error(ErrorCode::kBadRequest, "the rule file has no [[rule]]");
  for (auto& r : rules) r.action = waf::Action::kBlock;
  return waf::RuleSet::compile(std::move(rules), 0, "hunt");
}

Result<waf::HuntReport> hunt_store(const std::string& logs_db,
                                   std::shared_ptr<const waf::RuleSet> rules, int64_t since_us,
                                   int64_t until_us) {
  auto db = store::open_db(logs_db, true, 5000);
  if (!db) return db.error();
  auto st = store::prepare(db->get(),
                           "SELECT id, start_us, client_ip, key_id, method, endpoint, "
                           "request_body, waf_rules FROM requests WHERE start_us >= ? AND "
                           "start_us < ? ORDER BY id");
  if (!st) return st.error();
  sqlite3_bind_int64(st->get(), 1, since_us);
  sqlite3_bind_int64(st->get(), 2, until_us);
  waf::Hunt hunt(std::move(rules));
  auto text = [&](int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st->get(), col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st->get(), col)))
             : std::string_view();
  };
  for (;;) {
    int rc = sqlite3_step(st->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return store::sqlite_error(db->get(), "hunt");
    waf::HuntRecord r;
    r.id = text(0);
    r.start_us = sqlite3_column_int64(st->get(), 1);
    r.client_ip = text(2);
    r.key_id = text(3);
    r.method = text(4);
    // Stored text is safe-logged ("${" written as "$%7B", observe/scrub.h): the hunt matches
    // what the request really carried.
    std::string endpoint, body;
    r.endpoint = text(5);
    r.request_body = text(6);
    if (r.endpoint.find(observe::kNeutralLookup) != std::string_view::npos) {
      endpoint = observe::restore_lookups(r.endpoint);
      r.endpoint = endpoint;
    }
    if (r.request_body.find(observe::kNeutralLookup) != std::string_view::npos) {
      body = observe::restore_lookups(r.request_body);
      r.request_body = body;
    }
    r.waf_rules = text(7);
    hunt.add(r);
  }
  return hunt.report();
}

}  // namespace parapet::rules
