// The compat endpoint's answer side: a translated step's answer goes back in OpenAI's shape.
//
// A stream (2xx event stream to a streaming request) is translated event by event as it arrives,
// with the same backpressure as a native stream: one upstream read at a time. Anything else — a
// whole answer, or a provider's error — is read whole (up to kMaxWholeAnswer) and translated at
// once, since its status and length are only known after translation. Usage comes from the
// translator, which reads it with the provider's own extractor, so the record's usage and cost
// equal a native call's.
#include <chrono>

#include "dlp/guard.h"
#include "pipeline/answer.h"
#include "pipeline/compat.h"
#include "pipeline/dlp_phase.h"

namespace parapet::pipeline {

namespace {

// A non-streamed answer larger than this is refused (502) rather than held: chat completions are
// far smaller, and the gateway must not buffer without bound.
constexpr size_t kMaxWholeAnswer = 32u << 20;

constexpr std::string_view kStreamFields =
    "content-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n";
constexpr std::string_view kJsonFields = "content-type: application/json\r\n";

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void keep_body(Exchange& x, std::string_view sent) {
  x.cache.capture(sent);
  std::string& kept = x.record.response_body;
  if (kept.size() < x.body_capture) kept.append(sent.substr(0, x.body_capture - kept.size()));
}

void start_head(Exchange& x, int status, std::string_view fields, std::string& head) {
  head.clear();
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += reason_phrase(status);
  head += "\r\n";
  head += fields;
}

awaitable<void> translate_stream(Exchange& x, const translate::AnswerOptions& opts,
                                 Clock::time_point total_end) {
  const auto& uo = x.cfg.upstream;
  http::ResponseParser& parser = x.scratch.response;
  std::string& in = x.scratch.body_out;  // native bytes, decoded
  std::string& fwd = x.scratch.forward;  // OpenAI bytes
  auto tr = translate::make_stream_translator(*x.translation, opts);
  std::string& head = x.scratch.head;
  start_head(x, 200, kStreamFields, head);
  bool chunked = x.req.version >= 11;
  if (chunked) {
    head += "transfer-encoding: chunked\r\n";
  } else {
    x.close_after = true;  // HTTP/1.0: the close ends the stream
  }
  append_own_head_fields(x, head);
  x.record.status = 200;
  x.first_byte = Clock::now();
  x.cache.begin_own(200, std::string(kStreamFields), true);
  std::unique_ptr<dlp::AnswerGuard> guard = answer_guard(x, 200, true);
  auto outgoing = [&](bool end) -> std::string_view {
    fwd.clear();
    tr->feed(in, fwd);
    in.clear();
    if (end) tr->finish(true, fwd);
    std::string_view sent = fwd;
    if (guard) sent = guard_pass(x, *guard, sent, end);
    keep_body(x, sent);
    return sent;
  };
  auto blocked = [&] { return guard_blocked(guard.get()); };
  bool done = parser.done();
  std::string_view first = outgoing(done);
  bool ok = co_await write_client(x, head, first, chunked, done && !blocked(),
                                  earlier(total_end, Clock::now() + uo.idle_timeout));
  std::optional<Error> broken;
  while (ok && !done && !blocked()) {
    ReadResult got = co_await read_answer(x, total_end, broken);
    if (got == ReadResult::kGone || got == ReadResult::kBroken) break;
    done = got == ReadResult::kEnd || parser.done();
    std::string_view piece = outgoing(done);
    ok = co_await write_client(x, {}, piece, chunked, done && !blocked(),
                               earlier(total_end, Clock::now() + uo.idle_timeout));
  }
  in.clear();
  x.record.usage = tr->usage();
  x.record.model_answered = x.record.usage.model;
  end_answer(x, broken);
  if (guard) record_answer_dlp(x, *guard);
  if (blocked() && !x.client_gone) {
    if (chunked) {
      std::string ev =
          stream_error_event(providers::Protocol::kOpenAI, "dlp_blocked", x.record.error_message);
      co_await write_client(x, {}, ev, true, true, Clock::now() + uo.idle_timeout);
    } else {
      x.close_after = true;
    }
    co_return;
  }
  if (broken && !x.client_gone && chunked) {
    // As for native streams: an error event the OpenAI SDK raises, then a proper end.
    std::string ev =
        stream_error_event(providers::Protocol::kOpenAI, x.record.error_type, broken->message);
    co_await write_client(x, {}, ev, true, true, Clock::now() + uo.idle_timeout);
  }
}

awaitable<void> translate_whole(Exchange& x, const translate::AnswerOptions& opts,
                                Clock::time_point total_end) {
  const auto& uo = x.cfg.upstream;
  http::ResponseParser& parser = x.scratch.response;
  std::string& in = x.scratch.body_out;
  std::string native = std::move(in);
  in.clear();
  std::optional<Error> broken;
  while (!parser.done()) {
    ReadResult got = co_await read_answer(x, total_end, broken);
    if (got == ReadResult::kGone || got == ReadResult::kBroken) break;
    native += in;
    in.clear();
    if (native.size() > kMaxWholeAnswer) {
      broken = make_error(ErrorCode::kUpstreamProtocol,
                          "upstream answer over " + std::to_string(kMaxWholeAnswer) + " bytes");
      break;
    }
    if (got == ReadResult::kEnd) break;
  }
  end_answer(x, broken);
  if (x.client_gone) co_return;
  if (broken) {
    // Nothing has reached the client yet, so it gets a whole error answer, not a cut.
    x.record.stream_interrupted = false;
    Error e = *broken;
    co_await send_error(x, e);
    co_return;
  }
  translate::Answer a =
      translate::translate_answer(*x.translation, parser.head().status, native, opts);
  x.record.usage = a.usage;
  x.record.model_answered = a.usage.model;
  x.record.status = a.status;
  if (std::unique_ptr<dlp::AnswerGuard> guard = answer_guard(x, a.status, false)) {
    std::string_view checked = guard_pass(x, *guard, a.body, true);
    record_answer_dlp(x, *guard);
    if (guard->blocked()) {
      x.record.response_body.clear();
      Error e = make_error(ErrorCode::kDlpBlocked, x.record.error_message);
      co_await send_error(x, e);
      co_return;
    }
    a.body.assign(checked);
  }
  std::string& head = x.scratch.head;
  start_head(x, a.status, kJsonFields, head);
  head += "content-length: ";
  head += std::to_string(a.body.size());
  head += "\r\n";
  append_own_head_fields(x, head);
  x.first_byte = Clock::now();
  x.cache.begin_own(a.status, std::string(kJsonFields), false);
  keep_body(x, a.body);
  co_await write_client(x, head, a.body, false, true, Clock::now() + uo.idle_timeout);
}

}  // namespace

awaitable<void> translated_answer(Exchange& x, Clock::time_point total_end) {
  const http::ResponseHead& h = x.scratch.response.head();
  x.upstream_head = Clock::now();
  x.record.stream = x.translation->stream;
  std::string fallback_id = "chatcmpl-" + x.record.id;
  translate::AnswerOptions opts;
  opts.created = unix_seconds();
  opts.fallback_id = fallback_id;
  if (x.translation->stream && h.status >= 200 && h.status < 300 && is_event_stream(h)) {
    co_await translate_stream(x, opts, total_end);
  } else {
    co_await translate_whole(x, opts, total_end);
  }
}

}  // namespace parapet::pipeline
