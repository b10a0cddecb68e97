#include "incident/intake.h"

#include <gtest/gtest.h>

namespace parapet::incident {
namespace {

// Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr const char* kTs = "1531420618";
constexpr const char* kBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977008"
    "85554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c4"
    "47fce8b6703c";
constexpr const char* kSig = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

TEST(IncidentSlack, SlackDocumentedExampleVerifies) {
  EXPECT_EQ(slack_signature(kSecret, kTs, kBody), kSig);
  EXPECT_TRUE(verify_slack_signature(kSecret, kTs, kBody, kSig, 1531420618 + 10));
}

TEST(IncidentSlack, RefusesBadSignatureStaleTimestampAndMissingParts) {
  int64_t now = 1531420618;
  std::string bad = kSig;
  bad.back() = bad.back() == '3' ? '4' : '3';
  EXPECT_FALSE(verify_slack_signature(kSecret, kTs, kBody, bad, now));
  EXPECT_FALSE(verify_slack_signature("other-secret", kTs, kBody, kSig, now));
  EXPECT_FALSE(verify_slack_signature(kSecret, kTs, std::string(kBody) + "x", kSig, now));
  EXPECT_FALSE(verify_slack_signature(kSecret, kTs, kBody, kSig, now + 301));  // replay
  EXPECT_FALSE(verify_slack_signature(kSecret, kTs, kBody, kSig, now - 301));
  EXPECT_FALSE(verify_slack_signature("", kTs, kBody, kSig, now));
  EXPECT_FALSE(verify_slack_signature(kSecret, "", kBody, kSig, now));
  EXPECT_FALSE(verify_slack_signature(kSecret, "15314x0618", kBody, kSig, now));
  EXPECT_FALSE(verify_slack_signature(kSecret, kTs, kBody, "v0=", now));
}

TEST(IncidentSlack, ParsesFormAndCommands) {
  auto f = parse_form("user_name=road+runner&text=declare+SEV2+checkout+is+down%21&x");
  EXPECT_EQ(f["user_name"], "road runner");
  EXPECT_EQ(f["text"], "declare SEV2 checkout is down!");
  EXPECT_EQ(f["x"], "");
  auto c = parse_slash_text(f["text"]);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, "declare");
  EXPECT_EQ(c->severity, 2);
  EXPECT_EQ(c->text, "checkout is down!");
  c = parse_slash_text("declare payments slow");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->severity, 3);
  EXPECT_EQ(c->text, "payments slow");
  c = parse_slash_text("commander #12 @alice");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->id, "12");
  EXPECT_EQ(c->text, "alice");
  c = parse_slash_text("resolve 7");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, "resolve");
  EXPECT_FALSE(parse_slash_text("resolve").ok());
  EXPECT_FALSE(parse_slash_text("note x hello").ok());
  EXPECT_FALSE(parse_slash_text("declare").ok());
  EXPECT_FALSE(parse_slash_text("explode 1").ok());
  EXPECT_EQ(parse_slash_text("")->verb, "help");
}

TEST(IncidentAlertmanager, GroupBecomesSignal) {
  const char* body = R"({"version":"4","groupKey":"{}:{alertname=\"HighErrorRate\"}",
    "status":"firing","receiver":"parapet","groupLabels":{"alertname":"HighErrorRate"},
    "commonLabels":{"alertname":"HighErrorRate","severity":"critical"},
    "commonAnnotations":{"summary":"5xx over 5%"},"externalURL":"http://am",
    "alerts":[{"status":"firing","labels":{"alertname":"HighErrorRate"},"annotations":{},
    "startsAt":"2026-11-22T10:00:00Z","endsAt":"0001-01-01T00:00:00Z"}],"truncatedAlerts":0})";
  auto s = parse_alertmanager(body, 42);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->detector, "alertmanager");
  EXPECT_EQ(s->subject, "{}:{alertname=\"HighErrorRate\"}");
  EXPECT_TRUE(s->firing);
  EXPECT_TRUE(s->declare_now);
  EXPECT_EQ(s->severity, 2);
  EXPECT_EQ(s->title, "HighErrorRate: 5xx over 5%");
  EXPECT_EQ(s->at_us, 42);
  std::string resolved = body;
  resolved.replace(resolved.find("\"status\":\"firing\""), 17, "\"status\":\"resolved\"");
  auto r = parse_alertmanager(resolved, 43);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->firing);
  EXPECT_FALSE(parse_alertmanager(R"({"version":"3","groupKey":"x"})", 0).ok());
  EXPECT_FALSE(parse_alertmanager(R"({"version":"4"})", 0).ok());
  EXPECT_FALSE(parse_alertmanager("[]", 0).ok());
}

}  // namespace
}  // namespace parapet::incident
