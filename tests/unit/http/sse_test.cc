#include "http/sse.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace parapet::http {
namespace {

using namespace std::string_literals;

struct Got {
  std::string type, data, id;
  bool truncated = false;
  std::string raw;  // the input bytes feed() consumed for this event
  bool operator==(const Got&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Got& g) {
  return os << "{type=" << g.type << " data=" << g.data << " id=" << g.id
            << " truncated=" << g.truncated << "}";
}

// Feeds `pieces` in order and returns every event with the raw bytes it was framed from.
std::vector<Got> run(SseParser& p, const std::vector<std::string>& pieces,
                     std::string* tail = nullptr) {
  std::vector<Got> out;
  std::string raw;
  for (const std::string& piece : pieces) {
    std::string_view in = piece;
    while (!in.empty()) {
      bool ready = false;
      size_t n = p.feed(in, &ready);
      EXPECT_TRUE(n > 0 || ready) << "no progress";
      raw.append(in.substr(0, n));
      in.remove_prefix(n);
      if (ready) {
        const SseEvent& e = p.event();
        out.push_back(
            {std::string(e.type), std::string(e.data), std::string(e.id), e.truncated, raw});
        raw.clear();
      }
    }
  }
  if (tail) *tail = raw;
  return out;
}

std::vector<Got> run_whole(std::string_view s, size_t max = SseParser::kDefaultMaxEventBytes) {
  SseParser p(max);
  return run(p, {std::string(s)});
}

std::vector<std::string> bytes(std::string_view s) {
  std::vector<std::string> v;
  for (char c : s) v.emplace_back(1, c);
  return v;
}

// Events without their raw bytes, to compare runs split differently (raw framing may shift a
// trailing LF between events when a CR ends a piece).
std::vector<Got> strip_raw(std::vector<Got> v) {
  for (Got& g : v) g.raw.clear();
  return v;
}

TEST(SseParser, SingleEvent) {
  auto ev = run_whole("data: hello\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "hello");
  EXPECT_EQ(ev[0].type, "");
  EXPECT_EQ(ev[0].raw, "data: hello\n\n");
}

TEST(SseParser, MultiLineDataIsJoinedWithLf) {
  auto ev = run_whole("data: a\ndata:b\ndata\ndata:  c\n\n");
  ASSERT_EQ(ev.size(), 1u);
  // One leading space is dropped, not two; a bare `data` line adds an empty line.
  EXPECT_EQ(ev[0].data, "a\nb\n\n c");
}

TEST(SseParser, EmptyDataLineStillDispatches) {
  auto ev = run_whole("data\n\ndata:\n\n");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].data, "");
  EXPECT_EQ(ev[1].data, "");
}

TEST(SseParser, AllLineEndings) {
  auto lf = run_whole("event: x\ndata: 1\ndata: 2\n\n");
  auto crlf = run_whole("event: x\r\ndata: 1\r\ndata: 2\r\n\r\n");
  auto cr = run_whole("event: x\rdata: 1\rdata: 2\r\r");
  auto mixed = run_whole("event: x\rdata: 1\r\ndata: 2\n\r\n");
  ASSERT_EQ(lf.size(), 1u);
  EXPECT_EQ(lf[0].data, "1\n2");
  EXPECT_EQ(lf[0].type, "x");
  EXPECT_EQ(strip_raw(crlf), strip_raw(lf));
  EXPECT_EQ(strip_raw(cr), strip_raw(lf));
  EXPECT_EQ(strip_raw(mixed), strip_raw(lf));
  // The CRLF that ends the event is consumed with it.
  EXPECT_EQ(crlf[0].raw, "event: x\r\ndata: 1\r\ndata: 2\r\n\r\n");
}

TEST(SseParser, CrAtPieceEndAndLfAtNextStartAreOneLineEnd) {
  SseParser p;
  auto ev = run(p, {"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "a\nb");  // not "a\n\nb": the split CRLF is not two line ends
  // The event completed at the blank line's CR; its LF arrives later and is consumed on its own.
  bool ready = true;
  EXPECT_EQ(p.feed("data: c\n\n", &ready), 9u);
  EXPECT_TRUE(ready);
  EXPECT_EQ(p.event().data, "c");
}

TEST(SseParser, EventTypeResetsAfterEachBlock) {
  auto ev = run_whole("event: a\ndata: 1\n\ndata: 2\n\nevent: b\n\ndata: 3\n\n");
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].type, "a");
  EXPECT_EQ(ev[1].type, "");
  EXPECT_EQ(ev[2].type, "");  // a block without data resets the type without dispatching
}

TEST(SseParser, LastEventIdPersistsAndNulIdIsIgnored) {
  auto ev = run_whole("id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n"s);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].id, "7");
  EXPECT_EQ(ev[1].id, "7");
  EXPECT_EQ(ev[2].id, "7");
  EXPECT_EQ(ev[3].id, "");  // an empty id resets it
}

TEST(SseParser, RetryOnlyWhenAllDigits) {
  SseParser p;
  run(p, {"retry: 1500\n\n"});
  EXPECT_EQ(p.retry_ms(), 1500);
  run(p, {"retry: 15x\nretry: -1\nretry:\nretry: 1 \n\n"});
  EXPECT_EQ(p.retry_ms(), 1500);
  run(p, {"retry:99999999999999999999999\n"});
  EXPECT_GT(p.retry_ms(), 1500);
}

TEST(SseParser, CommentsAndUnknownFieldsAreIgnored) {
  auto ev = run_whole(": keep-alive\n\n:x\nfoo: bar\ndata: z\nDATA: no\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "z");
  EXPECT_EQ(ev[0].raw, ": keep-alive\n\n:x\nfoo: bar\ndata: z\nDATA: no\n\n");
}

TEST(SseParser, StopsAtEveryBlockBoundary) {
  // A keep-alive comment block is reported as its own block, so a caller holding bytes back can
  // let it through at once instead of waiting for the next event.
  SseParser p;
  std::string_view in = ": ping\r\n\r\ndata: x\n\n";
  bool ready = true;
  size_t n = p.feed(in, &ready);
  EXPECT_EQ(in.substr(0, n), ": ping\r\n\r\n");
  EXPECT_FALSE(ready);
  EXPECT_TRUE(p.at_block_boundary());
  in.remove_prefix(n);
  n = p.feed(in, &ready);
  EXPECT_EQ(n, in.size());
  EXPECT_TRUE(ready);
  EXPECT_TRUE(p.at_block_boundary());
  EXPECT_FALSE(p.feed("data: y\n", &ready) && p.at_block_boundary());
}

TEST(SseParser, UnterminatedEventAtEndIsNotDispatched) {
  SseParser p;
  std::string tail;
  auto ev = run(p, {"data: a\n\ndata: b\n"}, &tail);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(tail, "data: b\n");
  EXPECT_EQ(p.pending_data(), "b");
  EXPECT_EQ(p.pending_data_lines(), 1);
}

TEST(SseParser, BomAtStartIsDropped) {
  auto ev = run_whole(
      "\xEF\xBB\xBF"
      "data: a\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "a");
  SseParser split;
  auto ev2 = run(split, {"\xEF", "\xBB",
                         "\xBF"
                         "da",
                         "ta: a\n\n"});
  ASSERT_EQ(ev2.size(), 1u);
  EXPECT_EQ(ev2[0].data, "a");
  EXPECT_EQ(ev2[0].raw,
            "\xEF\xBB\xBF"
            "data: a\n\n");
}

TEST(SseParser, OnlyOneLeadingBom) {
  // A second BOM is content: it makes the field name "\xEF\xBB\xBF" "data", an unknown field.
  auto ev = run_whole(
      "\xEF\xBB\xBF\xEF\xBB\xBF"
      "data: a\n\ndata: b\n\n");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "b");
  // A partial BOM is content too.
  auto ev2 = run_whole(
      "\xEF"
      "data: a\n\ndata: b\n\n");
  ASSERT_EQ(ev2.size(), 1u);
  EXPECT_EQ(ev2[0].data, "b");
}

TEST(SseParser, DataViewPointsIntoInputWhenEventIsInOnePiece) {
  SseParser p;
  std::string in = "data: {\"x\":1}\n\n";
  bool ready = false;
  EXPECT_EQ(p.feed(in, &ready), in.size());
  ASSERT_TRUE(ready);
  EXPECT_EQ(p.event().data.data(), in.data() + 6);
}

TEST(SseParser, OversizedEventIsCutAndFlagged) {
  std::string big(100, 'x');
  auto ev = run_whole("data: " + big + "\n\ndata: ok\n\n", 10);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(ev[0].truncated);
  EXPECT_EQ(ev[0].data, std::string(10, 'x'));
  EXPECT_FALSE(ev[1].truncated);
  EXPECT_EQ(ev[1].data, "ok");
  SseParser p(10);
  auto ev2 = run(p, bytes("data: 123456\ndata: 789012\n\n"));
  ASSERT_EQ(ev2.size(), 1u);
  EXPECT_TRUE(ev2[0].truncated);
  EXPECT_EQ(ev2[0].data, "123456\n789");
}

// Every way of cutting the stream gives the same events, and the raw bytes add up to the input.
TEST(SseParser, SplitsAnywhereGiveTheSameEvents) {
  const std::string stream =
      "\xEF\xBB\xBF: hi\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\n"
      "id: 3\rdata: x\rdata: y\r\r"
      "data: tail\n\n"
      "retry: 10\ndata\n\n";
  auto whole = run_whole(stream);
  ASSERT_EQ(whole.size(), 4u);
  std::string joined;
  for (const Got& g : whole) joined += g.raw;
  EXPECT_EQ(joined, stream);

  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    SseParser p;
    auto ev = run(p, {stream.substr(0, cut), stream.substr(cut)});
    EXPECT_EQ(strip_raw(ev), strip_raw(whole)) << "cut at " << cut;
  }
  SseParser by_byte;
  EXPECT_EQ(strip_raw(run(by_byte, bytes(stream))), strip_raw(whole));

  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> pieces;
    for (size_t i = 0; i < stream.size();) {
      size_t n = 1 + rng() % 9;
      pieces.push_back(stream.substr(i, n));
      i += n;
    }
    SseParser p;
    std::string tail;
    auto ev = run(p, pieces, &tail);
    EXPECT_EQ(strip_raw(ev), strip_raw(whole)) << "round " << round;
    std::string all;
    for (const Got& g : ev) all += g.raw;
    EXPECT_EQ(all + tail, stream);
  }
}

}  // namespace
}  // namespace parapet::http
