// Micro-benchmarks of the sans-I/O HTTP/1.1 codec on the gateway's hot path: the client's chat
// request (parsed once per request) and the upstream's answer (parsed as it streams past).
// Inputs mirror ../shared/bench/peers/conf (request.json, chat.json, stream.sse) so the numbers
// line up with the end-to-end runs; the parser is reused across iterations as a connection does.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "http/request_parser.h"
#include "http/response_parser.h"

namespace {

using parapet::http::RequestLimits;
using parapet::http::RequestParser;
using parapet::http::ResponseParser;

// 483 B body, the same as the end-to-end runs send.
constexpr std::string_view kChatBody =
    R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant. )"
    R"(Answer concisely and accurately, and do not invent facts."},{"role":"user","content":"What )"
    R"(is the capital of France? Please answer in one short sentence and mention one fact about )"
    R"(the city, such as its population or a famous landmark."}],"temperature":0.2,"max_tokens":)"
    R"(128,"top_p":1,"n":1,"stream":false,"user":"bench-user-0001","metadata":{"tenant":)"
    R"("acme-corp","request_kind":"benchmark"}})";

// What the official OpenAI Python SDK sends (header set and order), with a fixed body.
std::string chat_request() {
  std::string r =
      "POST /default/openai/chat/completions HTTP/1.1\r\n"
      "Host: 127.0.0.1:8700\r\n"
      "Accept-Encoding: gzip, deflate\r\n"
      "Connection: keep-alive\r\n"
      "Accept: application/json\r\n"
      "Content-Type: application/json\r\n"
      "User-Agent: OpenAI/Python 1.54.4\r\n"
      "X-Stainless-Lang: python\r\n"
      "X-Stainless-Package-Version: 1.54.4\r\n"
      "X-Stainless-OS: Linux\r\n"
      "X-Stainless-Arch: x64\r\n"
      "X-Stainless-Runtime: CPython\r\n"
      "X-Stainless-Runtime-Version: 3.11.7\r\n"
      "Authorization: Bearer sk-bench-0000000000000000000000000000000000000000\r\n"
      "X-Stainless-Async: false\r\n"
      "x-stainless-retry-count: 0\r\n"
      "Content-Length: ";
  r += std::to_string(kChatBody.size());
  r += "\r\n\r\n";
  r += kChatBody;
  return r;
}

void BM_RequestParse_Chat(benchmark::State& state) {
  const std::string req = chat_request();
  RequestParser p;
  RequestLimits lim;
  for (auto _ : state) {
    p.reset(lim);
    auto r = p.feed(req);
    if (!r.ok() || !p.done()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(p.head().target.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(req.size()));
  state.counters["bytes"] = double(req.size());
}
BENCHMARK(BM_RequestParse_Chat);

// The same request arriving as head, then body (a client that writes them separately).
void BM_RequestParse_ChatTwoReads(benchmark::State& state) {
  const std::string req = chat_request();
  const size_t head_len = req.find("\r\n\r\n") + 4;
  std::string_view all(req);
  RequestParser p;
  RequestLimits lim;
  for (auto _ : state) {
    p.reset(lim);
    auto a = p.feed(all.substr(0, head_len));
    auto b = p.feed(all.substr(a.ok() ? *a : 0));
    if (!a.ok() || !b.ok() || !p.done()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(p.body().data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(req.size()));
}
BENCHMARK(BM_RequestParse_ChatTwoReads);

// One chat.completion.chunk event; the last content chunk carries finish_reason "stop".
std::string sse_event(std::string_view delta, bool last) {
  std::string e =
      R"(data: {"id":"chatcmpl-9pQx7bK2mZ4rT8vW1yN3sL5aD6fG0hJ","object":"chat.completion.chunk",)"
      R"("created":1721000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1",)"
      R"("choices":[{"index":0,"delta":{)";
  e += delta;
  e += R"(},"logprobs":null,"finish_reason":)";
  e += last ? R"("stop")" : "null";
  e += "}]}\n\n";
  return e;
}

// The SSE answer of ../shared/bench/peers/conf/stream.sse (10 content events, a usage event,
// [DONE]), as OpenAI sends it: chunked, one event per chunk. Returns the pieces a reader would
// see if each chunk arrived in its own read.
std::vector<std::string> sse_answer_pieces() {
  std::vector<std::string> events;
  const char* words[] = {"The", " capital", " of", " France", " is", " Paris", ",", " its", " largest",
                         " city."};
  for (int i = 0; i < 10; ++i) {
    std::string d = i == 0 ? R"("role":"assistant","content":")" : R"("content":")";
    d += words[i];
    d += '"';
    events.push_back(sse_event(d, i == 9));
  }
  events.push_back(
      R"(data: {"id":"chatcmpl-9pQx7bK2mZ4rT8vW1yN3sL5aD6fG0hJ","object":"chat.completion.chunk",)"
      R"("created":1721000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1",)"
      R"("choices":[],"usage":{"prompt_tokens":42,"completion_tokens":10,"total_tokens":52,)"
      R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":)"
      R"({"reasoning_tokens":0,"audio_tokens":0}}})"
      "\n\n");
  events.push_back("data: [DONE]\n\n");

  std::vector<std::string> pieces;
  pieces.push_back(
      "HTTP/1.1 200 OK\r\nDate: Sat, 22 Nov 2026 05:18:00 GMT\r\n"
      "Content-Type: text/event-stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
      "Connection: keep-alive\r\naccess-control-expose-headers: X-Request-ID\r\n"
      "openai-organization: user-bench\r\nopenai-processing-ms: 120\r\nopenai-version: 2020-10-01\r\n"
      "x-request-id: req_0123456789abcdef0123456789abcdef\r\nCache-Control: no-cache\r\n\r\n");
  char size[16];
  for (const auto& e : events) {
    snprintf(size, sizeof size, "%zx\r\n", e.size());
    pieces.push_back(size + e + "\r\n");
  }
  pieces.back() += "0\r\n\r\n";
  return pieces;
}

// Whole answer in one read (what a fast local upstream delivers).
void BM_ResponseParse_SseChunked_OneRead(benchmark::State& state) {
  std::string all;
  for (const auto& p : sse_answer_pieces()) all += p;
  ResponseParser p;
  std::string out;
  for (auto _ : state) {
    out.clear();
    p.reset(&out, false);
    auto r = p.feed(all);
    if (!r.ok() || !p.done()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(all.size()));
  state.counters["bytes"] = double(all.size());
}
BENCHMARK(BM_ResponseParse_SseChunked_OneRead);

// One read per event (a real model streaming tokens); body bytes are taken after each feed, as
// the proxy forwards and clears them. Like the proxy's receive buffer, bytes the parser did not
// consume yet (a chunk's trailing CRLF) stay in front of the next read.
void BM_ResponseParse_SseChunked_PerEvent(benchmark::State& state) {
  const auto pieces = sse_answer_pieces();
  size_t total = 0;
  for (const auto& p : pieces) total += p.size();
  ResponseParser p;
  std::string out, in;
  in.reserve(total);
  for (auto _ : state) {
    p.reset(&out, false);
    in.clear();
    for (const auto& piece : pieces) {
      out.clear();
      in += piece;
      auto r = p.feed(in);
      if (!r.ok()) state.SkipWithError("parse failed");
      in.erase(0, *r);
      benchmark::DoNotOptimize(out.data());
    }
    if (!p.done()) state.SkipWithError("not done");
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(total));
  state.counters["reads"] = double(pieces.size());
}
BENCHMARK(BM_ResponseParse_SseChunked_PerEvent);

// The non-streaming answer (558 B chat.completion with Content-Length), for comparison.
void BM_ResponseParse_Json(benchmark::State& state) {
  const std::string body =
      R"({"id":"chatcmpl-9pQx7bK2mZ4rT8vW1yN3sL5aD6fG0hJ","object":"chat.completion","created":)"
      R"(1721000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":)"
      R"("assistant","content":"The capital of France is Paris, its largest city and cultural )"
      R"(center.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{)"
      R"("prompt_tokens":42,"completion_tokens":15,"total_tokens":57,"prompt_tokens_details":{)"
      R"("cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,)"
      R"("audio_tokens":0}},"system_fingerprint":"fp_0ba0d124f1"})"
      "\n";
  const std::string all = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sat, 22 Nov 2026 05:18:00 GMT\r\n"
                          "Content-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\nConnection: keep-alive\r\n\r\n" + body;
  ResponseParser p;
  std::string out;
  for (auto _ : state) {
    out.clear();
    p.reset(&out, false);
    auto r = p.feed(all);
    if (!r.ok() || !p.done()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(all.size()));
}
BENCHMARK(BM_ResponseParse_Json);

}  // namespace
