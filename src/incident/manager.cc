#include "incident/manager.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "observe/record.h"

namespace parapet::incident {

namespace {
int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
const char* kAuto = "parapet";
}  // namespace

Manager::Manager(Options o, std::unique_ptr<Store> store, std::string logs_db, Clock clock,
                 Poster poster)
    : o_(std::move(o)),
      store_(std::move(store)),
      logs_db_(std::move(logs_db)),
      clock_(clock ? std::move(clock) : Clock(system_now_us)),
      poster_(poster
                  ? std::move(poster)
                  : Poster([](const std::string& url, const std::string& body, int64_t timeout_us) {
                      return http_post_json(url, body, timeout_us, "");
                    })),
      enabled_(o_.enabled),
      detectors_(make_detectors(o_)) {}

Manager::~Manager() { stop(); }

void Manager::start() {
  if (notifier_.joinable()) return;
  notifier_ = std::thread([this] { notifier_loop(); });
}

void Manager::stop() {
  {
    std::lock_guard l(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (notifier_.joinable()) notifier_.join();
}

void Manager::consume(std::span<const observe::RequestRecord> batch) {
  if (has_pending_.load(std::memory_order_acquire)) apply_pending();
  if (!enabled_.load(std::memory_order_relaxed)) return;
  for (const auto& r : batch) {
    for (auto& d : detectors_) d->observe(r);
  }
  flush();
}

void Manager::flush() {
  if (has_pending_.load(std::memory_order_acquire)) apply_pending();
  if (!enabled_.load(std::memory_order_relaxed)) return;
  int64_t now = clock_();
  signals_.clear();
  for (auto& d : detectors_) d->evaluate(now, signals_);
  for (const auto& s : signals_) handle(s);
  tick(now);
}

Options Manager::options() const {
  std::lock_guard l(opt_mu_);
  return o_;
}

void Manager::reconfigure(Options next) {
  {
    std::lock_guard l(opt_mu_);
    o_ = next;
    pending_ = std::move(next);
  }
  has_pending_.store(true, std::memory_order_release);
}

// A detector that restarts its history no longer knows its subjects fire, so it would never send
// their clear. Their incidents stop counting as firing (no automatic declaration or mitigation on
// old evidence); the fresh detector fires again, and then clears, if the condition still holds.
void Manager::forget_firing(std::string_view detector) {
  std::lock_guard l(mu_);
  int64_t now = clock_();
  std::string prefix = std::string(detector) + ":";
  for (auto& inc : store_->list(true)) {
    if (!inc.firing || inc.subject.compare(0, prefix.size(), prefix) != 0) continue;
    inc.firing = false;
    inc.updated_us = now;
    (void)store_->update(inc);
    (void)store_->add_timeline(inc.id, now, "signal", std::string(detector),
                               "the detector restarted its history after a reload; it signals "
                               "again if the condition still holds");
  }
}

void Manager::apply_pending() {
  Options n;
  {
    std::lock_guard l(opt_mu_);
    if (!pending_) return;
    n = std::move(*pending_);
    pending_.reset();
    has_pending_.store(false, std::memory_order_relaxed);
  }
  bool was_enabled = enabled_.exchange(n.enabled, std::memory_order_relaxed);
  auto fresh = make_detectors(n);
  std::string applied, restarted;
  auto add = [](std::string& list, std::string_view name) {
    if (!list.empty()) list += ", ";
    list += name;
  };
  for (size_t i = 0; i < detectors_.size() && i < fresh.size(); ++i) {
    switch (detectors_[i]->retune(n)) {
      case Detector::Retune::kUnchanged:
        break;
      case Detector::Retune::kApplied:
        add(applied, detectors_[i]->name());
        break;
      case Detector::Retune::kRestart:
        detectors_[i] = std::move(fresh[i]);
        add(restarted, detectors_[i]->name());
        forget_firing(detectors_[i]->name());
        break;
    }
  }
  if (applied.empty() && restarted.empty() && n.enabled == was_enabled) return;
  std::string what = "detector settings reloaded";
  if (n.enabled != was_enabled) what += n.enabled ? "; detectors on" : "; detectors off";
  if (!applied.empty()) what += "; new thresholds, history kept: " + applied;
  if (!restarted.empty()) what += "; a window changed, history restarts: " + restarted;
  std::fprintf(stderr, "parapet: %s\n", what.c_str());
  change_applied("config", what);
}

void Manager::notify(const Incident& inc, const Message& m) {
  std::vector<Destination> dests;
  {
    std::lock_guard l(opt_mu_);
    dests = o_.destinations;
  }
  bool queued = false;
  for (const auto& d : dests) {
    if (d.stream != m.stream) continue;
    OutboxItem item;
    item.incident_id = inc.id;
    item.stream = stream_name(m.stream);
    item.kind = dest_kind_name(d.kind);
    item.url = d.url;
    item.created_us = item.next_at_us = clock_();
    switch (d.kind) {
      case DestKind::kSlack:
        item.body = slack_body(inc, m);
        break;
      case DestKind::kWebhook:
        item.body = webhook_body(inc, m);
        break;
      case DestKind::kPagerDuty: {
        if (m.pd_action.empty()) continue;
        const char* key =
            d.routing_key_env.empty() ? nullptr : std::getenv(d.routing_key_env.c_str());
        item.body = pagerduty_body(inc, m, key ? key : "");
        break;
      }
    }
    if (store_->enqueue(item)) queued = true;
  }
  if (queued) {
    {
      std::lock_guard l(wake_mu_);
      kicked_ = true;
    }
    wake_.notify_all();
  }
}

std::vector<std::pair<std::string, std::string>> Manager::impact_fields(const Incident& inc) {
  std::vector<std::pair<std::string, std::string>> f;
  auto im = impact(inc);
  if (!im) {
    f.emplace_back("impact", "not computed: " + im.error().message);
    return f;
  }
  f.emplace_back("requests in window", std::to_string(im->requests));
  f.emplace_back("failed", std::to_string(im->failed));
  f.emplace_back("slowed", std::to_string(im->slowed));
  f.emplace_back("affected keys", std::to_string(im->keys.size()));
  f.emplace_back("affected clients", std::to_string(im->clients.size()));
  char buf[64];
  std::snprintf(buf, sizeof buf, "$%.4f (failed: $%.4f)", im->cost_micros / 1e6,
                im->failed_cost_micros / 1e6);
  f.emplace_back("cost", buf);
  std::string prov;
  for (size_t i = 0; i < im->providers.size() && i < 5; ++i) {
    if (i) prov += ", ";
    prov += im->providers[i].first + " (" + std::to_string(im->providers[i].second) + ")";
  }
  if (!prov.empty()) f.emplace_back("providers/models", prov);
  return f;
}

Result<Impact> Manager::impact(const Incident& inc) {
  int64_t to = inc.mitigated_us ? inc.mitigated_us : inc.resolved_us ? inc.resolved_us : clock_();
  int64_t from = inc.window_from_us ? inc.window_from_us : inc.detected_us;
  int64_t slow_us;
  {
    std::lock_guard l(opt_mu_);
    slow_us = o_.slow_request_us;
  }
  return compute_impact(logs_db_, from, to, slow_us);
}

void Manager::set_status_locked(Incident& inc, Status to, const std::string& author,
                                const std::string& why) {
  Status from = inc.status;
  int64_t now = clock_();
  if (!apply_status(inc, to, now)) return;
  (void)store_->update(inc);
  std::string text = std::string(status_name(from)) + " → " + std::string(status_name(to));
  if (!why.empty()) text += ": " + why;
  (void)store_->add_timeline(inc.id, now, "status", author, text);

  if (to == Status::kActive && inc.declared_us == now) {
    std::string link;
    {
      std::lock_guard l(opt_mu_);
      link = call_link(o_.call_link, inc.id);
    }
    Message d{Stream::kDebug, "declared", "declared: " + inc.title, {}, ""};
    d.fields.emplace_back("subject", inc.subject.empty() ? "declared by hand" : inc.subject);
    d.fields.emplace_back("detected", time_text(inc.detected_us));
    d.fields.emplace_back("declared", time_text(inc.declared_us));
    if (!link.empty()) d.fields.emplace_back("call", link);
    notify(inc, d);
    Message i{Stream::kImpact, "declared", "impact so far: " + inc.title, impact_fields(inc),
              "trigger"};
    notify(inc, i);
    Message c{Stream::kComms,
              "declared",
              "We are investigating: " + inc.title + (link.empty() ? "" : " — call: " + link),
              {},
              ""};
    notify(inc, c);
    return;
  }
  std::string pd;
  if (to == Status::kMitigated) pd = "acknowledge";
  if (to == Status::kResolved || to == Status::kDeclined || to == Status::kMerged) pd = "resolve";
  if (to == Status::kActive) pd = "trigger";
  Message c{Stream::kComms, "status", text, {}, ""};
  notify(inc, c);
  if (to != Status::kDeclined) {
    Message i{Stream::kImpact, "status", std::string(status_name(to)) + ": " + inc.title,
              impact_fields(inc), pd};
    notify(inc, i);
  } else {
    Message i{Stream::kImpact, "status", "declined (false alarm): " + inc.title, {}, pd};
    notify(inc, i);
  }
}

void Manager::handle(const Signal& s) {
  std::lock_guard l(mu_);
  std::string subject = s.key();
  if (s.timeline_only) {
    for (const auto& inc : store_->list(true)) {
      (void)store_->add_timeline(inc.id, s.at_us, s.detector, kAuto, s.title + " — " + s.evidence);
    }
    return;
  }
  if (s.detector == "circuit_open") {
    // A breaker change is part of the story of every open incident about that provider.
    for (const auto& other : store_->list(true)) {
      std::string_view subj = other.subject;
      size_t colon = subj.find(':');
      std::string_view rest = colon == std::string_view::npos ? subj : subj.substr(colon + 1);
      if (other.subject != subject && (rest == s.subject || rest.starts_with(s.subject + "/"))) {
        (void)store_->add_timeline(other.id, s.at_us, "circuit", kAuto,
                                   s.firing ? "circuit breaker opened for " + s.subject
                                            : "circuit breaker closed again for " + s.subject);
      }
    }
  }
  auto open = store_->open_for_subject(subject);
  std::string text = std::string(s.firing ? "fired: " : "cleared: ") + s.title + " — " + s.evidence;
  if (!open) {
    if (!s.firing) return;
    Incident inc;
    inc.title = s.title;
    inc.severity = s.severity;
    inc.subject = subject;
    inc.firing = true;
    inc.detected_us = s.at_us;
    inc.window_from_us = s.at_us - s.window_us;
    inc.updated_us = s.at_us;
    auto id = store_->insert(inc);
    if (!id) return;
    inc.id = *id;
    (void)store_->add_timeline(inc.id, s.at_us, "signal", s.detector, text);
    Message m{Stream::kDebug, "opened", "opened in triage: " + s.title, {}, ""};
    m.fields.emplace_back("detector", s.detector);
    m.fields.emplace_back("subject", s.subject);
    m.fields.emplace_back("evidence", s.evidence);
    notify(inc, m);
    if (options().declare_after_us <= 0 || s.declare_now) {
      set_status_locked(inc, Status::kActive, kAuto,
                        s.declare_now ? "declared by " + s.detector : "auto-declared");
    }
    return;
  }
  Incident inc = std::move(*open);
  inc.firing = s.firing;
  inc.updated_us = s.at_us;
  (void)store_->update(inc);
  (void)store_->add_timeline(inc.id, s.at_us, "signal", s.detector, text);
  Message m{Stream::kDebug, "signal", text, {}, ""};
  m.fields.emplace_back("evidence", s.evidence);
  notify(inc, m);
  auto next = s.firing ? on_condition_fired(inc) : on_condition_cleared(inc);
  if (next) {
    set_status_locked(inc, *next, kAuto,
                      s.firing ? "the condition is back"
                               : (inc.status == Status::kTriage
                                      ? "the condition cleared before declaration (false alarm)"
                                      : "the condition cleared"));
  }
}

void Manager::tick(int64_t now_us) {
  std::lock_guard l(mu_);
  Policy p;
  {
    std::lock_guard l(opt_mu_);
    p = Policy{o_.declare_after_us, o_.auto_resolve_after_us};
  }
  for (auto& inc : store_->list(true)) {
    auto next = on_tick(inc, p, now_us);
    if (!next) continue;
    set_status_locked(inc, *next, kAuto,
                      *next == Status::kActive ? "still firing after the triage period"
                                               : "mitigated long enough");
  }
}

Result<Incident> Manager::declare(std::string title, int severity, std::string author,
                                  std::string summary, std::string commander) {
  if (title.empty()) return make_error(ErrorCode::kBadRequest, "an incident needs a title");
  if (severity < 1 || severity > 5) {
    return make_error(ErrorCode::kBadRequest, "severity must be 1..5");
  }
  std::lock_guard l(mu_);
  int64_t now = clock_();
  Incident inc;
  inc.title = std::move(title);
  inc.severity = severity;
  inc.summary = std::move(summary);
  inc.commander = std::move(commander);
  inc.detected_us = now;
  inc.window_from_us = now;
  inc.updated_us = now;
  auto id = store_->insert(inc);
  if (!id) return id.error();
  inc.id = *id;
  (void)store_->add_timeline(inc.id, now, "declared", author, "declared by " + author);
  if (!inc.commander.empty()) {
    (void)store_->add_timeline(inc.id, now, "role", author, "commander: " + inc.commander);
  }
  set_status_locked(inc, Status::kActive, author, "declared by hand");
  return inc;
}

Result<Incident> Manager::update(int64_t id, Change c, const std::string& author) {
  std::lock_guard l(mu_);
  auto got = store_->get(id);
  if (!got) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  Incident inc = std::move(*got);
  int64_t now = clock_();
  if (c.severity && (*c.severity < 1 || *c.severity > 5)) {
    return make_error(ErrorCode::kBadRequest, "severity must be 1..5");
  }
  if (c.status && !transition_allowed(inc.status, *c.status)) {
    return make_error(ErrorCode::kBadRequest, "cannot go from " +
                                                  std::string(status_name(inc.status)) + " to " +
                                                  std::string(status_name(*c.status)));
  }
  bool changed = false;
  auto role = [&](const std::optional<std::string>& v, std::string& field, const char* name) {
    if (!v || *v == field) return;
    field = *v;
    changed = true;
    (void)store_->add_timeline(inc.id, now, "role", author, std::string(name) + ": " + *v);
    Message m{Stream::kComms, "role", std::string(name) + " is now " + *v, {}, ""};
    if (std::string_view(name) == "commander") m.pd_action = "acknowledge";
    notify(inc, m);
  };
  role(c.commander, inc.commander, "commander");
  role(c.comms, inc.comms, "comms");
  role(c.scribe, inc.scribe, "scribe");
  if (c.title && *c.title != inc.title) {
    (void)store_->add_timeline(inc.id, now, "title", author, "title: " + *c.title);
    inc.title = *c.title;
    changed = true;
  }
  if (c.summary) {
    inc.summary = *c.summary;
    changed = true;
  }
  if (c.severity && *c.severity != inc.severity) {
    (void)store_->add_timeline(
        inc.id, now, "severity", author,
        "SEV" + std::to_string(inc.severity) + " → SEV" + std::to_string(*c.severity));
    inc.severity = *c.severity;
    changed = true;
  }
  if (c.merged_into) {
    // Merging: this incident's story continues in the target, which gets a pointer back.
    if (c.merged_into == inc.id) {
      return make_error(ErrorCode::kBadRequest, "cannot merge an incident into itself");
    }
    auto target = store_->get(c.merged_into);
    if (!target || !is_open(target->status)) {
      return make_error(ErrorCode::kBadRequest,
                        "merge target " + std::to_string(c.merged_into) + " is not open");
    }
    if (!transition_allowed(inc.status, Status::kMerged)) {
      return make_error(ErrorCode::kBadRequest,
                        "cannot merge a " + std::string(status_name(inc.status)) + " incident");
    }
    inc.merged_into = c.merged_into;
    changed = true;
    (void)store_->add_timeline(
        target->id, now, "merged", author,
        "incident #" + std::to_string(inc.id) + " (" + inc.title + ") merged into this one");
    c.status = Status::kMerged;
  }
  if (changed) {
    inc.updated_us = now;
    (void)store_->update(inc);
  }
  if (c.status) set_status_locked(inc, *c.status, author, "by " + author);
  return inc;
}

Result<bool> Manager::note(int64_t id, const std::string& author, const std::string& text) {
  if (text.empty()) return make_error(ErrorCode::kBadRequest, "empty note");
  auto inc = store_->get(id);
  if (!inc) return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(id));
  PARAPET_TRY(store_->add_timeline(id, clock_(), "note", author, text));
  notify(*inc, Message{Stream::kDebug, "note", author + ": " + text, {}, ""});
  return true;
}

Result<FollowUp> Manager::add_followup(FollowUp f, const std::string& author) {
  if (f.title.empty()) return make_error(ErrorCode::kBadRequest, "a follow-up needs a title");
  for (int v : {f.threat, f.vulnerability, f.likelihood}) {
    if (v < 1 || v > 5) {
      return make_error(ErrorCode::kBadRequest,
                        "threat, vulnerability and likelihood must be 1..5");
    }
  }
  if (!store_->get(f.incident_id)) {
    return make_error(ErrorCode::kNotFound, "no incident " + std::to_string(f.incident_id));
  }
  f.created_us = clock_();
  auto id = store_->add_followup(f);
  if (!id) return id.error();
  f.id = *id;
  (void)store_->add_timeline(f.incident_id, f.created_us, "followup", author,
                             "follow-up #" + std::to_string(f.id) + " (P" +
                                 std::to_string(f.priority()) + "): " + f.title +
                                 (f.owner.empty() ? "" : " — owner " + f.owner));
  return f;
}

Result<FollowUp> Manager::complete_followup(int64_t followup_id, const std::string& author) {
  auto f = store_->followup(followup_id);
  if (!f) return make_error(ErrorCode::kNotFound, "no follow-up " + std::to_string(followup_id));
  int64_t now = clock_();
  PARAPET_TRY(store_->set_followup_status(followup_id, "done", now));
  (void)store_->add_timeline(f->incident_id, now, "followup", author,
                             "follow-up #" + std::to_string(followup_id) + " done: " + f->title);
  f->status = "done";
  f->done_us = now;
  return *f;
}

void Manager::config_reloaded(uint64_t generation) {
  change_applied("config",
                 "configuration reloaded (generation " + std::to_string(generation) + ")");
}

void Manager::change_applied(const std::string& kind, const std::string& what) {
  int64_t now = clock_();
  for (const auto& inc : store_->list(true))
    (void)store_->add_timeline(inc.id, now, kind, kAuto, what);
}

}  // namespace parapet::incident
