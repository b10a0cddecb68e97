#include <memory>
#include <string_view>

#include "config/config.h"
#include "fuzz/fields_fuzz.h"
#include "providers/json_scan.h"
#include "providers/usage.h"
#include "route/router.h"

namespace parapet::fuzz {
namespace {

using providers::Protocol;
namespace json = providers::json;

constexpr Protocol kProtocols[] = {Protocol::kOpenAI, Protocol::kAnthropic, Protocol::kGemini,
                                   Protocol::kCohere, Protocol::kHttp};
constexpr std::string_view kEndpoints[] = {"/chat/completions",
                                           "/v1/responses",
                                           "/v1/messages",
                                           "/v1/embeddings",
                                           "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
                                           "/v1beta/models/m:generateContent",
                                           "/models"};

bool same(const providers::RequestFacts& a, const providers::RequestFacts& b) {
  return a.model == b.model && a.stream == b.stream && a.client_asked_usage == b.client_asked_usage;
}

std::string facts(std::string_view in) {
  for (Protocol p : kProtocols) {
    for (std::string_view e : kEndpoints) {
      auto a = providers::inspect_request(p, e, "", in);
      auto b = providers::inspect_request(p, e, "", in);
      if (!same(a, b)) return "inspect_request is not deterministic";
    }
  }
  size_t last = 0;
  bool bad = false;
  json::for_each_top_member(in, [&](const json::Member& m) {
    if (m.value_begin < last || m.value_end <= m.value_begin || m.value_end > in.size() ||
        m.key.data() < in.data() || m.key.data() + m.key.size() > in.data() + in.size()) {
      bad = true;
    }
    last = m.value_end;
    std::string s = json::string_value(in, m);
    (void)s;
  });
  if (bad) return "a JSON member lies outside the body or out of order";
  size_t end = json::skip_value(in, 0);
  if (end != json::kNpos && end > in.size()) return "skip_value past the end";
  return "";
}

std::string include_usage(std::string_view in) {
  std::string body(in);
  auto before = providers::inspect_request(Protocol::kOpenAI, "/chat/completions", "", in);
  if (!providers::inject_include_usage(body)) {
    return body == in ? "" : "inject_include_usage changed a body it declined";
  }
  if (!json::for_each_top_member(body, [](const json::Member&) {})) {
    return "inject_include_usage broke the JSON object";
  }
  auto after = providers::inspect_request(Protocol::kOpenAI, "/chat/completions", "", body);
  if (after.model != before.model || !after.stream || !after.client_asked_usage) {
    return "inject_include_usage: facts after the rewrite are wrong";
  }
  std::string again = body;
  if (providers::inject_include_usage(again) || again != body) {
    return "inject_include_usage is not idempotent";
  }
  return "";
}

const config::Snapshot* snapshot() {
  static const std::shared_ptr<const config::Snapshot> snap = [] {
    auto s = config::load_from_string("[gateways.default]\n[gateways.team]\n", config::Flags{});
    return s ? *s : nullptr;
  }();
  return snap.get();
}

std::string route(std::string_view in) {
  if (in.empty() || in[0] != '/') return "";  // the parser only hands on origin-form targets
  const config::Snapshot* snap = snapshot();
  if (!snap) return "the fuzz snapshot does not load";
  route::Target t;
  auto r = route::resolve(*snap, in, t);
  if (!r) return "";
  auto inside = [&](std::string_view v) {
    return v.empty() || (v.data() >= in.data() && v.data() + v.size() <= in.data() + in.size());
  };
  // (gateway may be the literal "default" of the /v1/... alias, not a piece of the target)
  if (!inside(t.native)) return "route's native path points outside the target";
  if (!t.universal && !t.compat && (t.path.empty() || t.path[0] != '/')) {
    return "upstream path does not start with '/'";
  }
  return "";
}

}  // namespace

std::string fields_fuzz_one(const uint8_t* data, size_t size) {
  if (size < 1) return "";
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      return facts(in);
    case 1:
      return include_usage(in);
    default:
      return route(in);
  }
}

}  // namespace parapet::fuzz
