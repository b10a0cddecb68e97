// Entry: replayable headers and the persistent byte form.
#include "cache/entry.h"

#include <cstring>

namespace parapet::cache {

bool replayable(std::string_view name) {
  using http::iequals;
  return !(http::is_hop_by_hop(name) || iequals(name, "content-length") ||
           iequals(name, "set-cookie") || iequals(name, "set-cookie2") || iequals(name, "date") ||
           iequals(name, "age") || iequals(name, "server-timing") ||
           iequals(name, "x-parapet-log-id") || iequals(name, "x-parapet-cache-status"));
}

std::string replay_headers(const http::HeaderList& h) {
  std::string_view connection = h.get("connection");
  std::string out;
  for (const auto& f : h) {
    if (!replayable(f.name)) continue;
    if (!connection.empty() && http::list_has_token(connection, f.name)) continue;
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
  return out;
}

namespace {

constexpr uint32_t kMagic = 0x31435050;  // "PPC1"

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
}
void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out += s;
}

struct Reader {
  std::string_view in;
  bool ok = true;
  uint64_t u64() {
    if (in.size() < 8) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(8);
    return v;
  }
  std::string str() {
    uint64_t n = u64();
    if (!ok || n > in.size()) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

}  // namespace

std::string serialize(const Entry& e) {
  std::string out;
  out.reserve(e.bytes() + 128);
  put_u64(out, kMagic);
  put_str(out, e.gateway);
  put_u64(out, static_cast<uint64_t>(e.status));
  put_str(out, e.reason);
  put_str(out, e.headers);
  put_str(out, e.body);
  put_u64(out, e.stream ? 1 : 0);
  const Usage& u = e.usage;
  for (int64_t v : {u.input, u.output, u.cached_read, u.cache_write, u.reasoning}) {
    put_u64(out, static_cast<uint64_t>(v));
  }
  put_u64(out, static_cast<uint64_t>(u.source));
  put_u64(out, u.partial ? 1 : 0);
  put_str(out, u.model);
  put_u64(out, static_cast<uint64_t>(e.created_ms));
  put_u64(out, static_cast<uint64_t>(e.expires_ms));
  return out;
}

std::optional<Entry> parse(std::string_view bytes) {
  Reader r{bytes};
  if (r.u64() != kMagic || !r.ok) return std::nullopt;
  Entry e;
  e.gateway = r.str();
  e.status = static_cast<int>(r.u64());
  e.reason = r.str();
  e.headers = r.str();
  e.body = r.str();
  e.stream = r.u64() != 0;
  for (int64_t* v : {&e.usage.input, &e.usage.output, &e.usage.cached_read, &e.usage.cache_write,
                     &e.usage.reasoning}) {
    *v = static_cast<int64_t>(r.u64());
  }
  uint64_t source = r.u64();
  if (source > static_cast<uint64_t>(UsageSource::kEstimated)) r.ok = false;
  e.usage.source = static_cast<UsageSource>(source);
  e.usage.partial = r.u64() != 0;
  e.usage.model = r.str();
  e.created_ms = static_cast<int64_t>(r.u64());
  e.expires_ms = static_cast<int64_t>(r.u64());
  if (!r.ok || !r.in.empty() || e.status < 200 || e.status > 299) return std::nullopt;
  return e;
}

}  // namespace parapet::cache
