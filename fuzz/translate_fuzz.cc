// libFuzzer target for translate/: clang -fsanitize=fuzzer (cmake -DPARAPET_FUZZ=ON, with clang).
// The body is fuzz_one() (translate_fuzz.h), which the unit tests also run.
//   fuzz/make_seeds.sh /tmp/seeds && ./build-fuzz/fuzz/translate_fuzz /tmp/seeds
//   -max_total_time=300
#include "fuzz/translate_fuzz.h"

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/json_parse.h"
#include "translate/translate.h"

namespace parapet::translate {
namespace {

bool valid_json(std::string_view s) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  return !parse_json(p, s).get(doc);
}

// Every event is `data: <JSON>\n\n` or `data: [DONE]\n\n`, and [DONE] is the last one.
std::string check_sse(std::string_view s) {
  bool done = false;
  while (!s.empty()) {
    if (done) return "an event after [DONE]";
    size_t end = s.find("\n\n");
    if (end == std::string_view::npos || !s.starts_with("data: ")) return "malformed SSE output";
    std::string_view data = s.substr(6, end - 6);
    if (data == "[DONE]") {
      done = true;
    } else if (!valid_json(data)) {
      return "an event is not JSON";
    }
    s.remove_prefix(end + 2);
  }
  return "";
}

std::string check_request(Target t, std::string_view in) {
  RequestResult r = translate_request(t, "model-1", in);
  RequestResult again = translate_request(t, "model-1", in);
  if (r.ok != again.ok || r.native.body != again.native.body || r.error.body != again.error.body) {
    return "request translation is not deterministic";
  }
  if (r.ok) {
    if (!valid_json(r.native.body)) return "native request is not JSON";
    if (!r.native.path.starts_with("/")) return "native path does not start with /";
    return "";
  }
  if (r.error.status != 400) return "refusal is not a 400";
  return valid_json(r.error.body) ? "" : "error body is not JSON";
}

std::string check_answer(uint8_t mode, std::string_view in) {
  Plan plan;
  plan.target = mode & 4 ? Target::kGemini : Target::kAnthropic;
  plan.model = "model-1";
  plan.json_via_tool = mode & 8;
  static constexpr int kStatus[] = {200, 400, 429, 529};
  int status = kStatus[(mode >> 4) & 3];
  Answer a = translate_answer(plan, status, in, {.created = 1, .fallback_id = "chatcmpl-f"});
  Answer b = translate_answer(plan, status, in, {.created = 1, .fallback_id = "chatcmpl-f"});
  if (a.body != b.body || a.status != b.status) return "answer translation is not deterministic";
  if (a.status < 200 || a.status > 599) return "status out of range";
  if (!valid_json(a.body)) return "answer is not JSON";
  if (a.usage.input < 0 || a.usage.output < 0) return "negative usage";
  return "";
}

std::string check_stream(uint8_t mode, std::string_view in) {
  Plan plan;
  plan.target = mode & 4 ? Target::kGemini : Target::kAnthropic;
  plan.model = "model-1";
  plan.stream = true;
  plan.include_usage = mode & 8;
  size_t step = 1 + (mode >> 4);
  AnswerOptions opt{.created = 1, .fallback_id = "chatcmpl-f"};
  auto whole = make_stream_translator(plan, opt);
  auto split = make_stream_translator(plan, opt);
  std::string a, b;
  whole->feed(in, a);
  whole->finish(true, a);
  for (size_t at = 0; at < in.size(); at += step) split->feed(in.substr(at, step), b);
  split->finish(true, b);
  if (a != b) return "stream output depends on how the input was split";
  const Usage& u = whole->usage();
  const Usage& v = split->usage();
  if (u.input != v.input || u.output != v.output || u.partial != v.partial) {
    return "stream usage depends on how the input was split";
  }
  return check_sse(a);
}

}  // namespace

std::string fuzz_one(const uint8_t* data, size_t size) {
  if (size == 0) return "";
  uint8_t mode = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (mode % 3) {
    case 0:
      return check_request(mode & 4 ? Target::kGemini : Target::kAnthropic, in);
    case 1:
      return check_answer(mode, in);
    default:
      return check_stream(mode, in);
  }
}

}  // namespace parapet::translate

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = parapet::translate::fuzz_one(data, size);
  if (!broken.empty()) {
    std::fprintf(stderr, "translate invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
