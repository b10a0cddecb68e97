// Usage extraction: how many tokens a provider says a call used, read from the answer as it flows.
//
// Three pure pieces (bytes in, values out; no I/O, no clock):
//  - inspect_request() reads the client's request once: the model asked for, whether the answer
//    will stream, and whether an OpenAI client asked for the stream's usage chunk itself.
//  - inject_include_usage() rewrites an OpenAI streaming chat request so the upstream sends its
//    usage chunk even when the client did not ask: OpenAI reports no usage on a stream otherwise.
//  - one UsageExtractor per answer, fed the decoded body in whatever pieces come off the socket.
//    It passes the bytes on (minus the injected usage chunk, when asked) and ends with a Usage in
//    core/usage.h's convention.
//
// What each family reads (the rules other gateways got wrong are in
// ../shared/research/ai-gateways.md §3-4; each is a fixture test here):
//  OpenAI chat completions (and /completions, /embeddings): `usage` from the body, or from the
//    stream's last chunk that carries a `usage` object, with or without `choices` (last one wins,
//    never summed). input = prompt_tokens - prompt_tokens_details.cached_tokens (DeepSeek's
//    prompt_cache_hit_tokens when cached_tokens is absent) - cache_write_tokens (OpenRouter);
//    output = completion_tokens, plus reasoning_tokens when total_tokens shows they were left out
//    of it (xAI Grok, Gemini's OpenAI layer). Groq's `x_groq.usage` is read when `usage` is absent.
//  OpenAI Responses: `usage` from the body, or `response.usage` on response.completed (also
//    response.incomplete / response.failed). input = input_tokens - cached_tokens.
//  Anthropic Messages: `usage` from the body; on streams message_start's message.usage then each
//    message_delta's usage. Those are cumulative: each field present overwrites the one before
//    (never added), except that a 0 does not erase an earlier non-zero count (compatible backends
//    send 0 placeholders on message_delta). input_tokens already excludes cache reads/writes.
//  Gemini: `usageMetadata`, last one wins (each is a snapshot of the whole call), from a JSON body,
//    an `alt=sse` stream or the default streamed JSON array. input = promptTokenCount -
//    cachedContentTokenCount + toolUsePromptTokenCount; output = candidatesTokenCount +
//    thoughtsTokenCount (candidates exclude thoughts); reasoning = thoughtsTokenCount.
//  Model answered: OpenAI `model` (Responses: response.model), Anthropic message.model, Gemini
//    modelVersion.
//  Any usage the provider reported, all zeros included, has source kProvider; an answer without one
//  (an error body, a stream cut before it) has source kNone. partial is set when the stream did not
//  end cleanly or ended before the provider's final usage report.
//
// Cost: this runs on every answer. SSE chunks are scanned for the usage markers with memmem-class
// searches and only the chunks that carry them are JSON-parsed (simdjson On-Demand; see
// json_probe.h). A non-streaming body is kept (up to max_json_body) and parsed once at finish.
// Thread-safety: an extractor belongs to one answer and one thread; the functions are pure.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/usage.h"
#include "providers/provider.h"

namespace parapet::providers {

struct RequestFacts {
  std::string model;  // "" when the request names none (or is malformed)
  bool stream = false;
  bool client_asked_usage = false;  // OpenAI: stream_options.include_usage was true
};

// endpoint: the provider-native path without the query, e.g. "/chat/completions", "/v1/messages",
// "/v1beta/models/gemini-2.5-flash:streamGenerateContent". query: the query string without '?'
// (not needed today: Gemini's alt=sse changes the framing, not the facts).
// Gemini's generateContent paths give model and stream from the path; every other endpoint reads
// `model` and `"stream": true` from the body (top-level members only). A malformed body gives empty
// facts; kHttp always does.
RequestFacts inspect_request(Protocol protocol, std::string_view endpoint, std::string_view query,
                             std::string_view body);

// True for the OpenAI endpoints whose streams report usage only when asked through
// stream_options.include_usage (chat completions and legacy completions). Whether a given
// OpenAI-compatible upstream accepts stream_options is the caller's call (see docs).
bool takes_include_usage(Protocol protocol, std::string_view endpoint);

// For an OpenAI streaming request body ("stream": true) whose stream_options.include_usage is not
// true, sets it: appends `,"stream_options":{"include_usage":true}` before the closing brace, or
// adds/sets the member inside an existing stream_options, leaving every other byte as it was.
// Returns true if it changed the body; the answer's usage-only chunk must then be hidden from the
// client (make_usage_extractor(..., hide_injected_usage_chunk = true)). Returns false, body
// untouched, when the request does not stream, already asks, or is not a well-formed JSON object.
// REQUIRES: the request goes to an endpoint for which takes_include_usage() is true.
bool inject_include_usage(std::string& body);

// With include_usage injected, OpenAI also adds `"usage":null` to every chunk; a client that did
// not ask would not have seen it. Removes those members from forwarded SSE bytes in place.
// (A member split across two reads stays: rare, and harmless to every client.)
void strip_null_usage(std::string& forwarded);

class UsageExtractor {
 public:
  virtual ~UsageExtractor() = default;

  // Takes the next piece of the decoded answer body and appends to `forward` what the client
  // should receive now: the same bytes, at once. Only when hiding the injected usage chunk are
  // bytes held back, and then only those of an SSE event still incomplete whose data may be that
  // chunk; they follow as soon as the event is complete (or is known not to be that chunk).
  virtual void feed(std::string_view piece, std::string& forward) = 0;
  // The body ended: `complete` is false when it was cut (upstream reset, timeout, client gone).
  // Bytes still held back at this point form an unterminated SSE event, which an SSE client
  // discards at end of stream anyway; they are dropped.
  virtual void finish(bool complete) = 0;
  // Valid after finish(); before it, counts seen so far may be incomplete.
  virtual const Usage& usage() const = 0;
};

// A non-streaming JSON body larger than this is forwarded but not read for usage.
inline constexpr size_t kMaxJsonBody = 4u << 20;

// The extractor for an answer to `endpoint` (as in inspect_request), or nullptr when there is
// nothing to extract: kHttp, or an endpoint that reports no usage (model lists, token counting,
// files, Cohere's native /chat...). The endpoint picks the wire format, whatever the provider's
// protocol, because providers serve each other's: ".../chat/completions", "/completions",
// "/embeddings" are OpenAI chat-shaped (Gemini and Anthropic have such endpoints too),
// ".../responses" OpenAI Responses, ".../messages" Anthropic Messages (xAI serves it too),
// ":generateContent" / ":streamGenerateContent" Gemini.
// `streaming` is what the request asked; the body's first non-blank byte decides the framing ('{'
// JSON, '[' Gemini's streamed array, anything else SSE), so a JSON error answer to a streaming
// request is read right. hide_injected_usage_chunk: the request went through
// inject_include_usage(); honoured for chat-shaped streams only.
std::unique_ptr<UsageExtractor> make_usage_extractor(Protocol protocol, std::string_view endpoint,
                                                     bool streaming, bool hide_injected_usage_chunk,
                                                     size_t max_json_body = kMaxJsonBody);

}  // namespace parapet::providers
