#include "incident/incidents.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "incident/manager.h"
#include "incident/notify.h"
#include "observe/record.h"

namespace parapet::incident {
namespace {

Signal sig(bool firing, std::string subject = "openai") {
  return Signal{"error_rate", std::move(subject), firing, "evidence"};
}

TEST(Book, FalseAlarmIsDeclined) {
  Book b(Lifecycle{30'000, 60'000, 3});
  b.on_signal(sig(true), 1000);
  ASSERT_EQ(b.all().size(), 1u);
  EXPECT_EQ(b.find(1)->status, Status::kTriage);
  b.on_signal(sig(true), 2000);  // deduplicated
  EXPECT_EQ(b.all().size(), 1u);
  b.on_signal(sig(false), 11'000);
  EXPECT_EQ(b.find(1)->status, Status::kDeclined);
  auto ev = b.take_events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, Event::kOpened);
  EXPECT_EQ(ev[1].kind, Event::kDeclined);
  // A new signal after the decline opens a new incident.
  b.on_signal(sig(true), 50'000);
  EXPECT_EQ(b.all().size(), 2u);
}

TEST(Book, AutoDeclareMitigateResolve) {
  Book b(Lifecycle{30'000, 60'000, 2});
  b.on_signal(sig(true), 0);
  b.tick(59'000);
  EXPECT_EQ(b.find(1)->status, Status::kTriage);
  b.tick(60'000);
  const Incident* i = b.find(1);
  EXPECT_EQ(i->status, Status::kActive);
  EXPECT_EQ(i->declared_ms, 60'000);
  EXPECT_EQ(i->severity, 2);
  b.on_signal(sig(false), 90'000);
  EXPECT_EQ(i->status, Status::kMitigated);
  EXPECT_EQ(i->mitigated_ms, 90'000);
  b.on_signal(sig(true), 95'000);  // fires again: back to active
  EXPECT_EQ(i->status, Status::kActive);
  b.on_signal(sig(false), 99'000);
  ASSERT_TRUE(b.set_status(1, Status::kResolved, "alice", 120'000));
  EXPECT_EQ(i->status, Status::kResolved);
  EXPECT_EQ(i->resolved_ms, 120'000);
  EXPECT_FALSE(b.set_status(1, Status::kActive, "alice", 121'000));
  auto ev = b.take_events();
  std::vector<Event::Kind> kinds;
  for (auto& e : ev) kinds.push_back(e.kind);
  EXPECT_EQ(kinds,
            (std::vector<Event::Kind>{Event::kOpened, Event::kDeclared, Event::kMitigated,
                                      Event::kReopened, Event::kMitigated, Event::kResolved}));
}

TEST(Book, ManualDeclareNotesRoles) {
  Book b(Lifecycle{});
  EXPECT_FALSE(b.declare("", 3, "bob", 0));
  EXPECT_FALSE(b.declare("x", 6, "bob", 0));
  auto id = b.declare("Checkout slow", 1, "bob", 1000);
  ASSERT_TRUE(id);
  EXPECT_EQ(b.find(*id)->status, Status::kActive);
  EXPECT_EQ(b.find(*id)->commander, "bob");
  ASSERT_TRUE(b.note(*id, "looking at upstream latency", "carol", 2000));
  ASSERT_TRUE(b.set_role(*id, "scribe", "carol", "bob", 3000));
  EXPECT_FALSE(b.set_role(*id, "boss", "carol", "bob", 3000));
  EXPECT_EQ(b.find(*id)->scribe, "carol");
  EXPECT_FALSE(b.note(99, "x", "bob", 0));
  EXPECT_GE(b.find(*id)->timeline.size(), 4u);
}

TEST(Notify, SlackAndPagerDutyBodies) {
  Incident inc;
  inc.id = 7;
  inc.title = "error_rate on openai";
  inc.severity = 2;
  inc.status = Status::kActive;
  inc.evidence = "100/100 errors";
  Event e{Event::kDeclared, 7, "triage -> active"};
  Destination slack{"debug", "slack", "http://127.0.0.1:1/x", ""};
  auto body = render(slack, e, inc, nullptr, "https://meet.example/{id}");
  ASSERT_TRUE(body);
  EXPECT_NE(body->find("\"text\":\"[SEV2] Incident #7 declared"), std::string::npos);
  EXPECT_NE(body->find("\"attachments\":[{\"color\":\"danger\""), std::string::npos);
  EXPECT_NE(body->find("https://meet.example/7"), std::string::npos);
  Destination pd{"comms", "pagerduty", "http://127.0.0.1:1/v2/enqueue", "R0UT1NG"};
  body = render(pd, e, inc, nullptr, "");
  ASSERT_TRUE(body);
  EXPECT_NE(body->find("\"event_action\":\"trigger\",\"dedup_key\":\"7\""), std::string::npos);
  Event note{Event::kNote, 7, "hi"};
  EXPECT_FALSE(render(pd, note, inc, nullptr, ""));
  EXPECT_TRUE(routed("debug", Event::kOpened));
  EXPECT_FALSE(routed("impact", Event::kOpened));
}

TEST(Manager, PersistsAndReloads) {
  auto dir = std::filesystem::temp_directory_path() / ("parapet_inc_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int64_t now = 1'000'000;
  Options o;
  o.enabled = true;
  o.error_rate.bucket_ms = 100;
  o.error_rate.pairs = {{2'000, 500, 10}};
  o.error_rate.min_requests = 5;
  o.auto_declare_ms = 1'000;
  o.evaluate_ms = 1;
  // An unreachable destination: deliveries fail, are retried, and are recorded.
  o.notify.push_back(Destination{"debug", "slack", "http://127.0.0.1:9/hook", ""});
  o.retry_base_ms = 10;
  o.max_attempts = 2;
  {
    auto m = Manager::open(o, dir.string(), (dir / "logs.db").string(), [&] { return now; });
    ASSERT_TRUE(m) << m.error().message;
    std::vector<observe::RequestRecord> batch(20);
    for (auto& r : batch) {
      r.provider = "openai";
      r.status = 502;
    }
    (*m)->consume(batch);
    now += 1'500;
    (*m)->consume(batch);
    auto list = (*m)->list_json();
    EXPECT_NE(list.find("\"status\":\"active\""), std::string::npos) << list;
    (*m)->deliver_due();
    now += 100;
    (*m)->deliver_due();
    auto one = (*m)->get_json(1);
    ASSERT_TRUE(one);
    EXPECT_NE(one->find("gave up after 2 attempts"), std::string::npos) << *one;
    ASSERT_TRUE((*m)->note(1, "rolled back", "dan"));
  }
  auto m = Manager::open(o, dir.string(), (dir / "logs.db").string(), [&] { return now; });
  ASSERT_TRUE(m);
  auto one = (*m)->get_json(1);
  ASSERT_TRUE(one);
  EXPECT_NE(one->find("rolled back"), std::string::npos);
  auto pm = (*m)->postmortem(1, true);
  ASSERT_TRUE(pm);
  EXPECT_NE(pm->find("## Impact"), std::string::npos);
  EXPECT_EQ(pm->find("dan"), std::string::npos);  // public: no names
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace parapet::incident
