#include "cache/entry.h"

#include <gtest/gtest.h>

namespace parapet::cache {
namespace {

Entry sample() {
  Entry e;
  e.gateway = "g";
  e.status = 200;
  e.reason = "OK";
  e.headers = "content-type: text/event-stream\r\nx-request-id: r1\r\n";
  e.body = std::string("data: {\"a\":1}\n\n\0bin", 20);
  e.stream = true;
  e.usage.input = 12;
  e.usage.output = 34;
  e.usage.cached_read = 5;
  e.usage.cache_write = 6;
  e.usage.reasoning = 7;
  e.usage.source = UsageSource::kProvider;
  e.usage.model = "gpt-4o-mini-2024-07-18";
  e.created_ms = 1'700'000'000'000;
  e.expires_ms = 1'700'000'300'000;
  return e;
}

TEST(Entry, SerializeRoundTrips) {
  Entry e = sample();
  auto back = parse(serialize(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->gateway, e.gateway);
  EXPECT_EQ(back->status, 200);
  EXPECT_EQ(back->reason, "OK");
  EXPECT_EQ(back->headers, e.headers);
  EXPECT_EQ(back->body, e.body);
  EXPECT_TRUE(back->stream);
  EXPECT_EQ(back->usage.input, 12);
  EXPECT_EQ(back->usage.output, 34);
  EXPECT_EQ(back->usage.cached_read, 5);
  EXPECT_EQ(back->usage.cache_write, 6);
  EXPECT_EQ(back->usage.reasoning, 7);
  EXPECT_EQ(back->usage.source, UsageSource::kProvider);
  EXPECT_EQ(back->usage.model, e.usage.model);
  EXPECT_EQ(back->created_ms, e.created_ms);
  EXPECT_EQ(back->expires_ms, e.expires_ms);
}

TEST(Entry, CorruptBytesAreRejectedNotTrusted) {
  std::string bytes = serialize(sample());
  EXPECT_FALSE(parse(""));
  EXPECT_FALSE(parse(bytes.substr(0, bytes.size() - 1)));
  EXPECT_FALSE(parse(bytes + "x"));
  std::string bad = bytes;
  bad[0] ^= 1;  // magic
  EXPECT_FALSE(parse(bad));
  // Every truncation point fails cleanly.
  for (size_t n = 0; n < bytes.size(); n += 7) EXPECT_FALSE(parse(bytes.substr(0, n))) << n;
}

TEST(Entry, ReplayableHeaders) {
  http::HeaderList h;
  h.add("Content-Type", "application/json");
  h.add("Set-Cookie", "session=1");
  h.add("Date", "today");
  h.add("Connection", "keep-alive, X-Hop");
  h.add("X-Hop", "1");
  h.add("Transfer-Encoding", "chunked");
  h.add("Content-Length", "10");
  h.add("Keep-Alive", "timeout=5");
  h.add("x-request-id", "req_1");
  h.add("openai-processing-ms", "12");
  EXPECT_EQ(replay_headers(h),
            "Content-Type: application/json\r\nx-request-id: req_1\r\n"
            "openai-processing-ms: 12\r\n");
}

}  // namespace
}  // namespace parapet::cache
