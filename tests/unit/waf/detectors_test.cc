#include "waf/detectors.h"

#include <gtest/gtest.h>

#include "waf/normalize.h"

namespace parapet::waf {
namespace {

std::string decoded(std::string_view s) {
  std::string out, scratch;
  normalize(s, kNormal, false, out, scratch);
  return out;
}

TEST(WafDetectors, Shellshock) {
  DetectorHit h;
  EXPECT_TRUE(detect_shellshock("() { :; }; /bin/bash -c 'id'", h));
  EXPECT_TRUE(detect_shellshock("  ( ) {  :;};", h));
  EXPECT_TRUE(detect_shellshock(decoded("%28%29%20%7B%20%3A%3B%7D%3B"), h));
  EXPECT_TRUE(detect_shellshock("(){ :;};", h));
  EXPECT_FALSE(detect_shellshock("Mozilla/5.0 (X11; Linux x86_64)", h));
  EXPECT_FALSE(detect_shellshock("greet() { echo hi; }", h));  // not at the start
  EXPECT_FALSE(detect_shellshock("(x) {", h));
}

TEST(WafDetectors, TraversalAfterDecoding) {
  DetectorHit h;
  for (std::string_view s :
       {"../../etc/passwd", "/a/../b", "..\\..\\windows\\win.ini", "%2e%2e%2f", "..%2f..%2f",
        "%252e%252e%252f", "..%c0%af", "%c0%ae%c0%ae/", "file=..", "/static/..", "/etc/passwd",
        "/proc/self/environ", "....//....//etc/passwd"}) {
    EXPECT_TRUE(detect_traversal(decoded(s), h)) << s;
  }
  for (std::string_view s : {"/v1/chat/completions", "wait.. what", "1..10", "a...b",
                             "/files/my..file.txt", "v1.2..3"}) {
    EXPECT_FALSE(detect_traversal(decoded(s), h)) << s;
  }
}

TEST(WafDetectors, Log4shellDetail) {
  DetectorHit h;
  ASSERT_TRUE(detect_log4shell("x ${jndi:ldap://a/b}", h));
  EXPECT_EQ(h.offset, 2u);
  EXPECT_EQ(h.detail, "jndi lookup");
  ASSERT_TRUE(detect_log4shell("${${::-j}}", h));
  EXPECT_EQ(h.detail, "obfuscated lookup");
}

TEST(WafDetectors, Registry) {
  EXPECT_NE(find_detector("log4shell"), nullptr);
  EXPECT_NE(find_detector("shellshock"), nullptr);
  EXPECT_NE(find_detector("traversal"), nullptr);
  EXPECT_EQ(find_detector("regex"), nullptr);
  EXPECT_EQ(detectors().size(), 3u);
}

}  // namespace
}  // namespace parapet::waf
