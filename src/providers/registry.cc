// The built-in provider table and the native-path mapping (see provider.h).
//
// Every base below was checked against Cloudflare AI Gateway's provider pages
// (developers.cloudflare.com/ai-gateway/usage/providers/<page>/, source in
// github.com/cloudflare/cloudflare-docs) and Cloudflare's own URL rewriter
// (github.com/cloudflare/ai, packages/ai-gateway-provider/src/providers.ts). docs/providers.md
// lists the page behind each row and the places where those pages disagree with themselves.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "providers/provider.h"

namespace parapet::providers {
namespace {

constexpr std::string_view kAzureResource = "{resource}";
constexpr std::string_view kAzurePathPrefix = "/openai/deployments/";

// Documentation order (docs/providers.md). Names are Cloudflare's path segments, exactly.
constexpr std::array kBuiltins = {
    // "replace https://api.openai.com/v1 ... with .../openai"
    ProviderSpec{"openai", "https://api.openai.com/v1", Protocol::kOpenAI},
    // `/anthropic/v1/messages`; the native path carries the version.
    ProviderSpec{"anthropic", "https://api.anthropic.com", Protocol::kAnthropic},
    // `/google-ai-studio/v1/models/{model}:{action}` (v1beta the same way).
    ProviderSpec{"google-ai-studio", "https://generativelanguage.googleapis.com",
                 Protocol::kGemini},
    // `/azure-openai/{resource}/{deployment}/...` -> `https://{resource}.openai.azure.com/openai/
    // deployments/{deployment}/...`; the query (api-version) is kept.
    ProviderSpec{"azure-openai", "https://{resource}.openai.azure.com", Protocol::kOpenAI,
                 /*azure_style=*/true},
    // "replace https://api.groq.com/openai/v1 ... with .../groq"
    ProviderSpec{"groq", "https://api.groq.com/openai/v1", Protocol::kOpenAI},
    // `/mistral/v1/chat/completions`; the native path carries the version.
    ProviderSpec{"mistral", "https://api.mistral.ai", Protocol::kOpenAI},
    // `/deepseek/chat/completions`; DeepSeek serves both `/chat/...` and `/v1/chat/...`.
    ProviderSpec{"deepseek", "https://api.deepseek.com", Protocol::kOpenAI},
    // xAI. "replace https://api.x.ai/v1 ... with .../grok"; Cloudflare's cURL example uses
    // `/grok/v1/chat/completions`, which the version de-duplication below also serves.
    ProviderSpec{"grok", "https://api.x.ai/v1", Protocol::kOpenAI},
    // "replace https://openrouter.ai/api/v1/chat/completions with .../openrouter/chat/completions";
    // the cURL example's `/openrouter/v1/chat/completions` is served by de-duplication too.
    ProviderSpec{"openrouter", "https://openrouter.ai/api/v1", Protocol::kOpenAI},
    // "replace https://api.cohere.ai/v1 ... with .../cohere"; example `/cohere/v1/chat`.
    ProviderSpec{"cohere", "https://api.cohere.ai/v1", Protocol::kCohere},
    // `/perplexity-ai/chat/completions`; the Workers example's base is https://api.perplexity.ai.
    ProviderSpec{"perplexity-ai", "https://api.perplexity.ai", Protocol::kOpenAI},
    // Not a Cloudflare built-in (no page): Together AI's own OpenAI-compatible base.
    ProviderSpec{"together", "https://api.together.ai/v1", Protocol::kOpenAI},
    // Not a Cloudflare built-in (no page): Fireworks AI's own OpenAI-compatible base.
    ProviderSpec{"fireworks", "https://api.fireworks.ai/inference/v1", Protocol::kOpenAI},
};

Error not_found(const ProviderSpec& spec, std::string_view why) {
  std::string msg = "path not served by provider '";
  msg.append(spec.name);
  msg.append("': ");
  msg.append(why);
  return make_error(ErrorCode::kNotFound, std::move(msg));
}

// True for "." and ".." also when a dot is written %2e / %2E. Nothing is decoded: an upstream
// that decodes before resolving would otherwise let the client climb out of the base's prefix.
bool is_dot_segment(std::string_view seg) {
  std::size_t dots = 0;
  for (std::size_t i = 0; i < seg.size();) {
    if (seg[i] == '.') {
      ++dots;
      i += 1;
    } else if (seg.size() - i >= 3 && seg[i] == '%' && seg[i + 1] == '2' &&
               (seg[i + 2] == 'e' || seg[i + 2] == 'E')) {
      ++dots;
      i += 3;
    } else {
      return false;
    }
  }
  return dots == 1 || dots == 2;
}

// Backslash counts as a separator here because some servers treat it as one.
bool has_dot_segment(std::string_view path) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/' || path[i] == '\\') {
      if (is_dot_segment(path.substr(start, i - start))) return true;
      start = i + 1;
    }
  }
  return false;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 1123 label: letters, digits and '-', 1..63 characters, no '-' at either end.
bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

// "v1", "v2", "v1beta": the last segment of a versioned base such as https://api.openai.com/v1.
bool is_version_segment(std::string_view s) {
  if (s.size() < 2 || s[0] != 'v' || s[1] < '0' || s[1] > '9') return false;
  for (char c : s.substr(1)) {
    if (!is_alnum(c)) return false;
  }
  return true;
}

// The last path segment of base when it is a version, else empty.
std::string_view base_version(std::string_view base) {
  std::size_t scheme = base.find("://");
  std::size_t path_start = base.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path_start == std::string_view::npos) return {};
  std::string_view last = base.substr(base.rfind('/') + 1);
  return is_version_segment(last) ? last : std::string_view{};
}

// Cloudflare's pages show both `/{provider}/chat/completions` and `/{provider}/v1/chat/completions`
// for a base that already ends in /v1 (grok, openrouter, cohere). When path starts with the same
// version segment the base ends with, that segment is dropped so both reach .../v1/chat/completions
// instead of .../v1/v1/chat/completions.
std::string_view strip_duplicate_version(std::string_view base, std::string_view path) {
  std::string_view version = base_version(base);
  if (version.empty() || path.size() < version.size() + 1 || path[0] != '/' ||
      path.substr(1, version.size()) != version) {
    return path;
  }
  std::string_view rest = path.substr(version.size() + 1);
  if (!rest.empty() && rest[0] != '/') return path;  // e.g. /v1beta under a /v1 base
  return rest;
}

std::string with_leading_slash(std::string_view path) {
  std::string out;
  if (path.empty() || path[0] != '/') out.push_back('/');
  out.append(path);
  return out;
}

Result<UpstreamPath> map_azure(const ProviderSpec& spec, std::string_view base,
                               std::string_view path, std::string_view query) {
  // path is `/{resource}/{deployment}[/rest]`.
  std::string_view p = path.empty() ? path : path.substr(1);
  std::size_t slash = p.find('/');
  std::string_view resource = p.substr(0, slash);
  if (resource.empty() || slash == std::string_view::npos) {
    return not_found(spec, "expected /{resource}/{deployment}/...");
  }
  if (!is_dns_label(resource)) {
    return not_found(spec, "resource name is not a valid DNS label");
  }
  std::string_view after = p.substr(slash + 1);
  std::size_t slash2 = after.find('/');
  std::string_view deployment = after.substr(0, slash2);
  if (deployment.empty()) return not_found(spec, "expected /{resource}/{deployment}/...");
  std::string_view rest =
      slash2 == std::string_view::npos ? std::string_view{} : after.substr(slash2);

  UpstreamPath out;
  // The placeholder is filled wherever it appears, so an override such as
  // https://{resource}.openai.azure.us works too; an override without it is used as given.
  std::size_t at = base.find(kAzureResource);
  if (at == std::string_view::npos) {
    out.base.assign(base);
  } else {
    out.base.reserve(base.size() + resource.size());
    out.base.append(base.substr(0, at));
    out.base.append(resource);
    out.base.append(base.substr(at + kAzureResource.size()));
  }
  out.path.reserve(kAzurePathPrefix.size() + deployment.size() + rest.size() + query.size());
  out.path.append(kAzurePathPrefix);
  out.path.append(deployment);
  out.path.append(rest);
  out.path.append(query);
  return out;
}

}  // namespace

std::span<const ProviderSpec> builtin_providers() { return kBuiltins; }

const ProviderSpec* find_builtin(std::string_view name) {
  for (const ProviderSpec& spec : kBuiltins) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Result<UpstreamPath> map_native_path(const ProviderSpec& spec, std::string_view base,
                                     std::string_view native) {
  if (native.find('\0') != std::string_view::npos) return not_found(spec, "NUL in path");
  std::size_t q = native.find('?');
  std::string_view path = native.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : native.substr(q);
  if (!path.empty() && path[0] != '/') return not_found(spec, "path must start with '/'");
  if (has_dot_segment(path)) return not_found(spec, "'.' or '..' segment in path");

  if (spec.azure_style) return map_azure(spec, base, path, query);

  UpstreamPath out;
  out.base.assign(base);
  std::string_view mapped = strip_duplicate_version(base, path);
  out.path = with_leading_slash(mapped);
  out.path.append(query);
  return out;
}

}  // namespace parapet::providers
