// What Parapet knows about one AI provider: its name in the URL scheme, its default base URL and
// how the native path a client sends maps onto that base URL.
//
// Names and path conventions follow Cloudflare AI Gateway so an application can move between the
// two by changing only its base URL: `/{gateway}/openai/chat/completions` goes to
// `https://api.openai.com/v1/chat/completions`, `/{gateway}/anthropic/v1/messages` to
// `https://api.anthropic.com/v1/messages`. The table lives in registry.cc; adding a provider is one
// entry there.
// Thread-safety: immutable data, safe from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/error.h"

namespace parapet::providers {

// The wire format family a provider speaks; later stages pick usage parsers and translators by it.
enum class Protocol {
  kOpenAI,     // OpenAI chat completions / responses, and every OpenAI-compatible server
  kAnthropic,  // Anthropic Messages
  kGemini,     // Google AI Studio generateContent / streamGenerateContent
  kCohere,     // Cohere chat
  kHttp,       // a plain HTTP origin: bytes are forwarded, nothing is parsed
};

struct ProviderSpec {
  std::string_view name;          // path segment, e.g. "google-ai-studio"
  std::string_view default_base;  // e.g. "https://generativelanguage.googleapis.com"
  Protocol protocol;
  // Azure OpenAI takes `{resource}/{deployment}/...` in the path; see map_native_path().
  bool azure_style = false;
};

// Where a request goes upstream: base URL (scheme://host[:port][/prefix]) and the path to append.
struct UpstreamPath {
  std::string base;  // no trailing slash
  std::string path;  // starts with '/', query string included when the client sent one
};

// All built-in providers, in documentation order.
std::span<const ProviderSpec> builtin_providers();
// The built-in provider with this name, or nullptr.
const ProviderSpec* find_builtin(std::string_view name);

// Maps the native part of a gateway URL onto the upstream.
//   base: the provider's effective base URL (its default, or an override from config/--upstream),
//         without trailing slash.
//   native: everything after `/{gateway}/{provider}`, starting with '/' (or empty), query included.
// For Azure, native is `/{resource}/{deployment}/{rest}`: the default base's `{resource}` is
// substituted and the path becomes `/openai/deployments/{deployment}/{rest}`; with an overridden
// base only the path is rewritten. Returns kNotFound for a native path the provider cannot serve.
Result<UpstreamPath> map_native_path(const ProviderSpec& spec, std::string_view base,
                                     std::string_view native);

}  // namespace parapet::providers
