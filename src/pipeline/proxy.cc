// The request's path through the gateway, in phase order (VISION.md "Architecture").
#include <algorithm>
#include <array>
#include <charconv>

#include "cost/cost.h"
#include "dlp/guard.h"
#include "http/headers.h"
#include "observe/metadata.h"
#include "pipeline/answer.h"
#include "pipeline/cache_phase.h"
#include "pipeline/compat.h"
#include "pipeline/dlp_phase.h"
#include "pipeline/exchange.h"
#include "pipeline/phases.h"
#include "pipeline/upstream.h"
#include "providers/usage.h"
#include "route/router.h"

namespace parapet::pipeline {

namespace {

using http::iequals;

constexpr size_t kReadChunk = 16384;

bool has_prefix_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// server-timing: how long the gateway took before sending upstream, and how long the upstream took
// to start answering — the split a client needs to know whom to blame for latency.
void append_server_timing(const Exchange& x, std::string& out) {
  if (x.upstream_sent == Clock::time_point{}) return;
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "server-timing: gateway;dur=%.3f, upstream;dur=%.3f\r\n",
                        ms_between(x.started, x.upstream_sent),
                        ms_between(x.upstream_sent, x.upstream_head));
  if (n > 0) out.append(buf, std::min<size_t>(n, sizeof buf - 1));
}

// The answer head as the client sees it. Framing is ours: the upstream's length is kept when it
// gave one, otherwise the body is chunked to HTTP/1.1 clients and closed-delimited to HTTP/1.0.
void build_client_head(Exchange& x, const http::ResponseHead& h, bool head_request, bool& chunk_out,
                       std::string& out) {
  out.clear();
  out += "HTTP/1.1 ";
  out += std::to_string(h.status);
  out += ' ';
  out += h.reason.empty() ? reason_phrase(h.status) : h.reason;
  out += "\r\n";
  std::string_view connection = h.headers.get("connection");
  for (const auto& f : h.headers) {
    if (http::is_hop_by_hop(f.name) || iequals(f.name, "content-length") ||
        (!connection.empty() && http::list_has_token(connection, f.name))) {
      continue;
    }
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
  bool no_body = head_request || h.status == 204 || h.status == 304;
  chunk_out = false;
  if (no_body) {
    if (h.has_content_length && h.status != 204) {
      out += "content-length: " + std::to_string(h.content_length) + "\r\n";
    }
  } else if (h.has_content_length && !h.chunked) {
    out += "content-length: " + std::to_string(h.content_length) + "\r\n";
  } else if (x.req.version >= 11) {
    out += "transfer-encoding: chunked\r\n";
    chunk_out = true;
  } else {
    x.close_after = true;  // HTTP/1.0 without a length: the close ends the body
  }
  append_own_head_fields(x, out);
}

void append_chunk_size(std::string& frame, size_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n, 16);
  frame.append(buf, end);
  frame += "\r\n";
}

}  // namespace

void append_own_head_fields(Exchange& x, std::string& out) {
  out += "x-parapet-log-id: ";
  out += x.record.id;
  out += "\r\n";
  if (x.step >= 0) {
    out += "x-parapet-step: ";
    out += std::to_string(x.step);
    out += "\r\n";
  }
  if (!x.record.cache_status.empty()) {
    out += "x-parapet-cache-status: ";
    out += x.record.cache_status;
    out += "\r\n";
  }
  append_server_timing(x, out);
  if (x.draining || !x.req.keep_alive) x.close_after = true;
  if (x.close_after) {
    out += "connection: close\r\n";
  } else if (x.req.version == 10) {
    out += "connection: keep-alive\r\n";
  }
  out += "\r\n";
}

awaitable<bool> write_client(Exchange& x, std::string_view prefix, std::string_view data,
                             bool chunked, bool last, Clock::time_point deadline) {
  std::array<asio::const_buffer, 5> bufs;
  size_t n = 0;
  if (!prefix.empty()) bufs[n++] = asio::buffer(prefix);
  std::string& frame = x.scratch.frame;
  frame.clear();
  if (chunked && !data.empty()) {
    append_chunk_size(frame, data.size());
    bufs[n++] = asio::buffer(frame);
    bufs[n++] = asio::buffer(data);
    bufs[n++] = asio::buffer("\r\n", 2);
  } else if (!data.empty()) {
    bufs[n++] = asio::buffer(data);
  }
  if (chunked && last) bufs[n++] = asio::buffer("0\r\n\r\n", 5);
  if (n == 0) co_return true;
  // A client that does not take the answer holds its connection and a stream upstream: each write
  // gets at most limits.send_timeout (nginx send_timeout), whatever the caller allows.
  x.watchdog.set(std::min(deadline, Clock::now() + x.cfg.limits.send_timeout), kClientWrite);
  auto [ec, written] = co_await asio::async_write(
      x.client, std::span<asio::const_buffer>(bufs.data(), n), use_nothrow);
  if (ec) {
    x.client_gone = true;
    x.close_after = true;
    co_return false;
  }
  x.record.bytes_out += data.size();
  co_return true;
}

namespace {

std::string_view phase_name(int phase) {
  switch (phase) {
    case kConnect:
      return "connect";
    case kFirstByte:
      return "first byte";
    case kUpstreamIdle:
      return "idle";
    case kTotal:
      return "total";
    case kClientWrite:
      return "client write";
    default:
      return "request";
  }
}

}  // namespace

// What went wrong, preferring the deadline's verdict: a closed socket after expiry is a timeout.
Error upstream_failure(const Exchange& x, const Error& e) {
  int fired = x.watchdog.fired();
  if (fired >= kConnect && fired <= kTotal) {
    return make_error(ErrorCode::kUpstreamTimeout,
                      "upstream " + std::string(phase_name(fired)) + " timeout");
  }
  return e;
}

bool is_event_stream(const http::ResponseHead& h) {
  return has_prefix_ci(http::trim(h.headers.get("content-type")), "text/event-stream");
}

// The SSE event that tells a client its stream was cut, in the shape its SDK raises as an error:
// Gemini's SDK reads only `data:` lines and throws on {"error":{"code":5xx,...}}; the OpenAI and
// Anthropic SDKs throw on an `event: error` (Anthropic's own error event shape, which also keeps
// our {"error":{"type","message"}} rule).
std::string stream_error_event(providers::Protocol protocol, std::string_view type,
                               std::string_view message) {
  std::string ev;
  if (protocol == providers::Protocol::kGemini) {
    bool timeout = type == "upstream_timeout";
    ev = "data: {\"error\":{\"code\":";
    ev += timeout ? "504" : "502";
    ev += ",\"message\":\"";
    append_json_escaped(ev, type);
    ev += ": ";
    append_json_escaped(ev, message);
    ev += "\",\"status\":\"";
    ev += timeout ? "DEADLINE_EXCEEDED" : "UNAVAILABLE";
    ev += "\"}}\n\n";
    return ev;
  }
  ev = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"";
  append_json_escaped(ev, type);
  ev += "\",\"message\":\"";
  append_json_escaped(ev, message);
  ev += "\"}}\n\n";
  return ev;
}

awaitable<ReadResult> read_answer(Exchange& x, Clock::time_point total_end,
                                  std::optional<Error>& broken) {
  const auto& uo = x.cfg.upstream;
  http::ResponseParser& parser = x.scratch.response;
  Buffer& in = x.scratch.upstream_in;
  x.watchdog.set(earlier(total_end, Clock::now() + uo.idle_timeout), kUpstreamIdle);
  size_t avail = 0;
  char* p = in.prepare(kReadChunk, &avail);
  auto [ec, n] = co_await x.upstream->read_some(asio::buffer(p, avail));
  if (ec || n == 0) {
    if (x.client_gone) co_return ReadResult::kGone;
    if (parser.head().body_until_eof && x.watchdog.fired() < 0 &&
        (ec == asio::error::eof || ec.value() == 0 || ec == asio::ssl::error::stream_truncated)) {
      parser.finish_eof();
      co_return ReadResult::kEnd;
    }
    broken = upstream_failure(
        x, make_error(ErrorCode::kUpstreamUnreachable,
                      "upstream connection lost mid-answer" + (ec ? ": " + ec.message() : "")));
    co_return ReadResult::kBroken;
  }
  in.commit(n);
  auto fed = parser.feed(in.data());
  if (!fed) {
    broken = fed.error();
    co_return ReadResult::kBroken;
  }
  in.consume(*fed);
  co_return ReadResult::kData;
}

void end_answer(Exchange& x, const std::optional<Error>& broken) {
  http::ResponseParser& parser = x.scratch.response;
  const http::ResponseHead& h = parser.head();
  // Bytes past the end of the answer mean the upstream's framing cannot be trusted: they are
  // dropped, and so is the connection (reading them as the next answer would splice answers).
  Buffer& in = x.scratch.upstream_in;
  bool leftover = in.size() > 0;
  in.consume(in.size());
  if (x.client_gone) {
    x.record.status = 499;
    x.record.error_type = "client_closed";
    x.record.error_message = "client went away during the answer";
    x.record.stream_interrupted = true;
  } else if (broken) {
    // A timeout and a malformed answer keep their own types; anything else that cut the answer
    // (reset, close before its end) is a reset.
    bool own_type =
        broken->code == ErrorCode::kUpstreamTimeout || broken->code == ErrorCode::kUpstreamProtocol;
    x.record.error_type = own_type ? error_type(broken->code) : "upstream_reset";
    x.record.error_message = broken->message;
    x.record.stream_interrupted = true;
    x.close_after = true;
  }
  bool reusable = parser.done() && !broken && !leftover && !x.client_gone && h.keep_alive &&
                  !h.body_until_eof && x.watchdog.fired() < 0;
  if (reusable) {
    x.env.pool.put(std::move(x.upstream), x.cfg.upstream.max_idle_per_host);
  } else if (x.upstream) {
    x.upstream->close();
  }
  x.upstream.reset();
}

namespace {

// Where the answer's head stands: sent with the first bytes, or held until the answer is whole
// (a DLP block policy checks whole answers before any byte goes out).
struct Sending {
  bool head_sent = false;
  bool hold = false;
  bool chunked = false;
};

awaitable<bool> send_piece(Exchange& x, Sending& s, std::string_view data, bool last,
                           Clock::time_point deadline) {
  if (s.hold && !last) co_return true;
  std::string_view prefix = s.head_sent ? std::string_view() : std::string_view(x.scratch.head);
  s.head_sent = true;
  co_return co_await write_client(x, prefix, data, s.chunked, last, deadline);
}

}  // namespace

namespace {
void settle(Exchange& x);
}  // namespace

// Forwards the answer body as it arrives. Backpressure: the next upstream read starts only after
// the client took the previous bytes, so memory stays at one read per stream.
awaitable<void> stream_answer(Exchange& x, providers::Protocol protocol,
                              Clock::time_point total_end) {
  if (x.translation) {
    co_await translated_answer(x, total_end);
    co_return;
  }
  const auto& uo = x.cfg.upstream;
  http::ResponseParser& parser = x.scratch.response;
  const http::ResponseHead& h = parser.head();
  std::string& out = x.scratch.body_out;
  bool head_request = x.req.method == "HEAD";
  Sending s;
  x.upstream_head = Clock::now();
  build_client_head(x, h, head_request, s.chunked, x.scratch.head);
  x.record.status = h.status;
  x.record.stream = x.stream_requested || is_event_stream(h);
  x.first_byte = Clock::now();
  if (!head_request) x.cache.begin(h, is_event_stream(h));

  // Usage is read from successful answers as they pass. Hiding the injected usage chunk changes
  // the body's length, so it is only done when the framing is ours (chunked or close-delimited).
  std::unique_ptr<providers::UsageExtractor> usage;
  if (h.status >= 200 && h.status < 300 && !head_request) {
    bool hide = x.hide_usage_chunk && !(h.has_content_length && !h.chunked);
    usage = providers::make_usage_extractor(x.protocol, x.endpoint, x.stream_requested, hide);
  }
  std::unique_ptr<dlp::AnswerGuard> guard =
      head_request ? nullptr : answer_guard(x, h.status, is_event_stream(h));
  s.hold = guard_holds_whole(guard.get());
  std::string& fwd = x.scratch.forward;
  // What goes to the client of the bytes in `out`: the extractor's output when there is one, then
  // what the DLP guard lets through. `end`: these are the answer's last bytes.
  auto outgoing = [&](bool end) -> std::string_view {
    std::string_view sent = out;
    if (usage) {
      fwd.clear();
      usage->feed(out, fwd);
      if (x.hide_usage_chunk) providers::strip_null_usage(fwd);
      sent = fwd;
    }
    if (guard) sent = guard_pass(x, *guard, sent, end);
    x.cache.capture(sent);
    std::string& kept = x.record.response_body;
    if (kept.size() < x.body_capture) kept.append(sent.substr(0, x.body_capture - kept.size()));
    return sent;
  };

  // Before the answer's last bytes: its usage is whole, so it is priced and the limit holds
  // settle (settle()), and the client's next request sees this one's spend, not its reservation.
  bool usage_read = false;
  auto complete = [&](std::optional<Error>* broken) {
    if (usage && !usage_read) {
      usage->finish(parser.done() && !(broken && *broken) && !x.client_gone);
      x.record.usage = usage->usage();
      x.record.model_answered = x.record.usage.model;
    }
    usage_read = true;
  };
  auto settle_if_last = [&](bool last, std::optional<Error>* broken) {
    if (!last || guard_blocked(guard.get())) return;
    complete(broken);
    settle(x);
  };

  bool done = parser.done();
  std::string_view first = outgoing(done);
  settle_if_last(done, nullptr);
  bool ok = co_await send_piece(x, s, first, done && !guard_blocked(guard.get()),
                                earlier(total_end, Clock::now() + uo.idle_timeout));
  out.clear();
  std::optional<Error> broken;
  while (ok && !done && !guard_blocked(guard.get())) {
    ReadResult got = co_await read_answer(x, total_end, broken);
    if (got == ReadResult::kGone || got == ReadResult::kBroken) break;
    done = got == ReadResult::kEnd || parser.done();
    std::string_view piece = outgoing(done);
    settle_if_last(done, &broken);
    ok = co_await send_piece(x, s, piece, done && !guard_blocked(guard.get()),
                             earlier(total_end, Clock::now() + uo.idle_timeout));
    out.clear();
  }
  out.clear();
  complete(&broken);
  end_answer(x, broken);
  if (guard) record_answer_dlp(x, *guard);
  if (guard_blocked(guard.get()) && !x.client_gone) {
    x.cache.fill = false;
    if (!s.head_sent) {  // a whole answer held back: the client gets the refusal instead
      x.record.response_body.clear();
      Error e = make_error(ErrorCode::kDlpBlocked, x.record.error_message);
      co_await send_error(x, e);
      co_return;
    }
    if (s.chunked && is_event_stream(h)) {
      std::string ev = stream_error_event(protocol, "dlp_blocked", x.record.error_message);
      co_await write_client(x, {}, ev, true, true, Clock::now() + uo.idle_timeout);
    } else {
      x.close_after = true;  // the client sees a cut answer
    }
    co_return;
  }
  if (broken && !x.client_gone && s.chunked && is_event_stream(h)) {
    // The SDKs raise an error event as an exception; the stream then ends properly so the
    // client neither hangs nor mistakes the cut for a complete answer. Otherwise the connection
    // closes without the terminating chunk / before Content-Length bytes, which every client
    // reports as a truncated answer.
    std::string ev = stream_error_event(protocol, x.record.error_type, broken->message);
    co_await write_client(x, {}, ev, true, true, Clock::now() + uo.idle_timeout);
  }
}

namespace {

// What every request to a gateway is read for, once: metadata and custom cost (400 when
// malformed), and whether bodies are kept.
Result<bool> plan_common(Exchange& x, std::string_view gateway,
                         std::optional<cost::CustomCost>& custom_cost) {
  observe::RequestRecord& r = x.record;
  r.gateway = gateway;
  if (std::string_view m = x.req.headers.get("x-parapet-metadata"); !m.empty()) {
    auto meta = observe::parse_metadata(m);
    if (!meta) return meta.error();
    r.metadata_json = std::move(*meta);
  }
  if (std::string_view c = x.req.headers.get("x-parapet-custom-cost"); !c.empty()) {
    auto cc = cost::parse_custom_cost(c);
    if (!cc)
      return make_error(ErrorCode::kBadRequest, "x-parapet-custom-cost: " + cc.error().message);
    custom_cost = *cc;
  }
  // Bodies are kept when the gateway (or [logs] bodies) says so; x-parapet-collect-log: true/false
  // overrides per request. The copy is taken before any rewrite: what the client sent.
  bool bodies = x.cfg.logs.bodies;
  for (const auto& g : x.cfg.gateways_with_bodies) bodies = bodies || g == gateway;
  if (std::string_view c = x.req.headers.get("x-parapet-collect-log"); !c.empty()) {
    if (http::iequals(c, "true") || c == "1") {
      bodies = true;
    } else if (http::iequals(c, "false") || c == "0") {
      bodies = false;
    } else {
      return make_error(ErrorCode::kBadRequest, "x-parapet-collect-log must be true or false");
    }
  }
  if (bodies && x.cfg.logs.body_max_bytes > 0) {
    x.body_capture = x.cfg.logs.body_max_bytes;
    r.request_body.assign(x.body, 0, std::min(x.body.size(), x.body_capture));
  }
  return true;
}

// Reads what later phases need from a routed request, once: endpoint, model, streaming, and asks
// for streamed usage where needed.
Result<bool> plan_request(Exchange& x, const route::Target& t,
                          std::optional<cost::CustomCost>& custom_cost) {
  PARAPET_TRY(plan_common(x, t.gateway, custom_cost));
  observe::RequestRecord& r = x.record;
  std::string_view native = t.native;
  size_t q = native.find('?');
  x.endpoint = native.substr(0, q);
  r.provider = t.upstream->name;
  // The query can carry credentials (Gemini's ?key=): records keep the path only.
  r.endpoint = x.endpoint;
  std::string_view query = q == std::string_view::npos ? std::string_view() : native.substr(q + 1);
  x.protocol = t.upstream->protocol;
  if (x.protocol == providers::Protocol::kHttp) return true;
  providers::RequestFacts facts = providers::inspect_request(x.protocol, x.endpoint, query, x.body);
  r.model_requested = std::move(facts.model);
  x.stream_requested = facts.stream;
  if (facts.stream && !facts.client_asked_usage &&
      providers::takes_include_usage(x.protocol, x.endpoint) &&
      may_inject_include_usage(*t.upstream)) {
    x.hide_usage_chunk = providers::inject_include_usage(x.body);
  }
  return true;
}

// Cost: the client's own figure when it sent one, else table prices for the model that answered
// (or was asked for). The table's version goes on every record so old costs stay explainable.
void price(Exchange& x, const std::optional<cost::CustomCost>& custom_cost) {
  observe::RequestRecord& r = x.record;
  r.price_version = x.cfg.prices->version();
  if (custom_cost) {
    r.cost_micros = cost::cost_micros(r.usage, *custom_cost);
    r.cost_custom = true;
    return;
  }
  if (r.usage.source == UsageSource::kNone) return;
  // The answered model is the precise one (a dated snapshot); when the table does not know it, the
  // requested name is the next best.
  const cost::Price* p = nullptr;
  if (!r.model_answered.empty()) p = x.cfg.prices->find(r.provider, r.model_answered);
  if (!p && !r.model_requested.empty()) p = x.cfg.prices->find(r.provider, r.model_requested);
  if (p) r.cost_micros = cost::cost_micros(r.usage, *p);
}

// Idempotent: run() settles again after the answer for the paths that do not call it earlier.
void settle(Exchange& x) {
  if (x.custom_cost) price(x, *x.custom_cost);
  if (x.ticket) finish_limits(x, *x.ticket);
}

// Upstream and stream back (pipeline/attempt.cc), then what the answer cost.
awaitable<void> upstream_phase(Exchange& x, std::vector<Step>& steps,
                               const reliability::RetrySettings& retry, bool report_step,
                               const std::optional<cost::CustomCost>& custom_cost) {
  co_await proxy(x, steps, retry, report_step);
  if (x.upstream_sent != Clock::time_point{}) {
    x.record.upstream_us =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - x.upstream_sent)
            .count();
  }
  price(x, custom_cost);
}

}  // namespace

awaitable<void> run(Exchange& x) {
  observe::RequestRecord& r = x.record;
  if (x.started == Clock::time_point{}) x.started = Clock::now();
  r.id = x.env.ids.next(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
  r.method = x.req.method;
  r.client_ip = x.client_ip;
  r.bytes_in = x.body.size();

  route::Target target;
  std::optional<cost::CustomCost> custom_cost;
  std::vector<Step> steps;  // what the upstream phase tries, in order (pipeline/upstream.h)
  Result<reliability::RetrySettings> retry = reliability::RetrySettings{};
  limits::Limiter::Ticket ticket;
  x.ticket = &ticket;
  x.custom_cost = &custom_cost;
  CompatRequest compat;  // the compat endpoint's reading of `model` (pipeline/compat.h)
  if (auto routed = route::resolve(x.cfg, x.req.target, target); !routed) {
    r.gateway = target.gateway;
    co_await send_error(x, routed.error());
  } else if (std::string waf_body; !waf_check(x, target, waf_body)) {
    r.gateway = target.gateway;
    if (target.upstream) r.provider = target.upstream->name;
    r.endpoint = target.native.substr(0, target.native.find('?'));
    co_await send_local(x, error_status(ErrorCode::kWafBlocked), "application/json", waf_body);
  } else if (target.universal) {
    auto plan = plan_common(x, target.gateway, custom_cost);
    if (plan) plan = universal_steps(x, target, steps);
    if (plan && !(retry = retry_settings(x, target.gateway))) plan = retry.error();
    if (plan) plan = check_limits(x, custom_cost, ticket);
    if (!plan) {
      co_await send_error(x, plan.error());
    } else {
      co_await upstream_phase(x, steps, *retry, true, custom_cost);
    }
  } else if (target.compat && is_compat_models(x, target)) {
    r.gateway = target.gateway;
    co_await send_compat_models(x);
  } else if (auto model = target.compat ? compat_route(x, target, compat) : Result<bool>(true);
             !model) {
    r.gateway = target.gateway;
    co_await send_error(x, model.error());
  } else if (auto auth = authorize(x, target); !auth) {
    r.gateway = target.gateway;
    r.provider = target.upstream->name;
    co_await send_error(x, auth.error());
  } else if (auto cached = cache_prepare(x, target); !cached) {
    co_await send_error(x, cached.error());
  } else if (auto plan = target.compat ? plan_common(x, target.gateway, custom_cost)
                                       : plan_request(x, target, custom_cost);
             !plan) {
    co_await send_error(x, plan.error());
  } else if (auto prompt = check_prompt(x); !prompt) {
    co_await send_error(x, prompt.error());
  } else if (retry = retry_settings(x, target.gateway); !retry) {
    co_await send_error(x, retry.error());
  } else if (auto planned = target.compat ? compat_steps(x, target, compat, steps)
                                          : native_steps(x, target, steps);
             !planned) {
    co_await send_error(x, planned.error());
  } else if (auto lim = check_limits(x, custom_cost, ticket); !lim) {
    co_await send_error(x, lim.error());
  } else {
    if (co_await cache_lookup(x, target)) {
      price(x, custom_cost);  // a replayed HIT: what the call would have cost (cache_fill)
    } else {
      co_await upstream_phase(x, steps, *retry, steps.size() > 1, custom_cost);
    }
    co_await cache_fill(x);
  }
  finish_limits(x, ticket);
  x.watchdog.clear();
  log(x.env, std::move(r), x.started, x.first_byte);
}

}  // namespace parapet::pipeline
