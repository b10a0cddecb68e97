// The engine end to end in memory: records -> detectors -> incidents -> outbox -> (fake) webhook,
// with a fake clock, plus impact and post-mortem against a real logs.db.
#include "incident/manager.h"

#include <gtest/gtest.h>

#include "incident/postmortem.h"
#include "observe/record.h"
#include "unit/store/store_fixture.h"

namespace parapet::incident {
namespace {

constexpr int64_t kS = kSecond;

class IncidentManagerTest : public store::testing::StoreTest {
 protected:
  Options opts() {
    Options o;
    o.burn_rate.bucket_us = kS;
    o.burn_rate.fast_long_us = 30 * kS;
    o.burn_rate.fast_short_us = 3 * kS;
    o.burn_rate.slow_long_us = 60 * kS;
    o.burn_rate.slow_short_us = 10 * kS;
    o.burn_rate.min_requests = 5;
    o.declare_after_us = 5 * kS;
    o.destinations = {{Stream::kDebug, DestKind::kSlack, "http://hooks/debug", ""},
                      {Stream::kImpact, DestKind::kSlack, "http://hooks/impact", ""},
                      {Stream::kComms, DestKind::kWebhook, "http://hooks/comms", ""},
                      {Stream::kImpact, DestKind::kPagerDuty, "http://pd/enqueue", ""}};
    o.call_link = "https://meet.example/inc-{id}";
    return o;
  }
  std::unique_ptr<Manager> manager(Options o, std::string logs = "") {
    auto st = Store::open((dir_ / "incidents.db").string());
    EXPECT_TRUE(st.ok());
    return std::make_unique<Manager>(
        std::move(o), std::move(*st), logs.empty() ? (dir_ / "none.db").string() : logs,
        [this] { return now_; },
        [this](const std::string& url, const std::string& body, int64_t) -> Result<int> {
          posts_.emplace_back(url, body);
          if (fail_) return make_error(ErrorCode::kUpstreamUnreachable, "refused");
          return 200;
        });
  }
  observe::RequestRecord rec(int status) {
    observe::RequestRecord r;
    r.start_us = now_ - 1000;
    r.total_us = 500;
    r.gateway = "default";
    r.provider = "openai";
    r.model_requested = "gpt-4o";
    r.status = status;
    return r;
  }
  // One second of traffic: 10 requests with `status`, then the clock moves on.
  void second(Manager& m, int status) {
    std::vector<observe::RequestRecord> batch;
    for (int i = 0; i < 10; ++i) batch.push_back(rec(status));
    m.consume(batch);
    now_ += kS;
  }
  int posts_to(const std::string& url) {
    int n = 0;
    for (auto& [u, b] : posts_) n += u == url;
    return n;
  }
  int64_t now_ = 1'790'000'000 * kS;
  bool fail_ = false;
  std::vector<std::pair<std::string, std::string>> posts_;
};

TEST_F(IncidentManagerTest, OutageIsDetectedDeclaredNotifiedAndMitigated) {
  auto m = manager(opts());
  for (int i = 0; i < 20; ++i) second(*m, 200);
  EXPECT_TRUE(m->store().list(true).empty());
  second(*m, 500);
  auto open = m->store().list(true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].status, Status::kTriage);
  EXPECT_EQ(open[0].subject, "burn_rate:openai/gpt-4o");
  int64_t id = open[0].id;
  // Still failing: one incident, declared after declare_after.
  for (int i = 0; i < 6; ++i) second(*m, 500);
  auto inc = m->store().get(id);
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->status, Status::kActive);
  EXPECT_GE(inc->declared_us - inc->detected_us, 5 * kS);
  EXPECT_EQ(m->store().list(false).size(), 1u);  // deduplicated
  m->deliver_due(now_);
  EXPECT_GE(posts_to("http://hooks/debug"), 2);  // opened + declared
  EXPECT_GE(posts_to("http://hooks/impact"), 1);
  EXPECT_GE(posts_to("http://hooks/comms"), 1);
  EXPECT_EQ(posts_to("http://pd/enqueue"), 1);
  bool slack_ok = false, pd_ok = false;
  for (auto& [u, b] : posts_) {
    if (u == "http://hooks/impact" && b.find("\"attachments\":[") != std::string::npos &&
        b.find("\"text\":\"[impact] Incident #") != std::string::npos) {
      slack_ok = true;
    }
    if (u == "http://pd/enqueue" && b.find("\"event_action\":\"trigger\"") != std::string::npos &&
        b.find("\"dedup_key\":\"parapet-incident-" + std::to_string(id) + "\"") !=
            std::string::npos) {
      pd_ok = true;
    }
  }
  EXPECT_TRUE(slack_ok);
  EXPECT_TRUE(pd_ok);
  bool call = false;
  for (auto& [u, b] : posts_)
    call = call || b.find("https://meet.example/inc-" + std::to_string(id)) != std::string::npos;
  EXPECT_TRUE(call);
  // Recovery: mitigated once the short windows hold no failures.
  for (int i = 0; i < 12; ++i) second(*m, 200);
  inc = m->store().get(id);
  EXPECT_EQ(inc->status, Status::kMitigated);
  auto tl = m->store().timeline(id);
  int statuses = 0;
  for (auto& e : tl) statuses += e.kind == "status";
  EXPECT_EQ(statuses, 2);  // triage -> active -> mitigated
}

TEST_F(IncidentManagerTest, QuickClearIsDeclinedAsFalseAlarm) {
  auto o = opts();
  o.declare_after_us = 60 * kS;
  auto m = manager(o);
  for (int i = 0; i < 20; ++i) second(*m, 200);
  second(*m, 500);
  ASSERT_EQ(m->store().list(true).size(), 1u);
  int64_t id = m->store().list(true)[0].id;
  for (int i = 0; i < 12; ++i) second(*m, 200);
  EXPECT_TRUE(m->store().list(true).empty());
  EXPECT_EQ(m->store().get(id)->status, Status::kDeclined);
}

// SIGHUP: thresholds apply on the recorder thread's next batch and judge the history already
// seen; the triage delay applies at once.
TEST_F(IncidentManagerTest, ReloadedThresholdsJudgeTheHistoryAlreadySeen) {
  auto o = opts();
  o.burn_rate.min_requests = 1000;
  auto m = manager(o);
  for (int i = 0; i < 20; ++i) second(*m, 200);
  second(*m, 500);
  EXPECT_TRUE(m->store().list(true).empty());
  o.burn_rate.min_requests = 5;
  o.declare_after_us = 0;
  m->reconfigure(o);
  EXPECT_EQ(m->options().declare_after_us, 0);
  m->flush();  // no new record
  auto open = m->store().list(true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].subject, "burn_rate:openai/gpt-4o");
  EXPECT_EQ(open[0].status, Status::kActive);  // declared at once: declare_after is 0 now
}

// A changed window restarts the detector's history: its open incident stops counting as firing
// (not auto-declared on old evidence, not declined either) until the fresh detector fires again.
TEST_F(IncidentManagerTest, ReloadedWindowRestartsTheDetectorAndForgetsFiring) {
  auto o = opts();
  o.declare_after_us = 3 * kS;
  auto m = manager(o);
  for (int i = 0; i < 20; ++i) second(*m, 200);
  second(*m, 500);
  auto open = m->store().list(true);
  ASSERT_EQ(open.size(), 1u);
  int64_t id = open[0].id;
  EXPECT_TRUE(open[0].firing);
  o.burn_rate.slow_long_us = 120 * kS;  // a longer ring
  m->reconfigure(o);
  m->flush();
  auto inc = m->store().get(id);
  EXPECT_FALSE(inc->firing);
  bool noted = false, restarted = false;
  for (auto& e : m->store().timeline(id)) {
    noted = noted ||
            (e.kind == "config" && e.text.find("history restarts: burn_rate") != std::string::npos);
    restarted = restarted || e.text.find("restarted its history") != std::string::npos;
  }
  EXPECT_TRUE(noted);
  EXPECT_TRUE(restarted);
  for (int i = 0; i < 5; ++i) second(*m, 200);
  EXPECT_EQ(m->store().get(id)->status, Status::kTriage);  // neither declared nor declined
  for (int i = 0; i < 5; ++i) second(*m, 500);             // still failing: the fresh one fires
  inc = m->store().get(id);
  EXPECT_TRUE(inc->firing);
  EXPECT_EQ(inc->status, Status::kActive);
}

TEST_F(IncidentManagerTest, FailedDeliveriesRetryAreRecordedAndSurviveRestart) {
  fail_ = true;
  int64_t id = 0;
  {
    auto m = manager(opts());
    auto inc = m->declare("Manual outage", 2, "alice", "", "alice");
    ASSERT_TRUE(inc.ok());
    id = inc->id;
    EXPECT_EQ(inc->status, Status::kActive);
    EXPECT_GT(m->deliver_due(now_), 0);
    EXPECT_EQ(m->deliver_due(now_), 0);  // backing off
    bool recorded = false;
    for (auto& e : m->store().timeline(id)) recorded = recorded || e.kind == "notify_failed";
    EXPECT_TRUE(recorded);
  }
  // After a "restart" the outbox is still there and goes out once the endpoint is back.
  fail_ = false;
  posts_.clear();
  now_ += 10 * kS;
  auto m = manager(opts());
  EXPECT_GT(m->deliver_due(now_), 0);
  EXPECT_GE(posts_to("http://hooks/debug"), 1);
  for (auto& n : m->store().outbox(id)) {
    EXPECT_EQ(n.state, "sent");
    EXPECT_EQ(n.attempts, 2);
  }
}

TEST_F(IncidentManagerTest, ManualUpdatesRolesNotesAndStatus) {
  auto m = manager(opts());
  auto inc = m->declare("Checkout slow", 3, "bob", "", "");
  ASSERT_TRUE(inc.ok());
  Change c;
  c.commander = "carol";
  c.severity = 2;
  auto up = m->update(inc->id, c, "bob");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->commander, "carol");
  EXPECT_EQ(up->severity, 2);
  ASSERT_TRUE(m->note(inc->id, "carol", "rolled back the price file").ok());
  Change bad;
  bad.status = Status::kTriage;
  EXPECT_FALSE(m->update(inc->id, bad, "bob").ok());
  Change res;
  res.status = Status::kResolved;
  auto done = m->update(inc->id, res, "carol");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, Status::kResolved);
  EXPECT_GT(done->resolved_us, 0);
  std::vector<std::string> kinds;
  for (auto& e : m->store().timeline(inc->id)) kinds.push_back(e.kind);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"declared", "status", "role", "severity", "note", "status"}));
}

TEST_F(IncidentManagerTest, AlertmanagerGroupIsDeclaredAndMitigatedWhenResolved) {
  auto m = manager(opts());
  Signal s;
  s.detector = "alertmanager";
  s.subject = "{}:{alertname=\"X\"}";
  s.firing = true;
  s.declare_now = true;
  s.title = "X";
  s.at_us = now_;
  m->handle(s);
  auto open = m->store().list(true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].status, Status::kActive);
  m->handle(s);  // the same group again: deduplicated
  EXPECT_EQ(m->store().list(false).size(), 1u);
  s.firing = false;
  m->handle(s);
  EXPECT_EQ(m->store().get(open[0].id)->status, Status::kMitigated);
}

TEST_F(IncidentManagerTest, CircuitChangesJoinOpenIncidentsOfThatProvider) {
  auto m = manager(opts());
  for (int i = 0; i < 20; ++i) second(*m, 200);
  second(*m, 500);
  auto open = m->store().list(true);
  ASSERT_EQ(open.size(), 1u);
  Signal c;
  c.detector = "circuit_open";
  c.subject = "openai";
  c.firing = true;
  c.title = "Circuit breaker open for openai";
  c.at_us = now_;
  m->handle(c);
  bool found = false;
  for (auto& e : m->store().timeline(open[0].id)) {
    found = found || (e.kind == "circuit" && e.text == "circuit breaker opened for openai");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(m->store().list(true).size(), 2u);  // the breaker has its own incident too
}

// Fallback answers (record.step > 0) go into the open incident's timeline, once when they start
// and once when they stop, and open no incident of their own.
TEST_F(IncidentManagerTest, FallbackUseJoinsOpenIncidentsAndOpensNone) {
  auto m = manager(opts());
  ASSERT_TRUE(m->declare("Answers from openai look wrong", 3, "alice", "", "").ok());
  auto open = m->store().list(true);
  ASSERT_EQ(open.size(), 1u);
  auto fb = rec(200);
  fb.provider = "anthropic";
  fb.step = 1;
  m->consume(std::vector<observe::RequestRecord>{fb});
  now_ += 120 * kS;  // a whole window without fallback answers
  m->consume(std::vector<observe::RequestRecord>{rec(200)});
  std::vector<std::string> texts;
  for (auto& e : m->store().timeline(open[0].id)) {
    if (e.kind == "fallback") texts.push_back(e.text);
  }
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_NE(texts[0].find("answering from a fallback, latest anthropic (step 1)"),
            std::string::npos);
  EXPECT_NE(texts[1].find("has not needed a fallback"), std::string::npos);
  EXPECT_EQ(m->store().list(true).size(), 1u);
}

TEST_F(IncidentManagerTest, MergeMovesTheStoryIntoAnOpenIncident) {
  auto m = manager(opts());
  auto a = m->declare("Checkout errors", 2, "x", "", "");
  auto b = m->declare("Payments errors", 3, "y", "", "");
  ASSERT_TRUE(a.ok() && b.ok());
  Change self;
  self.merged_into = b->id;
  EXPECT_FALSE(m->update(b->id, self, "y").ok());
  Change c;
  c.merged_into = a->id;
  auto merged = m->update(b->id, c, "y");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->status, Status::kMerged);
  EXPECT_EQ(merged->merged_into, a->id);
  bool pointer = false;
  for (auto& e : m->store().timeline(a->id)) pointer = pointer || e.kind == "merged";
  EXPECT_TRUE(pointer);
  Change again;
  again.merged_into = b->id;  // into a merged (closed) one: refused
  EXPECT_FALSE(m->update(a->id, again, "x").ok());
}

TEST_F(IncidentManagerTest, FollowUpsByPriorityWithOverdue) {
  auto m = manager(opts());
  auto inc = m->declare("Key leak", 1, "sec", "", "");
  ASSERT_TRUE(inc.ok());
  FollowUp a;
  a.incident_id = inc->id;
  a.title = "rotate keys";
  a.threat = 5;
  a.vulnerability = 4;
  a.likelihood = 3;
  a.due_us = now_ - kS;  // overdue
  FollowUp b = a;
  b.title = "write runbook";
  b.threat = 2;
  b.due_us = 0;
  ASSERT_TRUE(m->add_followup(b, "sec").ok());
  auto added = m->add_followup(a, "sec");
  ASSERT_TRUE(added.ok());
  FollowUp bad = a;
  bad.likelihood = 6;
  EXPECT_FALSE(m->add_followup(bad, "sec").ok());
  auto list = m->store().followups(0, true);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].title, "rotate keys");
  EXPECT_EQ(list[0].priority(), 60);
  EXPECT_TRUE(list[0].overdue(now_));
  EXPECT_FALSE(list[1].overdue(now_));
  ASSERT_TRUE(m->complete_followup(added->id, "sec").ok());
  EXPECT_EQ(m->store().followups(0, true).size(), 1u);
  EXPECT_EQ(m->store().followups(inc->id, false).size(), 2u);
  std::string md = postmortem_markdown(*inc, m->store().timeline(inc->id), Impact{}, false,
                                       m->store().followups(inc->id, false), now_);
  EXPECT_NE(md.find("rotate keys"), std::string::npos);
  EXPECT_NE(md.find("60 (5×4×3)"), std::string::npos);
}

TEST_F(IncidentManagerTest, ImpactAndPostmortemFromTheLogStore) {
  auto logs = open();
  ASSERT_TRUE(logs);
  int64_t t0 = store::testing::kT0Ms * 1000;
  now_ = t0;
  std::vector<observe::RequestRecord> batch;
  for (int i = 0; i < 10; ++i) {
    auto r = make(store::testing::kT0Ms + i * 100);
    if (i < 4) {
      r.status = 502;
      r.error_type = "upstream_unreachable";
      r.key_id = i % 2 ? "key_a" : "key_b";
      r.client_ip = "10.0.0." + std::to_string(i);
    }
    batch.push_back(r);
  }
  logs->consume(batch);
  logs->flush();
  auto m = manager(opts(), db_path());
  auto inc = m->declare("Provider down", 1, "ops", "", "dana");
  ASSERT_TRUE(inc.ok());
  Incident i = *inc;
  i.window_from_us = t0 - kS;
  i.mitigated_us = t0 + 2 * kS;
  auto im = m->impact(i);
  ASSERT_TRUE(im.ok()) << im.error().message;
  EXPECT_EQ(im->requests, 10);
  EXPECT_EQ(im->failed, 4);
  EXPECT_EQ(im->keys.size(), 2u);
  EXPECT_EQ(im->clients.size(), 4u);
  std::string md = postmortem_markdown(i, m->store().timeline(i.id), *im, false);
  EXPECT_NE(md.find("| failed requests | 4 |"), std::string::npos);
  EXPECT_NE(md.find("key_a"), std::string::npos);
  EXPECT_NE(md.find("time to declare"), std::string::npos);
  std::string pub = postmortem_markdown(i, m->store().timeline(i.id), *im, true);
  EXPECT_EQ(pub.find("key_a"), std::string::npos);
  EXPECT_EQ(pub.find("10.0.0."), std::string::npos);
  EXPECT_EQ(pub.find("dana"), std::string::npos);
  EXPECT_NE(pub.find("| failed requests | 4 |"), std::string::npos);
}

}  // namespace
}  // namespace parapet::incident
