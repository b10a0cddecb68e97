// One API: OpenAI chat completions in front of providers that speak another wire format.
//
// A client sends an OpenAI `POST /chat/completions` body whose `model` is `provider/model`. For
// Anthropic Messages and Gemini generateContent this library turns that body into the native
// request (path and body), and the native answer (a JSON body, an error, or an SSE stream fed in
// arbitrary pieces) back into what OpenAI would have sent: a `chat.completion` object, an OpenAI
// error `{"error":{"message","type","param","code"}}` with a status, or `chat.completion.chunk`
// events ending in `data: [DONE]`. The mapping tables and the rules for parameters a provider
// cannot honour (dropped when that does not change what the model is asked, otherwise rejected
// with a 400) are in docs/translation.md.
//
// Pure code: bytes in, bytes out; no I/O, no clock (the caller injects `created`), nothing random
// (ids come from the provider's message/response id, tool call ids Gemini omits are `call_<n>`).
// Translating the same input twice gives the same bytes, so a retry or fallback may re-run it.
//
// Usage: every answer and stream is also read by the provider's own usage extractor
// (providers/usage.h), the one native calls use, so a translated call's canonical Usage
// (core/usage.h) equals a native call's to the token; the OpenAI `usage` object sent to the client
// is derived from that Usage (prompt_tokens = input + cached_read + cache_write, ...).
//
// Thread-safety: the functions are pure and reentrant; a StreamTranslator belongs to one stream
// and one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "core/usage.h"

namespace parapet::translate {

enum class Target { kAnthropic, kGemini };

// "anthropic" -> kAnthropic, "google-ai-studio" -> kGemini; false for providers that need no
// translation (OpenAI and the OpenAI-compatible ones pass through).
bool target_for_provider(std::string_view provider, Target* target);

// Splits "anthropic/claude-sonnet-4-5" at the first '/'. False when there is no '/' or either
// side is empty.
bool split_model(std::string_view model, std::string_view* provider, std::string_view* name);

// What answer and stream translation need to know about the request they answer. Returned by
// translate_request(); the caller keeps it for the answer (it is small and copyable).
struct Plan {
  Target target = Target::kAnthropic;
  std::string model;           // the native model name (no provider prefix)
  bool stream = false;         // the client asked for a stream
  bool include_usage = false;  // stream_options.include_usage: end with a usage-only chunk
  // Anthropic has no JSON mode: response_format json_object/json_schema is asked as one forced
  // tool (kJsonToolName) whose input is the JSON; the answer turns that tool call back into text.
  bool json_via_tool = false;
};

inline constexpr std::string_view kJsonToolName = "json_response";

struct Header {
  std::string_view name;
  std::string_view value;
};

struct NativeRequest {
  // Path for the provider's base URL, e.g. "/v1/messages",
  // "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse".
  std::string path;
  std::string body;
  // Headers the native API wants besides credentials: content-type, and anthropic-version for
  // Anthropic. Credentials are the caller's: the client's `Authorization: Bearer <key>` goes to
  // the header auth_header(target) names.
  std::vector<Header> headers;
  Plan plan;
};

// "x-api-key" (Anthropic) or "x-goog-api-key" (Gemini).
std::string_view auth_header(Target target);

// An OpenAI-shaped error for the client: the status and the JSON body.
struct OpenAIError {
  int status = 400;
  std::string body;
};

// Translates an OpenAI chat completions body for `target`. `model` is the native model name; the
// body's own `model` member is not read (the caller has already split "provider/model").
// On failure (malformed JSON, a parameter the provider cannot honour, an inconsistent
// conversation) returns the 400 the client gets, already in OpenAI's error shape.
struct RequestResult {
  bool ok = false;
  NativeRequest native;
  OpenAIError error;  // when !ok
};
RequestResult translate_request(Target target, std::string_view model,
                                std::string_view openai_body);

// What the client gets for a native answer.
struct Answer {
  int status = 200;
  std::string body;  // a chat.completion object, or an OpenAI error
  Usage usage;       // canonical usage read from the native answer (source kNone for errors)
};

struct AnswerOptions {
  int64_t created = 0;  // unix seconds, from the caller's clock
  // Used as the completion id when the provider's answer carries none (Gemini may omit
  // responseId); e.g. the gateway's log id.
  std::string_view fallback_id = "chatcmpl-parapet";
};

// Translates a whole (non-streaming) native answer, or a native error answer of any request
// (streaming requests included: a provider refusing a stream answers with a JSON error body).
// native_status is the provider's HTTP status.
Answer translate_answer(const Plan& plan, int native_status, std::string_view native_body,
                        const AnswerOptions& options);

// Incremental stream translation: native SSE bytes in, OpenAI SSE bytes out.
class StreamTranslator {
 public:
  virtual ~StreamTranslator() = default;
  // Takes the next piece of the native stream (split anywhere) and appends to `out` the OpenAI
  // events that became complete: `data: {chunk}\n\n`, an error event `data: {"error":{...}}\n\n`
  // for a provider's mid-stream error (the last event then: no usage chunk, no [DONE]), and after
  // the provider's end of answer the usage chunk (when asked) and `data: [DONE]\n\n`.
  virtual void feed(std::string_view piece, std::string& out) = 0;
  // The native stream ended; `complete` is false when it was cut. Appends what is still owed: for
  // Gemini, whose streams have no end marker, the usage chunk and [DONE] of a stream that ended
  // cleanly. A cut stream gets nothing more: the client sees it cut, as it would from OpenAI.
  virtual void finish(bool complete, std::string& out) = 0;
  // The canonical usage seen so far; final after finish() or the provider's end of answer.
  virtual const Usage& usage() const = 0;
};

std::unique_ptr<StreamTranslator> make_stream_translator(const Plan& plan,
                                                         const AnswerOptions& options);

}  // namespace parapet::translate
