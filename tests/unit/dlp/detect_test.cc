#include "dlp/detect.h"

#include <gtest/gtest.h>

namespace parapet::dlp {
namespace {

struct Hit {
  std::string kind;
  std::string text;
};

std::vector<Hit> hits(std::string_view text, KindSet kinds = kAllKinds) {
  std::vector<Finding> f;
  scan(text, kinds, f);
  std::vector<Hit> out;
  for (const auto& x : f) {
    out.push_back(
        {std::string(kind_name(x.kind)), std::string(text.substr(x.begin, x.end - x.begin))});
  }
  return out;
}

std::string one(std::string_view text) {
  auto h = hits(text);
  if (h.size() != 1) return "<" + std::to_string(h.size()) + " findings>";
  return h[0].kind + ":" + h[0].text;
}

TEST(DlpDetect, Cards) {
  EXPECT_EQ(one("pay with 4111 1111 1111 1111 please"), "card:4111 1111 1111 1111");
  EXPECT_EQ(one("4111-1111-1111-1111"), "card:4111-1111-1111-1111");
  EXPECT_EQ(one("card=5555555555554444;"), "card:5555555555554444");
  EXPECT_EQ(one("amex 378282246310005."), "card:378282246310005");
  EXPECT_EQ(one("\"4111111111111111\""), "card:4111111111111111");
  // Luhn fails, issuer unknown, inside a longer number, part of a version or date run.
  EXPECT_TRUE(hits("4111 1111 1111 1112").empty());
  EXPECT_TRUE(hits("9111111111111111").empty());
  EXPECT_TRUE(hits("order 41111111111111110000").empty());
  EXPECT_TRUE(hits("ts 1700000000123").empty());
}

TEST(DlpDetect, Iban) {
  EXPECT_EQ(one("IBAN: DE89 3704 0044 0532 0130 00."), "iban:DE89 3704 0044 0532 0130 00");
  EXPECT_EQ(one("GB82WEST12345698765432"), "iban:GB82WEST12345698765432");
  EXPECT_TRUE(hits("DE89 3704 0044 0532 0130 01").empty()) << "mod-97 fails";
  EXPECT_TRUE(hits("ZZ89370400440532013000").empty()) << "unknown country";
}

TEST(DlpDetect, SsnEmailPhone) {
  EXPECT_EQ(one("ssn 123-45-6789"), "ssn:123-45-6789");
  EXPECT_TRUE(hits("000-12-3456 666-12-3456 900-12-3456 123-00-4567").empty());
  EXPECT_EQ(one("mail jane.doe+ai@example.co.uk now"), "email:jane.doe+ai@example.co.uk");
  EXPECT_EQ(one("\"text\":\"hi\\nbob@corp.io\""), "email:bob@corp.io");
  EXPECT_TRUE(hits("user@localhost and @handle and a@b.c1").empty());
  EXPECT_EQ(one("call +44 20 7946 0958."), "phone:+44 20 7946 0958");
  EXPECT_EQ(one("call (415) 555-2671"), "phone:(415) 555-2671");
  EXPECT_EQ(one("call 415-555-2671"), "phone:415-555-2671");
  // Not phones: bare digits, dates, versions, IP-like runs, area codes 0/1.
  EXPECT_TRUE(hits("id 4155552671, on 2024-01-15, v1.2.3, 10.168.100.1234, 123-555-1234").empty());
}

TEST(DlpDetect, SecretsAndKeys) {
  std::string key = "sk-ant-api03-" + std::string(40, 'A') + "b1";
  auto h = hits("key " + key + " end");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].kind, "api_key");
  EXPECT_EQ(h[0].text, key);
  std::string pem = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----";
  EXPECT_EQ(one("x " + pem + " y"), "private_key:" + pem);
  EXPECT_TRUE(hits("-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----").empty());
}

TEST(DlpDetect, KindsSelectDetectors) {
  auto h = hits("a@b.io 4111111111111111", bit(Kind::kCard));
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].kind, "card");
}

TEST(DlpDetect, MaskKeepsLengthJsonAndLastFour) {
  std::string t = R"({"content":"card 4111 1111 1111 1111, mail bob@corp.io\nok"})";
  std::vector<Finding> f;
  scan(t, kAllKinds, f);
  size_t n = t.size();
  mask(t, f);
  EXPECT_EQ(t.size(), n);
  EXPECT_EQ(t, R"({"content":"card **** **** **** 1111, mail ***@****.**\nok"})");
  std::string pem = "-----BEGIN PRIVATE KEY-----\\nAB\\u00e9CD\\n-----END PRIVATE KEY-----";
  f.clear();
  scan(pem, kAllKinds, f);
  mask(pem, f);
  EXPECT_EQ(pem, "-----***** ******* ***-----\\n**\\u00e9**\\n-----*** ******* ***-----");
}

TEST(DlpDetect, ChecksumHelpers) {
  EXPECT_TRUE(luhn_ok("79927398713"));
  EXPECT_FALSE(luhn_ok("79927398710"));
  EXPECT_TRUE(iban_ok("GB82WEST12345698765432"));
  EXPECT_FALSE(iban_ok("GB82WEST12345698765433"));
}

TEST(DlpDetect, LinearOnAdversarialInput) {
  // Long runs of what almost matches: each detector reads a bounded window per word start.
  std::string t(1 << 20, '4');
  std::string u;
  for (int i = 0; i < 200000; ++i) u += "1-";
  std::string v(1 << 20, '@');
  std::vector<Finding> f;
  scan(t, kAllKinds, f);
  scan(u, kAllKinds, f);
  scan(v, kAllKinds, f);
  EXPECT_TRUE(f.empty());
}

}  // namespace
}  // namespace parapet::dlp
