#include "http/response_parser.h"

#include <gtest/gtest.h>

namespace parapet::http {
namespace {

TEST(ResponseParser, StreamsChunkedBodyPieceByPiece) {
  ResponseParser p;
  std::string out;
  p.reset(&out, false);
  std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  auto r = p.feed(head + "6\r\ndata: ");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(p.head_done());
  EXPECT_TRUE(p.head().chunked);
  EXPECT_EQ(out, "data: ");
  out.clear();
  std::string rest = "\r\n3\r\n1\n\n\r\n0\r\n\r\n";
  r = p.feed(rest);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(out, "1\n\n");
  EXPECT_TRUE(p.done());
}

TEST(ResponseParser, SkipsInterimAnswers) {
  ResponseParser p;
  std::string out;
  p.reset(&out, false);
  auto r =
      p.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.head().status, 201);
  EXPECT_EQ(out, "ok");
}

// Found by fuzz/wire_fuzz: "020" passed as a status, and the parser ended finished but not done.
TEST(ResponseParser, StatusBelow100IsMalformed) {
  ResponseParser p;
  std::string out;
  p.reset(&out, false);
  auto r = p.feed("HTTP/1.1 020 OK\r\ncontent-length: 2\r\n\r\nok");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamProtocol);
  p.reset(&out, false);
  r = p.feed("HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\n\r\n");
  ASSERT_FALSE(r.ok()) << "the gateway never asks to switch protocols";
}

TEST(ResponseParser, BodyUntilEof) {
  ResponseParser p;
  std::string out;
  p.reset(&out, false);
  ASSERT_TRUE(p.feed("HTTP/1.1 200 OK\r\n\r\nabc").ok());
  EXPECT_TRUE(p.head().body_until_eof);
  EXPECT_FALSE(p.done());
  ASSERT_TRUE(p.finish_eof().ok());
  EXPECT_TRUE(p.done());
  EXPECT_EQ(out, "abc");
}

TEST(ResponseParser, TruncatedChunkedBodyIsAnErrorAtEof) {
  ResponseParser p;
  std::string out;
  p.reset(&out, false);
  ASSERT_TRUE(p.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").ok());
  EXPECT_FALSE(p.finish_eof().ok());
}

TEST(ResponseParser, HeadRequestHasNoBody) {
  ResponseParser p;
  std::string out;
  p.reset(&out, true);
  ASSERT_TRUE(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n").ok());
  EXPECT_TRUE(p.done());
}

TEST(ResponseParser, MalformedStatusLine) {
  ResponseParser p;
  std::string out;
  p.reset(&out, false);
  auto r = p.feed("HTTP/1.1 2000 OK\r\n\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUpstreamProtocol);
}

}  // namespace
}  // namespace parapet::http
