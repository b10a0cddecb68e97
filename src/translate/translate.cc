// Dispatch of translate.h to the per-target halves (targets.h).
#include "translate/translate.h"

#include "translate/json_out.h"
#include "translate/targets.h"

namespace parapet::translate {

bool target_for_provider(std::string_view provider, Target* target) {
  if (provider == "anthropic") {
    *target = Target::kAnthropic;
    return true;
  }
  if (provider == "google-ai-studio") {
    *target = Target::kGemini;
    return true;
  }
  return false;
}

bool split_model(std::string_view model, std::string_view* provider, std::string_view* name) {
  size_t slash = model.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == model.size()) return false;
  *provider = model.substr(0, slash);
  *name = model.substr(slash + 1);
  return true;
}

std::string_view auth_header(Target target) {
  return target == Target::kAnthropic ? "x-api-key" : "x-goog-api-key";
}

RequestResult translate_request(Target target, std::string_view model,
                                std::string_view openai_body) {
  RequestResult out;
  ParseResult parsed = parse_chat_request(target, openai_body);
  if (!parsed.ok) {
    out.error = std::move(parsed.error);
    return out;
  }
  const ChatRequest& r = parsed.request;
  Plan& plan = out.native.plan;
  plan.target = target;
  plan.model.assign(model);
  plan.stream = r.stream;
  plan.include_usage = r.include_usage;
  if (target == Target::kAnthropic) {
    out.native.path = "/v1/messages";
    out.native.headers = {{"content-type", "application/json"},
                          {"anthropic-version", "2023-06-01"}};
    out.native.body = write_anthropic_request(r, model, plan);
  } else {
    // The model is a path segment: refuse what would change the path's meaning.
    if (model.empty() || model.find_first_of("/?#:% ") != std::string_view::npos) {
      out.error = bad_request("invalid model name for google-ai-studio", "model", "invalid_value");
      return out;
    }
    out.native.path = "/v1beta/models/" + std::string(model) +
                      (r.stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    out.native.headers = {{"content-type", "application/json"}};
    out.native.body = write_gemini_request(r, &out.error);
    if (out.native.body.empty()) return out;
  }
  out.ok = true;
  return out;
}

Answer translate_answer(const Plan& plan, int native_status, std::string_view native_body,
                        const AnswerOptions& options) {
  return plan.target == Target::kAnthropic
             ? anthropic_answer(plan, native_status, native_body, options)
             : gemini_answer(plan, native_status, native_body, options);
}

std::unique_ptr<StreamTranslator> make_stream_translator(const Plan& plan,
                                                         const AnswerOptions& options) {
  return plan.target == Target::kAnthropic ? make_anthropic_stream(plan, options)
                                           : make_gemini_stream(plan, options);
}

}  // namespace parapet::translate
