// GET /admin/circuits and the circuit metrics (docs/reliability.md).
#include "admin/circuits.h"

#include <gtest/gtest.h>

namespace parapet::admin {
namespace {

TEST(Circuits, JsonListsEveryUpstreamWithItsState) {
  reliability::Breakers b;
  reliability::BreakerOptions o;
  o.consecutive_failures = 1;
  auto now = reliability::Clock::now();
  b.get("openai").record(o, reliability::Outcome::kFailure, false, now);
  b.get("groq").record(o, reliability::Outcome::kSuccess, false, now);
  std::string json = circuits_json(b.snapshot(now + std::chrono::milliseconds(7)));
  EXPECT_EQ(json,
            R"({"circuits":[{"upstream":"groq","state":"closed","opens":0,)"
            R"("consecutive_failures":0,"window_requests":1,"window_failures":0,"open_for_ms":0},)"
            R"({"upstream":"openai","state":"open","opens":1,"consecutive_failures":0,)"
            R"("window_requests":0,"window_failures":0,"open_for_ms":7}]})");

  observe::prom::Writer w;
  add_circuit_metrics(w, b);
  std::string text = w.text();
  EXPECT_NE(text.find("parapet_circuit_state{upstream=\"openai\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("parapet_circuit_state{upstream=\"groq\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("parapet_circuit_opens_total{upstream=\"openai\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE parapet_circuit_state gauge"), std::string::npos) << text;
}

TEST(Circuits, HandlerTakesGetOnItsPathOnly) {
  reliability::Breakers b;
  auto h = circuits_handler(b);
  http::Query q("");
  EXPECT_EQ(h(Request{"GET", "/circuits", q, ""}).status, 200);
  EXPECT_EQ(h(Request{"GET", "/circuits", q, ""}).body, R"({"circuits":[]})");
  EXPECT_EQ(h(Request{"POST", "/circuits", q, ""}).status, 405);
  EXPECT_EQ(h(Request{"GET", "/circuits/x", q, ""}).status, 404);
}

}  // namespace
}  // namespace parapet::admin
