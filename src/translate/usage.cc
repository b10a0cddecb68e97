// Canonical usage of translated calls: read by the providers' own extractors, so records and cost
// for a call through the OpenAI endpoint equal the native call's to the token. Thread-safety: pure.
#include "translate/targets.h"

namespace parapet::translate {
namespace {

providers::Protocol protocol(Target t) {
  return t == Target::kAnthropic ? providers::Protocol::kAnthropic : providers::Protocol::kGemini;
}

// The endpoint picks the extractor's wire format; the model segment is not read.
std::string_view endpoint(Target t, bool stream) {
  if (t == Target::kAnthropic) return "/v1/messages";
  return stream ? "/v1beta/models/m:streamGenerateContent" : "/v1beta/models/m:generateContent";
}

}  // namespace

Usage native_usage(Target target, std::string_view body) {
  auto x = providers::make_usage_extractor(protocol(target), endpoint(target, false), false, false);
  std::string forward;
  x->feed(body, forward);
  x->finish(true);
  return x->usage();
}

std::unique_ptr<providers::UsageExtractor> native_stream_usage(Target target) {
  return providers::make_usage_extractor(protocol(target), endpoint(target, true), true, false);
}

}  // namespace parapet::translate
