#include "incident/manager.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "incident/detectors/circuit_open.h"
#include "incident/detectors/error_rate.h"
#include "incident/detectors/spend_burn.h"
#include "incident/detectors/traffic_surge.h"
#include "incident/detectors/waf_surge.h"
#include "incident/postmortem.h"
#include "observe/record.h"

namespace parapet::incident {

namespace {

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY, title TEXT NOT NULL, severity INTEGER NOT NULL, status TEXT NOT NULL,
  commander TEXT NOT NULL, comms TEXT NOT NULL, scribe TEXT NOT NULL, detector TEXT NOT NULL,
  subject TEXT NOT NULL, evidence TEXT NOT NULL, firing INTEGER NOT NULL,
  detected_ms INTEGER NOT NULL, declared_ms INTEGER NOT NULL, mitigated_ms INTEGER NOT NULL,
  resolved_ms INTEGER NOT NULL, firing_since_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (
  incident INTEGER NOT NULL, seq INTEGER NOT NULL, at_ms INTEGER NOT NULL, kind TEXT NOT NULL,
  text TEXT NOT NULL, who TEXT NOT NULL, PRIMARY KEY (incident, seq));
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, incident INTEGER NOT NULL, event TEXT NOT NULL,
  stream TEXT NOT NULL, type TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,
  state TEXT NOT NULL, attempts INTEGER NOT NULL, next_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_ms);
)";

int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string q(std::string_view s) {
  std::string out = "\"";
  append_json_escaped(out, s);
  out += '"';
  return out;
}

void incident_json(std::string& out, const Incident& inc, bool timeline) {
  out += "{\"id\":" + std::to_string(inc.id) + ",\"title\":" + q(inc.title) +
         ",\"severity\":" + std::to_string(inc.severity) +
         ",\"status\":" + q(std::string(status_name(inc.status))) +
         ",\"commander\":" + q(inc.commander) + ",\"comms\":" + q(inc.comms) +
         ",\"scribe\":" + q(inc.scribe) + ",\"detector\":" + q(inc.detector) +
         ",\"subject\":" + q(inc.subject) + ",\"evidence\":" + q(inc.evidence) +
         ",\"firing\":" + (inc.firing ? "true" : "false") +
         ",\"detected_ms\":" + std::to_string(inc.detected_ms) +
         ",\"declared_ms\":" + std::to_string(inc.declared_ms) +
         ",\"mitigated_ms\":" + std::to_string(inc.mitigated_ms) +
         ",\"resolved_ms\":" + std::to_string(inc.resolved_ms);
  if (timeline) {
    out += ",\"timeline\":[";
    bool first = true;
    for (const auto& t : inc.timeline) {
      if (!first) out += ',';
      first = false;
      out += "{\"at_ms\":" + std::to_string(t.at_ms) + ",\"kind\":" + q(t.kind) +
             ",\"text\":" + q(t.text) + ",\"who\":" + q(t.who) + "}";
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

Manager::Manager(Options o, std::string logs_db, Clock clock)
    : o_(std::move(o)),
      logs_db_(std::move(logs_db)),
      clock_(clock ? std::move(clock) : Clock(system_ms)),
      book_(Lifecycle{o_.auto_decline_ms, o_.auto_declare_ms, o_.default_severity}) {
  if (o_.error_rate.enabled)
    detectors_.push_back(std::make_unique<ErrorRateDetector>(o_.error_rate));
  if (o_.traffic_surge.enabled) {
    detectors_.push_back(std::make_unique<TrafficSurgeDetector>(o_.traffic_surge));
  }
  if (o_.spend_burn.enabled && o_.spend_burn.max_micros_per_hour > 0) {
    detectors_.push_back(make_spend_burn(o_.spend_burn));
  }
  if (o_.waf_surge.enabled) detectors_.push_back(make_waf_surge(o_.waf_surge));
  if (o_.circuit_open.enabled) detectors_.push_back(make_circuit_open(o_.circuit_open));
}

Result<std::unique_ptr<Manager>> Manager::open(Options o, const std::string& data_dir,
                                               std::string logs_db, Clock clock) {
  std::unique_ptr<Manager> m(new Manager(std::move(o), std::move(logs_db), std::move(clock)));
  PARAPET_TRY(m->init_db((std::filesystem::path(data_dir) / "incidents.db").string()));
  PARAPET_TRY(m->load());
  return m;
}

Manager::~Manager() { stop(); }

Result<bool> Manager::init_db(const std::string& path) {
  auto db = store::open_db(path, false, 5000);
  if (!db) return db.error();
  db_ = std::move(*db);
  PARAPET_TRY(store::exec(db_.get(), "PRAGMA journal_mode=WAL"));
  return store::exec(db_.get(), std::string(kSchema));
}

Result<bool> Manager::load() {
  auto st = store::prepare(
      db_.get(),
      "SELECT id,title,severity,status,commander,comms,scribe,detector,subject,evidence,firing,"
      "detected_ms,declared_ms,mitigated_ms,resolved_ms,firing_since_ms FROM incidents ORDER BY "
      "id");
  if (!st) return st.error();
  std::vector<Incident> loaded;
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    sqlite3_stmt* s = st->get();
    Incident inc;
    inc.id = sqlite3_column_int64(s, 0);
    inc.title = store::column_text(s, 1);
    inc.severity = sqlite3_column_int(s, 2);
    parse_status(store::column_text(s, 3), &inc.status);
    inc.commander = store::column_text(s, 4);
    inc.comms = store::column_text(s, 5);
    inc.scribe = store::column_text(s, 6);
    inc.detector = store::column_text(s, 7);
    inc.subject = store::column_text(s, 8);
    inc.evidence = store::column_text(s, 9);
    // A restarted gateway has fresh detectors: the condition is re-learned from new records.
    inc.firing = false;
    inc.detected_ms = sqlite3_column_int64(s, 11);
    inc.declared_ms = sqlite3_column_int64(s, 12);
    inc.mitigated_ms = sqlite3_column_int64(s, 13);
    inc.resolved_ms = sqlite3_column_int64(s, 14);
    inc.firing_since_ms = sqlite3_column_int64(s, 15);
    loaded.push_back(std::move(inc));
  }
  auto tl = store::prepare(
      db_.get(), "SELECT at_ms,kind,text,who FROM timeline WHERE incident=? ORDER BY seq");
  if (!tl) return tl.error();
  for (auto& inc : loaded) {
    sqlite3_reset(tl->get());
    sqlite3_bind_int64(tl->get(), 1, inc.id);
    while (sqlite3_step(tl->get()) == SQLITE_ROW) {
      inc.timeline.push_back(
          TimelineEntry{sqlite3_column_int64(tl->get(), 0), store::column_text(tl->get(), 1),
                        store::column_text(tl->get(), 2), store::column_text(tl->get(), 3)});
    }
    inc.persisted = inc.timeline.size();
    book_.restore(std::move(inc));
  }
  return true;
}

void Manager::persist_locked(Incident& inc) {
  auto st = store::prepare(db_.get(),
                           "INSERT OR REPLACE INTO incidents VALUES "
                           "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return;
  sqlite3_stmt* s = st->get();
  std::string status(status_name(inc.status));
  sqlite3_bind_int64(s, 1, inc.id);
  store::bind_text(s, 2, inc.title);
  sqlite3_bind_int(s, 3, inc.severity);
  store::bind_text(s, 4, status);
  store::bind_text(s, 5, inc.commander);
  store::bind_text(s, 6, inc.comms);
  store::bind_text(s, 7, inc.scribe);
  store::bind_text(s, 8, inc.detector);
  store::bind_text(s, 9, inc.subject);
  store::bind_text(s, 10, inc.evidence);
  sqlite3_bind_int(s, 11, inc.firing ? 1 : 0);
  sqlite3_bind_int64(s, 12, inc.detected_ms);
  sqlite3_bind_int64(s, 13, inc.declared_ms);
  sqlite3_bind_int64(s, 14, inc.mitigated_ms);
  sqlite3_bind_int64(s, 15, inc.resolved_ms);
  sqlite3_bind_int64(s, 16, inc.firing_since_ms);
  sqlite3_step(s);
  auto tl = store::prepare(db_.get(), "INSERT OR REPLACE INTO timeline VALUES (?,?,?,?,?,?)");
  if (!tl) return;
  for (; inc.persisted < inc.timeline.size(); ++inc.persisted) {
    const TimelineEntry& t = inc.timeline[inc.persisted];
    sqlite3_reset(tl->get());
    sqlite3_bind_int64(tl->get(), 1, inc.id);
    sqlite3_bind_int64(tl->get(), 2, static_cast<int64_t>(inc.persisted));
    sqlite3_bind_int64(tl->get(), 3, t.at_ms);
    store::bind_text(tl->get(), 4, t.kind);
    store::bind_text(tl->get(), 5, t.text);
    store::bind_text(tl->get(), 6, t.who);
    sqlite3_step(tl->get());
  }
}

void Manager::after_change_locked(int64_t now) {
  std::vector<Event> events = book_.take_events();
  std::set<int64_t> touched;
  for (const auto& [id, inc] : book_.all()) {
    if (inc.persisted < inc.timeline.size()) touched.insert(id);
  }
  store::exec(db_.get(), "BEGIN");
  for (const Event& e : events) {
    const Incident* inc = book_.find(e.incident);
    if (!inc) continue;
    touched.insert(e.incident);
    std::optional<Impact> impact;
    for (const Destination& d : o_.notify) {
      if (!routed(d.stream, e.kind)) continue;
      if (d.stream == "impact" && !impact) {
        auto im = this->impact(*inc);
        if (im) impact = std::move(*im);
      }
      auto body = render(d, e, *inc, impact ? &*impact : nullptr, o_.call_link);
      if (!body) continue;
      auto st = store::prepare(db_.get(),
                               "INSERT INTO outbox(incident,event,stream,type,url,body,state,"
                               "attempts,next_ms,last_error,created_ms) "
                               "VALUES (?,?,?,?,?,?,'pending',0,?,'',?)");
      if (!st) continue;
      std::string ev(event_name(e.kind));
      sqlite3_bind_int64(st->get(), 1, e.incident);
      store::bind_text(st->get(), 2, ev);
      store::bind_text(st->get(), 3, d.stream);
      store::bind_text(st->get(), 4, d.type);
      store::bind_text(st->get(), 5, d.url);
      store::bind_text(st->get(), 6, *body);
      sqlite3_bind_int64(st->get(), 7, now);
      sqlite3_bind_int64(st->get(), 8, now);
      sqlite3_step(st->get());
    }
  }
  for (int64_t id : touched) {
    if (Incident* inc = book_.find_mut(id)) persist_locked(*inc);
  }
  store::exec(db_.get(), "COMMIT");
  if (!events.empty()) cv_.notify_all();
}

void Manager::evaluate_locked(int64_t now) {
  if (now - last_eval_ms_ < o_.evaluate_ms) return;
  last_eval_ms_ = now;
  std::vector<Signal> signals;
  for (auto& d : detectors_) d->evaluate(now, signals);
  for (const Signal& s : signals) book_.on_signal(s, now);
  book_.tick(now);
  after_change_locked(now);
}

void Manager::consume(std::span<const observe::RequestRecord> batch) {
  int64_t now = clock_();
  std::lock_guard lock(mu_);
  for (const auto& r : batch) {
    for (auto& d : detectors_) d->observe(r, now);
  }
  evaluate_locked(now);
}

void Manager::flush() {
  int64_t now = clock_();
  std::lock_guard lock(mu_);
  evaluate_locked(now);
}

void Manager::start() {
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void Manager::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Manager::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    deliver_due();
    // Time-driven transitions go on when no record arrives (the recorder flushes too, but an
    // idle gateway flushes only every few seconds).
    flush();
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(250));
  }
}

void Manager::deliver_due() {
  struct Row {
    int64_t id, incident;
    std::string event, stream, type, url, body;
    int attempts;
  };
  std::vector<Row> due;
  {
    std::lock_guard lock(mu_);
    auto st = store::prepare(db_.get(),
                             "SELECT id,incident,event,stream,type,url,body,attempts FROM outbox "
                             "WHERE state='pending' AND next_ms<=? ORDER BY id LIMIT 32");
    if (!st) return;
    sqlite3_bind_int64(st->get(), 1, clock_());
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      sqlite3_stmt* s = st->get();
      due.push_back(Row{sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                        store::column_text(s, 2), store::column_text(s, 3),
                        store::column_text(s, 4), store::column_text(s, 5),
                        store::column_text(s, 6), sqlite3_column_int(s, 7)});
    }
  }
  for (const Row& r : due) {
    auto res = post_json(r.url, r.body, 5000);
    bool ok = res && *res >= 200 && *res < 300;
    std::string why = ok ? "" : res ? "HTTP " + std::to_string(*res) : res.error().message;
    int attempts = r.attempts + 1;
    int64_t now = clock_();
    std::string state = ok ? "sent" : attempts >= o_.max_attempts ? "failed" : "pending";
    int64_t backoff = std::min<int64_t>(300'000, o_.retry_base_ms << std::min(attempts - 1, 20));
    std::lock_guard lock(mu_);
    auto st = store::prepare(
        db_.get(), "UPDATE outbox SET state=?,attempts=?,next_ms=?,last_error=? WHERE id=?");
    if (st) {
      store::bind_text(st->get(), 1, state);
      sqlite3_bind_int(st->get(), 2, attempts);
      sqlite3_bind_int64(st->get(), 3, now + backoff);
      store::bind_text(st->get(), 4, why);
      sqlite3_bind_int64(st->get(), 5, r.id);
      sqlite3_step(st->get());
    }
    std::string text =
        r.stream + " " + r.type + " " + r.event + " -> " + r.url + ": " +
        (ok ? "delivered"
         : state == "failed"
             ? "gave up after " + std::to_string(attempts) + " attempts (" + why + ")"
             : "failed (" + why + "), retry " + std::to_string(attempts));
    book_.record(r.incident, "notify", text, now);
    if (Incident* inc = book_.find_mut(r.incident)) persist_locked(*inc);
  }
}

std::string Manager::list_json() {
  std::lock_guard lock(mu_);
  std::string out = "{\"incidents\":[";
  bool first = true;
  for (auto it = book_.all().rbegin(); it != book_.all().rend(); ++it) {
    if (!first) out += ',';
    first = false;
    incident_json(out, it->second, false);
  }
  return out + "]}";
}

Result<std::string> Manager::get_json(int64_t id) {
  std::lock_guard lock(mu_);
  const Incident* inc = book_.find(id);
  if (!inc) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  std::string out;
  incident_json(out, *inc, true);
  auto im = impact(*inc);
  if (im) {
    out.pop_back();
    out += ",\"impact\":{\"from_ms\":" + std::to_string(im->from_ms) +
           ",\"to_ms\":" + std::to_string(im->to_ms) +
           ",\"requests\":" + std::to_string(im->requests) +
           ",\"failed\":" + std::to_string(im->failed) +
           ",\"cost_micros\":" + std::to_string(im->cost_micros) + "}}";
  }
  return out;
}

Result<int64_t> Manager::declare(std::string title, int severity, std::string who) {
  int64_t now = clock_();
  std::lock_guard lock(mu_);
  auto id = book_.declare(std::move(title), severity, std::move(who), now);
  after_change_locked(now);
  return id;
}

Result<bool> Manager::set_status(int64_t id, std::string_view status, std::string who,
                                 std::string why) {
  Status s;
  if (!parse_status(status, &s)) {
    return make_error(ErrorCode::kBadRequest,
                      "status must be active, mitigated, resolved, declined or merged");
  }
  int64_t now = clock_();
  std::lock_guard lock(mu_);
  auto r = book_.set_status(id, s, std::move(who), now, std::move(why));
  after_change_locked(now);
  return r;
}

Result<bool> Manager::note(int64_t id, std::string text, std::string who) {
  int64_t now = clock_();
  std::lock_guard lock(mu_);
  auto r = book_.note(id, std::move(text), std::move(who), now);
  after_change_locked(now);
  return r;
}

Result<bool> Manager::set_role(int64_t id, std::string_view role, std::string person,
                               std::string who) {
  int64_t now = clock_();
  std::lock_guard lock(mu_);
  auto r = book_.set_role(id, role, std::move(person), std::move(who), now);
  after_change_locked(now);
  return r;
}

Result<Impact> Manager::impact(const Incident& inc) {
  Impact im;
  im.from_ms = std::max<int64_t>(0, inc.detected_ms - o_.impact_lead_ms);
  im.to_ms = inc.resolved_ms ? inc.resolved_ms : clock_();
  return query_impact(logs_db_, im.from_ms, im.to_ms);
}

Result<std::string> Manager::postmortem(int64_t id, bool public_version) {
  std::lock_guard lock(mu_);
  const Incident* inc = book_.find(id);
  if (!inc) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  auto im = impact(*inc);
  if (!im) return im.error();
  return render_postmortem(*inc, *im, public_version, clock_());
}

}  // namespace parapet::incident
