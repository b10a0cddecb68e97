// The cache phase: controls, key, lookup with coalescing, replay, fill.
#include "pipeline/cache_phase.h"

#include <charconv>
#include <span>

#include "http/headers.h"

namespace parapet::pipeline {

namespace {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The x-parapet-* control, or its Cloudflare alias when only that was sent.
std::string_view control(const http::RequestHead& req, std::string_view ours,
                         std::string_view cloudflare) {
  std::string_view v = req.headers.get(ours);
  return v.empty() ? req.headers.get(cloudflare) : v;
}

std::string cache_key(const Exchange& x, const route::Target& t, const config::GatewayCache& g) {
  const CacheState& cs = x.cache;
  std::string_view native = t.native;
  size_t q = native.find('?');
  std::string_view query = q == std::string_view::npos ? std::string_view() : native.substr(q + 1);
  cache::KeyParts p;
  p.gateway = t.gateway;
  p.provider = t.upstream->name;
  p.method = x.req.method;
  p.path = native.substr(0, q);
  p.query = query;
  for (size_t i = 0; i < cache::kVaryHeaders.size(); ++i) {
    p.vary[i] = x.req.headers.get(cache::kVaryHeaders[i]);
  }
  p.body = cs.body_digest;
  p.custom_key = cs.controls.custom_key;
  std::string part;
  if (!g.shared) {
    std::vector<std::pair<std::string_view, std::string_view>> creds;
    for (auto name : cache::kCredentialHeaders) creds.emplace_back(name, x.req.headers.get(name));
    part = cache::partition(x.record.key_id, creds, query);
  }
  p.partition = part;
  return cache::make_key(p);
}

// Replays e to the client: its status, headers and body, framed by us (length, or chunked for an
// event stream, which every SSE client reads the same as the original).
awaitable<void> serve(Exchange& x, const cache::Entry& e, int64_t now_ms) {
  observe::RequestRecord& r = x.record;
  std::string& head = x.scratch.head;
  head.clear();
  head += "HTTP/1.1 ";
  head += std::to_string(e.status);
  head += ' ';
  head += e.reason.empty() ? reason_phrase(e.status) : std::string_view(e.reason);
  head += "\r\n";
  head += e.headers;
  bool chunked = false;
  if (!e.stream) {
    head += "content-length: " + std::to_string(e.body.size()) + "\r\n";
  } else if (x.req.version >= 11) {
    head += "transfer-encoding: chunked\r\n";
    chunked = true;
  } else {
    x.close_after = true;  // HTTP/1.0: the close ends the stream
  }
  int64_t age_s = std::max<int64_t>(0, (now_ms - e.created_ms) / 1000);
  head += "age: " + std::to_string(age_s) + "\r\n";
  head += "x-parapet-cache-status: HIT\r\nx-parapet-log-id: ";
  head += r.id;
  head += "\r\n";
  if (x.draining || !x.req.keep_alive) x.close_after = true;
  if (x.close_after) {
    head += "connection: close\r\n";
  } else if (x.req.version == 10) {
    head += "connection: keep-alive\r\n";
  }
  head += "\r\n";
  std::string& frame = x.scratch.frame;
  frame.clear();
  if (chunked && !e.body.empty()) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, e.body.size(), 16);
    frame.append(buf, end);
    frame += "\r\n";
  }
  std::array<asio::const_buffer, 4> bufs;
  size_t n = 0;
  bufs[n++] = asio::buffer(head);
  if (!frame.empty()) bufs[n++] = asio::buffer(frame);
  bufs[n++] = asio::buffer(e.body);
  if (chunked) {
    bufs[n++] = e.body.empty() ? asio::buffer("0\r\n\r\n", 5) : asio::buffer("\r\n0\r\n\r\n", 7);
  }
  r.status = e.status;
  r.stream = e.stream;
  r.usage = e.usage;
  r.model_answered = e.usage.model;
  r.cache_status = "HIT";
  if (x.body_capture > 0)
    r.response_body.assign(e.body, 0, std::min(e.body.size(), x.body_capture));
  x.first_byte = Clock::now();
  x.watchdog.set(Clock::now() + x.cfg.limits.send_timeout, kClientWrite);
  auto [ec, written] = co_await asio::async_write(
      x.client, std::span<asio::const_buffer>(bufs.data(), n), use_nothrow);
  if (ec) {
    x.client_gone = true;
    x.close_after = true;
    r.status = 499;
    r.error_type = "client_closed";
    r.error_message = "client went away during the answer";
    co_return;
  }
  r.bytes_out += e.body.size();
}

}  // namespace

Result<bool> cache_prepare(Exchange& x, const route::Target& t) {
  if (!x.env.cache) return true;
  config::GatewayCache g = x.cfg.cache_for(t.gateway);
  auto c = cache::parse_controls(g.ttl_s, x.req.method,
                                 control(x.req, "x-parapet-cache-ttl", "cf-aig-cache-ttl"),
                                 control(x.req, "x-parapet-skip-cache", "cf-aig-skip-cache"),
                                 control(x.req, "x-parapet-cache-key", "cf-aig-cache-key"));
  if (!c) {
    x.record.gateway = t.gateway;
    x.record.provider = t.upstream->name;
    return c.error();
  }
  x.cache.controls = std::move(*c);
  if (x.cache.controls.cacheable && !x.cache.controls.bypass &&
      x.cache.controls.custom_key.empty()) {
    x.cache.body_digest = cache::body_digest(x.body);
  }
  return true;
}

awaitable<bool> cache_lookup(Exchange& x, const route::Target& t) {
  CacheState& cs = x.cache;
  cache::Cache* c = x.env.cache;
  if (!c || !cs.controls.cacheable) co_return false;
  if (cs.controls.bypass) {
    x.record.cache_status = "BYPASS";
    c->counters().bypasses.fetch_add(1, std::memory_order_relaxed);
    co_return false;
  }
  config::GatewayCache g = x.cfg.cache_for(t.gateway);
  cs.key = cache_key(x, t, g);
  cs.owner = c;
  int64_t now = wall_ms();
  cache::EntryPtr e = co_await c->lookup(cs.key, now);
  if (!e) {
    bool leader = false;
    auto flight = c->join(cs.key, leader);
    if (leader) {
      cs.flight = std::move(flight);
    } else {
      // An identical request is in flight: wait for its answer rather than ask again.
      // Bounded like the upstream exchange it stands in for; the watchdog gets the same deadline
      // in the first-byte phase so an older phase's deadline cannot fire during the wait.
      asio::any_io_executor ex = x.client.get_executor();
      Clock::time_point deadline = Clock::now() + x.cfg.upstream.total_timeout;
      x.watchdog.set(deadline, kFirstByte);
      co_await flight->wait(ex, deadline);
      now = wall_ms();
      e = co_await c->lookup(cs.key, now);
      if (e) {
        c->counters().coalesced.fetch_add(1, std::memory_order_relaxed);
      } else if (x.client_gone) {
        // Nobody to answer: do not start an upstream request for a client that left.
        x.record.cache_status = "MISS";
        x.record.status = 499;
        x.record.error_type = "client_closed";
        x.record.error_message = "client went away while waiting for an identical request";
        x.close_after = true;
        co_return true;
      }
    }
  }
  if (e) {
    c->counters().hits.fetch_add(1, std::memory_order_relaxed);
    co_await serve(x, *e, now);
    co_return true;
  }
  c->counters().misses.fetch_add(1, std::memory_order_relaxed);
  x.record.cache_status = "MISS";
  cs.fill = true;
  cs.limit = c->max_entry_bytes();
  co_return false;
}

awaitable<void> cache_fill(Exchange& x) {
  CacheState& cs = x.cache;
  observe::RequestRecord& r = x.record;
  if (r.cache_status == "HIT") {
    // What the call would have cost at table prices; nothing was spent.
    r.saved_micros = r.cost_micros;
    r.cost_micros = 0;
    co_return;
  }
  bool complete = cs.began && !cs.too_big && x.scratch.response.done() && !x.client_gone &&
                  !r.stream_interrupted && r.error_type.empty() && r.status >= 200 &&
                  r.status < 300 && x.req.method != "HEAD";
  if (cs.fill && complete && cs.owner) {
    auto e = std::make_shared<cache::Entry>();
    e->gateway = r.gateway;
    e->status = cs.status;
    e->reason = std::move(cs.reason);
    e->headers = std::move(cs.headers);
    e->body = std::move(cs.body);
    e->stream = cs.stream;
    e->usage = r.usage;
    e->created_ms = wall_ms();
    e->expires_ms = e->created_ms + cs.controls.ttl_s * 1000;
    cache::EntryPtr entry = std::move(e);
    co_await cs.owner->store(cs.key, entry);
  }
  if (cs.flight) {
    auto f = std::move(cs.flight);
    cs.flight.reset();
    cs.owner->finish_flight(cs.key, f);
  }
}

}  // namespace parapet::pipeline
