// libFuzzer target for waf/ (the Log4j resolver, the normalizer, the engine): clang
// -fsanitize=fuzzer (cmake -DPARAPET_FUZZ=ON, with clang). The body is fuzz_one() (waf_fuzz.h),
// which the unit tests also run.
//   ./build-fuzz/fuzz/waf_fuzz tests/corpus/waf -max_total_time=300 -timeout=2
#include "fuzz/waf_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "waf/engine.h"
#include "waf/log4j.h"
#include "waf/normalize.h"

namespace parapet::waf {

namespace {

std::string check_verdict(const Verdict& v) {
  for (const auto& m : v.matches) {
    if (m.excerpt.find("${") != std::string::npos) return "a live ${ in an excerpt";
    if (m.name.find("${") != std::string::npos) return "a live ${ in a match name";
  }
  if (summarize(v).find("${") != std::string::npos) return "a live ${ in the summary";
  if (v.matches.size() > kMaxMatches) return "too many matches";
  return "";
}

}  // namespace

std::string fuzz_one(const uint8_t* data, size_t size) {
  if (size == 0) return "";
  static const auto hs = RuleSet::compile(managed_rules(), 0, "fuzz", true);
  static const auto lit = RuleSet::compile(managed_rules(), 0, "fuzz", false);
  static Scanner scanner;
  if (!hs || !lit) return "managed rules do not compile";
  uint8_t mode = data[0];
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::string resolved = log4j::resolve(payload, 4096);
  if (resolved.size() > 4096) return "resolve() output over its cap";
  log4j::Result a = log4j::scan(payload), b = log4j::scan(payload);
  if (a.finding != b.finding || a.offset != b.offset) return "scan() is not deterministic";
  if (a.finding != log4j::Finding::kNone && a.offset >= payload.size())
    return "offset out of range";
  std::string norm, scratch;
  normalize(payload, kNormal | kCompress, true, norm, scratch);
  if (norm.size() > payload.size()) return "normalization grew the text";
  std::string n = neutralize(payload, 64);
  if (n.find("${") != std::string::npos) return "neutralize() kept a ${";

  Field headers[2] = {{"Host", "example.com"}, {"X-Fuzz", {}}};
  std::string json;
  Request req;
  req.path = "/default/app/x";
  switch (mode & 3) {
    case 0:
      req.path = payload;
      break;
    case 1:
      req.query = payload;
      break;
    case 2:
      headers[1].value = payload;
      break;
    default:
      json = "{\"prompt\":\"";
      json += payload;
      json += "\"}";
      req.body = json;
      break;
  }
  req.headers = headers;
  Policy p;
  p.route = (mode & 4) ? RouteKind::kAi : RouteKind::kOrigin;
  Verdict v1 = inspect(*hs.value(), req, p, scanner);
  Verdict v2 = inspect(*lit.value(), req, p, scanner);
  if (std::string e = check_verdict(v1); !e.empty()) return e;
  if (summarize(v1) != summarize(v2) || v1.action != v2.action) {
    return "Hyperscan and literal engines disagree: " + summarize(v1) + " vs " + summarize(v2);
  }
  return "";
}

}  // namespace parapet::waf

#ifndef PARAPET_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = parapet::waf::fuzz_one(data, size);
  if (!broken.empty()) {
    std::fprintf(stderr, "waf invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
#endif
