// The per-target halves of translate.h: request writers, answer readers and stream translators
// for Anthropic Messages and Gemini generateContent. translate.cc dispatches on Target.
// Internal to translate/. Thread-safety: pure functions; stream translators are single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "providers/usage.h"
#include "translate/chat_request.h"
#include "translate/translate.h"

namespace parapet::translate {

// Anthropic requires max_tokens; this is used when the client set neither max_tokens nor
// max_completion_tokens. 4096 is the largest output every current Claude model accepts (Claude 3
// Haiku's cap), so the default never makes a request invalid.
inline constexpr int64_t kDefaultMaxTokens = 4096;

// Sets plan.json_via_tool when JSON mode is asked through the forced tool.
std::string write_anthropic_request(const ChatRequest& r, std::string_view model, Plan& plan);
// Returns "" and sets *error when the conversation cannot be expressed (see gemini_request.cc).
std::string write_gemini_request(const ChatRequest& r, OpenAIError* error);

// Canonical usage of a whole native answer body, read by the provider's usage extractor
// (providers/usage.h), the same code that reads native calls.
Usage native_usage(Target target, std::string_view body);
// The extractor for a native stream of `target`.
std::unique_ptr<providers::UsageExtractor> native_stream_usage(Target target);

// A provider's error body as an OpenAI error. status is the native HTTP status, or 0 for an error
// event inside a stream (the status then comes from the error's type / code).
OpenAIError anthropic_error(int status, std::string_view body);
OpenAIError gemini_error(int status, std::string_view body);

Answer anthropic_answer(const Plan& plan, int status, std::string_view body,
                        const AnswerOptions& options);
Answer gemini_answer(const Plan& plan, int status, std::string_view body,
                     const AnswerOptions& options);

std::unique_ptr<StreamTranslator> make_anthropic_stream(const Plan& plan,
                                                        const AnswerOptions& options);
std::unique_ptr<StreamTranslator> make_gemini_stream(const Plan& plan,
                                                     const AnswerOptions& options);

}  // namespace parapet::translate
