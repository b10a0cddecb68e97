// TEMPORARY minimal table (replaced by the providers branch).
#include "providers/provider.h"

namespace parapet::providers {
namespace {
constexpr ProviderSpec kProviders[] = {
    {"openai", "https://api.openai.com/v1", Protocol::kOpenAI},
    {"anthropic", "https://api.anthropic.com", Protocol::kAnthropic},
    {"google-ai-studio", "https://generativelanguage.googleapis.com", Protocol::kGemini},
    {"groq", "https://api.groq.com/openai/v1", Protocol::kOpenAI},
};
}
std::span<const ProviderSpec> builtin_providers() { return kProviders; }
const ProviderSpec* find_builtin(std::string_view name) {
  for (const auto& p : kProviders)
    if (p.name == name) return &p;
  return nullptr;
}
Result<UpstreamPath> map_native_path(const ProviderSpec& spec, std::string_view base,
                                     std::string_view native) {
  UpstreamPath u{std::string(base), std::string(native)};
  if (u.path.empty() || u.path[0] != '/') u.path.insert(0, "/");
  return u;
}
}  // namespace parapet::providers
