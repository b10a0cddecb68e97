#include "incident/lifecycle.h"

#include <gtest/gtest.h>

namespace parapet::incident {
namespace {

TEST(IncidentLifecycle, Transitions) {
  EXPECT_TRUE(transition_allowed(Status::kTriage, Status::kActive));
  EXPECT_TRUE(transition_allowed(Status::kTriage, Status::kDeclined));
  EXPECT_TRUE(transition_allowed(Status::kActive, Status::kMitigated));
  EXPECT_TRUE(transition_allowed(Status::kMitigated, Status::kResolved));
  EXPECT_TRUE(transition_allowed(Status::kMitigated, Status::kActive));
  EXPECT_TRUE(transition_allowed(Status::kResolved, Status::kActive));
  EXPECT_FALSE(transition_allowed(Status::kActive, Status::kTriage));
  EXPECT_FALSE(transition_allowed(Status::kActive, Status::kDeclined));
  EXPECT_FALSE(transition_allowed(Status::kDeclined, Status::kActive));
  EXPECT_FALSE(transition_allowed(Status::kMerged, Status::kActive));
  EXPECT_FALSE(transition_allowed(Status::kActive, Status::kActive));
}

TEST(IncidentLifecycle, StampsTimes) {
  Incident i;
  i.detected_us = 100;
  ASSERT_TRUE(apply_status(i, Status::kActive, 200));
  EXPECT_EQ(i.declared_us, 200);
  ASSERT_TRUE(apply_status(i, Status::kMitigated, 300));
  EXPECT_EQ(i.mitigated_us, 300);
  ASSERT_TRUE(apply_status(i, Status::kResolved, 400));
  EXPECT_EQ(i.resolved_us, 400);
  EXPECT_EQ(i.mitigated_us, 300);
  EXPECT_FALSE(apply_status(i, Status::kDeclined, 500));
  EXPECT_EQ(i.status, Status::kResolved);
  ASSERT_TRUE(apply_status(i, Status::kActive, 600));  // reopened
  EXPECT_EQ(i.declared_us, 200);
  EXPECT_EQ(i.resolved_us, 0);
}

TEST(IncidentLifecycle, AutomaticPolicy) {
  Policy p{10, 100};
  Incident i;
  i.subject = "burn_rate:openai";
  i.firing = true;
  i.detected_us = 1000;
  EXPECT_FALSE(on_tick(i, p, 1005));
  EXPECT_EQ(on_tick(i, p, 1010), Status::kActive);
  // Cleared while still in triage: a false alarm.
  EXPECT_EQ(on_condition_cleared(i), Status::kDeclined);
  ASSERT_TRUE(apply_status(i, Status::kActive, 1010));
  EXPECT_EQ(on_condition_cleared(i), Status::kMitigated);
  ASSERT_TRUE(apply_status(i, Status::kMitigated, 1100));
  i.firing = false;
  EXPECT_EQ(on_condition_fired(i), Status::kActive);
  EXPECT_FALSE(on_tick(i, p, 1150));
  EXPECT_EQ(on_tick(i, p, 1200), Status::kResolved);
  p.auto_resolve_after_us = 0;
  EXPECT_FALSE(on_tick(i, p, 99999));
}

TEST(IncidentLifecycle, HandDeclaredIncidentsAreNotAutoDeclared) {
  Incident i;
  i.firing = true;
  EXPECT_FALSE(on_tick(i, Policy{0, 0}, 1'000'000));
}

TEST(IncidentLifecycle, StatusNamesRoundTrip) {
  for (Status s : {Status::kTriage, Status::kActive, Status::kMitigated, Status::kResolved,
                   Status::kDeclined, Status::kMerged}) {
    EXPECT_EQ(parse_status(status_name(s)), s);
  }
  EXPECT_FALSE(parse_status("open"));
}

}  // namespace
}  // namespace parapet::incident
