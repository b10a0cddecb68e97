#include <gtest/gtest.h>

#include "config/config.h"

namespace parapet::config {
namespace {

TEST(ConfigLoad, DefaultsMatchVision) {
  auto s = load(Flags{});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->server.listen, "127.0.0.1:8700");
  EXPECT_EQ((*s)->server.admin, "127.0.0.1:8701");
  EXPECT_EQ((*s)->server.data_dir, "./parapet-data");
  EXPECT_EQ((*s)->limits.max_body_bytes, 32u << 20);
  EXPECT_TRUE((*s)->has_gateway("default"));
  EXPECT_NE((*s)->find_upstream("openai"), nullptr);
  EXPECT_NE((*s)->find_upstream("anthropic"), nullptr);
}

TEST(ConfigLoad, SlowClientLimits) {
  auto d = load(Flags{});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->limits.send_timeout, Millis(60000));
  EXPECT_EQ((*d)->limits.max_connections_per_ip, 0u);
  auto s =
      load_from_string("[limits]\nsend_timeout_ms = 1500\nmax_connections_per_ip = 64\n", Flags{});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->limits.send_timeout, Millis(1500));
  EXPECT_EQ((*s)->limits.max_connections_per_ip, 64u);
}

TEST(ConfigLoad, FileThenFlags) {
  Flags f;
  f.listen = "127.0.0.1:0";
  f.upstreams = {"openai=http://127.0.0.1:1/v1", "vllm=http://127.0.0.1:2"};
  auto s = load_from_string(R"(
[server]
listen = "0.0.0.0:9000"
workers = 3
[limits]
max_body_bytes = 1024
header_timeout_ms = 500
[upstream]
first_byte_timeout_ms = 300
ca_file = "/tmp/ca.pem"
[providers.anthropic]
base_url = "http://127.0.0.1:3/"
[upstreams]
app = "http://127.0.0.1:5"
[upstreams.local]
url = "http://127.0.0.1:4/v1"
kind = "openai-compatible"
)",
                            f);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const Snapshot& c = **s;
  EXPECT_EQ(c.server.listen, "127.0.0.1:0");  // the flag wins
  EXPECT_EQ(c.server.workers, 3);
  EXPECT_EQ(c.limits.max_body_bytes, 1024u);
  EXPECT_EQ(c.limits.header_timeout.count(), 500);
  EXPECT_EQ(c.upstream.first_byte_timeout.count(), 300);
  EXPECT_EQ(c.upstream.ca_file, "/tmp/ca.pem");
  EXPECT_EQ(c.find_upstream("anthropic")->base, "http://127.0.0.1:3");
  EXPECT_EQ(c.find_upstream("openai")->base, "http://127.0.0.1:1/v1");
  EXPECT_NE(c.find_upstream("openai")->spec, nullptr);
  EXPECT_EQ(c.find_upstream("vllm")->protocol, providers::Protocol::kHttp);
  EXPECT_EQ(c.find_upstream("local")->protocol, providers::Protocol::kOpenAI);
  EXPECT_EQ(c.find_upstream("app")->base, "http://127.0.0.1:5");
  EXPECT_EQ(c.find_upstream("app")->protocol, providers::Protocol::kHttp);
}

TEST(ConfigLoad, ErrorsNameTheProblem) {
  struct Case {
    const char* toml;
    const char* needle;
  } cases[] = {
      {"[limits]\nmax_body_byte = 1\n", "unknown key 'max_body_byte'"},
      {"[limits]\nmax_body_bytes = \"big\"\n", "max_body_bytes must be an integer"},
      {"[upstream]\nverify_tls = 1\n", "verify_tls must be true or false"},
      {"[providers.nope]\nbase_url = \"http://x\"\n", "not a built-in provider"},
      {"[upstreams.openai]\nurl = \"http://x\"\n", "shadows a built-in provider"},
      {"[upstreams.x]\nurl = \"ftp://x\"\n", "scheme must be http or https"},
      {"[upstreams.x]\n", "needs url"},
      {"[server\n", "config:1"},
  };
  for (const auto& c : cases) {
    auto s = load_from_string(c.toml, Flags{});
    ASSERT_FALSE(s.ok()) << c.toml;
    EXPECT_NE(s.error().message.find(c.needle), std::string::npos)
        << c.toml << " -> " << s.error().message;
  }
}

TEST(ConfigLoad, BadUpstreamFlag) {
  Flags f;
  f.upstreams = {"noequals"};
  EXPECT_FALSE(load(f).ok());
  f.upstreams = {"Bad Name=http://x"};
  EXPECT_FALSE(load(f).ok());
}

}  // namespace
}  // namespace parapet::config

namespace parapet::config {
namespace {

// The commented example in config/ is documentation: it must stay a valid config.
TEST(ConfigLoad, ShippedExampleIsValid) {
  Flags f;
  f.config_path = std::string(PARAPET_SOURCE_DIR) + "/config/parapet.toml";
  auto s = load(f);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->upstream.max_idle_per_host, 128u);
  EXPECT_TRUE((*s)->logs.store);
}

TEST(ConfigLoad, LimitsAndBudgetsPerGateway) {
  Flags f;
  auto s = load_from_string(R"(
[gateways.default]
[[gateways.default.limits]]
id = "per-ip"
scope = "ip"
requests = 60
window = "60s"
kind = "sliding"
[[gateways.default.budgets]]
id = "daily"
scope = "metadata.user"
limit_usd = "25.00"
period = "day"
max_output_tokens = 1000
[gateways.staging]
[[gateways.staging.limits]]
id = "tpm"
tokens = 100000
window = "1m"
)",
                            f);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto& r = (*s)->limit_rules;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].id, "per-ip");
  EXPECT_EQ(r[0].gateway, "default");
  EXPECT_EQ(r[0].limit, 60);
  EXPECT_EQ(r[0].window_kind, limits::WindowKind::kSliding);
  EXPECT_EQ(r[1].kind, limits::RuleKind::kBudget);
  EXPECT_EQ(r[1].limit_micros, 25'000'000);
  EXPECT_EQ(r[1].scope.field, "user");
  EXPECT_EQ(r[1].max_output_tokens, 1000);
  EXPECT_EQ(r[2].gateway, "staging");
  EXPECT_EQ(r[2].metric, limits::Metric::kTokens);
}

TEST(ConfigLoad, LimitErrorsNameTheRule) {
  Flags f;
  auto unknown = load_from_string(
      "[[gateways.default.limits]]\nid = \"a\"\nrequests = 1\nwindow = \"1s\"\nburst = 2\n", f);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("burst"), std::string::npos);
  auto twice = load_from_string(
      "[[gateways.default.limits]]\nid = \"a\"\nrequests = 1\nwindow = \"1s\"\n"
      "[[gateways.default.budgets]]\nid = \"a\"\nlimit_usd = \"1\"\n",
      f);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("used twice"), std::string::npos);
  auto usd = load_from_string("[[gateways.default.budgets]]\nid = \"b\"\nlimit_usd = 25.5\n", f);
  ASSERT_FALSE(usd.ok());
  EXPECT_NE(usd.error().message.find("limit_usd must be a string"), std::string::npos);
}

TEST(ConfigLoad, AccessKeysAndGatewayAuth) {
  Flags f;
  std::string hash(64, 'a');
  auto s = load_from_string(R"(
[gateways.default]
auth = true
[gateways.open]
[access]
master_key_file = "/tmp/mk"
[[access.keys]]
id = "ci"
kind = "virtual_key"
secret_sha256 = ")" + hash + R"("
provider = "openai"
provider_key_env = "OPENAI_API_KEY"
gateways = ["default"]
[[access.keys]]
id = "tok"
secret_sha256 = ")" + hash + R"("
)",
                            f);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE((*s)->gateway_requires_auth("default"));
  EXPECT_FALSE((*s)->gateway_requires_auth("open"));
  ASSERT_EQ((*s)->access.keys.size(), 2u);
  EXPECT_EQ((*s)->access.keys[1].kind, "gateway_token");
  EXPECT_EQ((*s)->access.master_key_file, "/tmp/mk");

  for (std::string bad : std::vector<std::string>{
           "[[access.keys]]\nid = \"x\"\nsecret_sha256 = \"abc\"\n",
           "[[access.keys]]\nid = \"x\"\nkind = \"virtual_key\"\nsecret_sha256 = \"" + hash +
               "\"\nprovider = \"openai\"\n",
           "[[access.keys]]\nid = \"x\"\nkind = \"virtual_key\"\nsecret_sha256 = \"" + hash +
               "\"\nprovider = \"nope\"\nprovider_key_env = \"E\"\n",
           "[[access.keys]]\nid = \"x\"\nsecret_sha256 = \"" + hash + "\"\ngateways = [\"nope\"]\n",
           "[[access.keys]]\nid = \"x\"\nsecret = \"plain\"\n",
           "[gateways.default]\nauth = \"yes\"\n",
       }) {
    EXPECT_FALSE(load_from_string(bad, f).ok()) << bad;
  }
}

}  // namespace
}  // namespace parapet::config
