#include <span>
#include <vector>

#include "dlp/detect.h"
#include "dlp/guard.h"
#include "fuzz/wire_fuzz.h"
#include "http/request_parser.h"
#include "http/response_parser.h"
#include "http/sse.h"
#include "providers/json_probe.h"
#include "providers/usage.h"

namespace parapet::fuzz {
namespace {

// Feeds `pieces` to a parser with the "consume a prefix, keep the rest" contract; returns a
// summary of the outcome that must not depend on how the bytes were split.
template <class Parser>
std::string drive(Parser& p, const std::vector<std::string_view>& pieces) {
  // As the gateway does: one feed per arrival of new bytes. (Beast's parser, under both parsers,
  // expects more bytes than last time after it asked for more; feeding the same bytes again
  // trips its internal assertions, a contract the gateway keeps and this driver must too.)
  std::string buf;
  for (std::string_view piece : pieces) {
    buf.append(piece);
    auto fed = p.feed(buf);
    if (!fed) return "error:" + std::string(error_type(fed.error().code));
    buf.erase(0, *fed);
    if (p.done()) break;
  }
  return p.done() ? "done" : "more";
}

// An incremental parser may notice a malformed message only once it has seen enough of it (Beast
// checks a head once its end arrives), so "needs more bytes" and "error" are the same verdict on
// an input that ends early. What must never depend on the split: a complete message, its head and
// body, and an error against a success.
bool same_verdict(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto complete = [](const std::string& s) {
    return !s.starts_with("more") && !s.starts_with("error");
  };
  return !complete(a) && !complete(b);
}

std::vector<std::string_view> split(std::string_view s, size_t at) {
  if (at == 0 || at >= s.size()) return {s};
  return {s.substr(0, at), s.substr(at)};
}

std::string request(std::string_view in, size_t at) {
  std::string out[2];
  for (int k = 0; k < 2; ++k) {
    http::RequestParser p;
    p.reset(http::RequestLimits{4096, 50, 1024, 1 << 16});
    out[k] = drive(p, k == 0 ? std::vector<std::string_view>{in} : split(in, at));
    if (p.head_done()) {
      out[k] += "|" + std::string(p.head().method) + "|" + std::string(p.head().target) + "|" +
                std::to_string(p.head().headers.size());
    }
    if (p.done()) out[k] += "|" + p.body();
  }
  return same_verdict(out[0], out[1])
             ? ""
             : "request parse depends on the split: " + out[0] + " vs " + out[1];
}

std::string response(std::string_view in, size_t at) {
  std::string out[2];
  for (int k = 0; k < 2; ++k) {
    std::string body;
    http::ResponseParser p;
    p.reset(&body, false, 4096);
    out[k] = drive(p, k == 0 ? std::vector<std::string_view>{in} : split(in, at));
    if (out[k] == "more" && p.head_done() && p.head().body_until_eof) {
      out[k] = p.finish_eof() ? "eof" : "eof-error";
    }
    if (p.head_done()) out[k] += "|" + std::to_string(p.head().status);
    out[k] += "|" + body;
  }
  return same_verdict(out[0], out[1]) ? "" : "response parse depends on the split";
}

std::string sse(std::string_view in, size_t at) {
  std::string out[2];
  for (int k = 0; k < 2; ++k) {
    http::SseParser p(1024);
    std::string buf;
    for (std::string_view piece : k == 0 ? std::vector<std::string_view>{in} : split(in, at)) {
      buf.append(piece);
      std::string_view rest = buf;
      for (;;) {
        bool ready = false;
        size_t n = p.feed(rest, &ready);
        if (ready) {
          out[k] += std::string(p.event().type) + "/" + std::string(p.event().data) + ";";
        }
        if (n == 0) break;
        rest.remove_prefix(n);
      }
      buf.assign(rest);
    }
  }
  return out[0] == out[1] ? "" : "SSE events depend on the split";
}

std::string usage(uint8_t mode, std::string_view in, size_t at) {
  static constexpr providers::Protocol kProtocols[] = {
      providers::Protocol::kOpenAI, providers::Protocol::kAnthropic, providers::Protocol::kGemini};
  static constexpr std::string_view kEndpoints[] = {"/chat/completions", "/v1/messages",
                                                    "/v1beta/models/m:streamGenerateContent"};
  size_t which = mode % 3;
  bool streaming = (mode >> 2) & 1;
  std::string fwd[2];
  Usage u[2];
  for (int k = 0; k < 2; ++k) {
    auto x =
        providers::make_usage_extractor(kProtocols[which], kEndpoints[which], streaming, false);
    for (std::string_view piece : k == 0 ? std::vector<std::string_view>{in} : split(in, at)) {
      x->feed(piece, fwd[k]);
    }
    x->finish(true);
    u[k] = x->usage();
  }
  if (fwd[0] != in || fwd[1] != in) return "usage extractor changed bytes it must only read";
  if (u[0].input != u[1].input || u[0].output != u[1].output) {
    return "usage depends on the split";
  }
  return "";
}

std::string probe(std::string_view in) {
  static constexpr std::string_view kPaths[] = {"model", "usage.prompt_tokens", "a.b.c.d"};
  providers::json::Value v[3];
  providers::json::probe(in, false, kPaths, v);
  std::string padded(in);
  providers::json::reserve_padding(padded);
  providers::json::probe(padded, true, kPaths, v);
  return "";
}

std::string dlp_scan(std::string_view in) {
  std::vector<dlp::Finding> f;
  dlp::scan(in, dlp::kAllKinds, f);
  size_t last = 0;
  for (const auto& x : f) {
    if (x.begin < last || x.end <= x.begin || x.end > in.size() || x.begin + x.keep > x.end) {
      return "DLP finding out of order or bounds";
    }
    last = x.end;
  }
  std::string m(in);
  dlp::mask(m, f);
  return m.size() == in.size() ? "" : "DLP mask changed the length";
}

std::string dlp_guard(uint8_t mode, std::string_view in, size_t at) {
  bool sse_mode = mode & 1;
  dlp::Action a = (mode & 2) ? dlp::Action::kRedact : dlp::Action::kFlag;
  dlp::AnswerGuard g(a, dlp::kAllKinds, (mode >> 2) & 63, sse_mode);
  std::string out;
  for (std::string_view piece : split(in, at)) g.feed(piece, out);
  g.finish(out);
  if (a == dlp::Action::kFlag && out != in) return "DLP flag changed the stream";
  if (out.size() != in.size()) return "DLP redact changed the stream's length";
  return "";
}

}  // namespace

std::string wire_fuzz_one(const uint8_t* data, size_t size) {
  if (size < 2) return "";
  uint8_t target = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
  size_t at = in.empty() ? 0 : (static_cast<size_t>(data[1]) * in.size()) / 256;
  switch (target % 7) {
    case 0:
      return request(in, at);
    case 1:
      return response(in, at);
    case 2:
      return sse(in, at);
    case 3:
      return usage(target / 7, in, at);
    case 4:
      return probe(in);
    case 5:
      return dlp_scan(in);
    default:
      return dlp_guard(target / 7, in, at);
  }
}

}  // namespace parapet::fuzz
