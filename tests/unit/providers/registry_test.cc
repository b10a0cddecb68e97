// The built-in provider table and map_native_path(): every row is a gateway URL from Cloudflare AI
// Gateway's provider pages (or the provider's own docs where Cloudflare has none) with the upstream
// URL written out in full. docs/providers.md names the page behind each row.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "providers/provider.h"

namespace parapet::providers {
namespace {

struct MapCase {
  std::string_view provider;
  std::string_view base;  // empty: the provider's default base
  std::string_view native;
  std::string_view want;  // full upstream URL (base + path), or empty when rejected
};

constexpr MapCase kCases[] = {
    // openai: "replace https://api.openai.com/v1 with .../openai".
    {"openai", "", "/chat/completions", "https://api.openai.com/v1/chat/completions"},
    {"openai", "", "/responses", "https://api.openai.com/v1/responses"},
    {"openai", "", "/v1/chat/completions", "https://api.openai.com/v1/chat/completions"},
    {"openai", "", "/models?limit=5", "https://api.openai.com/v1/models?limit=5"},
    // anthropic
    {"anthropic", "", "/v1/messages", "https://api.anthropic.com/v1/messages"},
    {"anthropic", "", "/v1/messages?beta=true", "https://api.anthropic.com/v1/messages?beta=true"},
    // google-ai-studio
    {"google-ai-studio", "", "/v1beta/models/gemini-2.5-flash:generateContent",
     "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"},
    {"google-ai-studio", "", "/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
     "https://generativelanguage.googleapis.com/v1/models/"
     "gemini-2.5-flash:streamGenerateContent?alt=sse"},
    // azure-openai
    {"azure-openai", "", "/my-res/gpt4o/chat/completions?api-version=2024-10-21",
     "https://my-res.openai.azure.com/openai/deployments/gpt4o/chat/"
     "completions?api-version=2024-10-21"},
    {"azure-openai", "", "/Res1/dep/embeddings",
     "https://Res1.openai.azure.com/openai/deployments/dep/embeddings"},
    {"azure-openai", "http://127.0.0.1:8080",
     "/my-res/gpt4o/chat/completions?api-version=2024-10-21",
     "http://127.0.0.1:8080/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"},
    {"azure-openai", "https://{resource}.openai.azure.us", "/r/d/chat/completions",
     "https://r.openai.azure.us/openai/deployments/d/chat/completions"},
    // groq: "replace https://api.groq.com/openai/v1 with .../groq".
    {"groq", "", "/chat/completions", "https://api.groq.com/openai/v1/chat/completions"},
    // mistral
    {"mistral", "", "/v1/chat/completions", "https://api.mistral.ai/v1/chat/completions"},
    // deepseek
    {"deepseek", "", "/chat/completions", "https://api.deepseek.com/chat/completions"},
    // grok: prose says base https://api.x.ai/v1; the cURL and Anthropic-SDK examples add /v1.
    {"grok", "", "/chat/completions", "https://api.x.ai/v1/chat/completions"},
    {"grok", "", "/v1/chat/completions", "https://api.x.ai/v1/chat/completions"},
    {"grok", "", "/v1/messages", "https://api.x.ai/v1/messages"},
    // openrouter: both the prose form and the cURL example's /v1 form.
    {"openrouter", "", "/chat/completions", "https://openrouter.ai/api/v1/chat/completions"},
    {"openrouter", "", "/v1/chat/completions", "https://openrouter.ai/api/v1/chat/completions"},
    // cohere: "replace https://api.cohere.ai/v1 with .../cohere"; the example is /cohere/v1/chat.
    {"cohere", "", "/chat", "https://api.cohere.ai/v1/chat"},
    {"cohere", "", "/v1/chat", "https://api.cohere.ai/v1/chat"},
    // perplexity-ai
    {"perplexity-ai", "", "/chat/completions", "https://api.perplexity.ai/chat/completions"},
    // together, fireworks: not Cloudflare built-ins; the providers' own OpenAI-compatible bases.
    {"together", "", "/chat/completions", "https://api.together.ai/v1/chat/completions"},
    {"fireworks", "", "/chat/completions",
     "https://api.fireworks.ai/inference/v1/chat/completions"},

    // Empty native and query-only native.
    {"openai", "", "", "https://api.openai.com/v1/"},
    {"anthropic", "", "?x=1", "https://api.anthropic.com/?x=1"},
    // Query kept byte for byte: never decoded, '?' inside it, "/../" inside it is not a path.
    {"openai", "", "/files?purpose=fine%2Dtune&a=b?c",
     "https://api.openai.com/v1/files?purpose=fine%2Dtune&a=b?c"},
    {"openai", "", "/chat/completions?next=/../x",
     "https://api.openai.com/v1/chat/completions?next=/../x"},
    {"openai", "", "/files/file%2Fabc", "https://api.openai.com/v1/files/file%2Fabc"},
    // Dots that are not whole segments are fine.
    {"openai", "", "/files/a..b/.well", "https://api.openai.com/v1/files/a..b/.well"},
    // Only a whole matching version segment is de-duplicated.
    {"openai", "", "/v1beta/models", "https://api.openai.com/v1/v1beta/models"},
    {"openai", "", "/v2/models", "https://api.openai.com/v1/v2/models"},
    {"openai", "", "/v1", "https://api.openai.com/v1/"},
    {"openai", "", "/v1?limit=1", "https://api.openai.com/v1/?limit=1"},
    // Overridden bases are used unchanged; de-duplication applies when one ends in a version.
    {"openai", "http://127.0.0.1:9000", "/chat/completions",
     "http://127.0.0.1:9000/chat/completions"},
    {"openai", "http://127.0.0.1:9000", "/v1/chat/completions",
     "http://127.0.0.1:9000/v1/chat/completions"},
    {"openai", "http://127.0.0.1:9000/v1", "/v1/models", "http://127.0.0.1:9000/v1/models"},
    {"anthropic", "https://proxy.example/anthropic", "/v1/messages",
     "https://proxy.example/anthropic/v1/messages"},

    // Rejected: dot segments, also percent-encoded and backslash-delimited.
    {"openai", "", "/../admin", ""},
    {"openai", "", "/chat/..", ""},
    {"openai", "", "/./chat/completions", ""},
    {"openai", "", "/chat/./completions?x=1", ""},
    {"openai", "", "/%2e%2e/admin", ""},
    {"openai", "", "/%2E./admin", ""},
    {"openai", "", "/.%2e", ""},
    {"openai", "", "/a\\..\\b", ""},
    // Rejected: a path that does not start with '/'.
    {"openai", "", "chat/completions", ""},
    // Rejected (azure): missing resource or deployment, resource not a DNS label, dots.
    {"azure-openai", "", "", ""},
    {"azure-openai", "", "/", ""},
    {"azure-openai", "", "/res", ""},
    {"azure-openai", "", "/res/", ""},
    {"azure-openai", "", "/res/?api-version=1", ""},
    {"azure-openai", "", "//dep/chat/completions", ""},
    {"azure-openai", "", "/evil.com/dep/chat/completions", ""},
    {"azure-openai", "", "/res%2Eevil/dep/chat/completions", ""},
    {"azure-openai", "", "/res:80/dep/chat/completions", ""},
    {"azure-openai", "", "/-res/dep/chat/completions", ""},
    {"azure-openai", "", "/res-/dep/chat/completions", ""},
    {"azure-openai", "", "/res_1/dep/chat/completions", ""},
    // 64 characters: one over the DNS label limit (63 is accepted, see below).
    {"azure-openai", "", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/dep/x",
     ""},
    {"azure-openai", "", "/res/../chat/completions", ""},
    {"azure-openai", "", "/res/dep/../../x", ""},
    {"azure-openai", "http://127.0.0.1:8080", "/bad.res/dep/chat", ""},
};

TEST(RegistryTest, MapsNativePaths) {
  for (const MapCase& c : kCases) {
    SCOPED_TRACE(std::string(c.provider) + " base='" + std::string(c.base) + "' native='" +
                 std::string(c.native) + "'");
    const ProviderSpec* spec = find_builtin(c.provider);
    ASSERT_NE(spec, nullptr);
    std::string_view base = c.base.empty() ? spec->default_base : c.base;
    Result<UpstreamPath> r = map_native_path(*spec, base, c.native);
    if (c.want.empty()) {
      ASSERT_FALSE(r.ok()) << r->base << r->path;
      EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
      EXPECT_FALSE(r.error().message.empty());
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->base + r->path, c.want);
    ASSERT_FALSE(r->path.empty());
    EXPECT_EQ(r->path.front(), '/');
    EXPECT_NE(r->base.back(), '/');
  }
}

TEST(RegistryTest, AzureSplitsBaseAndPath) {
  const ProviderSpec* spec = find_builtin("azure-openai");
  ASSERT_NE(spec, nullptr);
  EXPECT_TRUE(spec->azure_style);
  auto r =
      map_native_path(*spec, spec->default_base, "/my-res/gpt4o/chat/completions?api-version=1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->base, "https://my-res.openai.azure.com");
  EXPECT_EQ(r->path, "/openai/deployments/gpt4o/chat/completions?api-version=1");

  auto o = map_native_path(*spec, "http://10.0.0.1:81/prefix", "/my-res/gpt4o/chat/completions");
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->base, "http://10.0.0.1:81/prefix");
  EXPECT_EQ(o->path, "/openai/deployments/gpt4o/chat/completions");
}

TEST(RegistryTest, BaseIsReturnedUnchanged) {
  const ProviderSpec* spec = find_builtin("groq");
  ASSERT_NE(spec, nullptr);
  auto r = map_native_path(*spec, spec->default_base, "/chat/completions");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->base, "https://api.groq.com/openai/v1");
  EXPECT_EQ(r->path, "/chat/completions");
}

TEST(RegistryTest, RejectsNul) {
  const ProviderSpec* spec = find_builtin("openai");
  ASSERT_NE(spec, nullptr);
  using namespace std::string_view_literals;
  for (std::string_view native : {"/chat\0/completions"sv, "/chat/completions?x=\0"sv, "\0"sv}) {
    auto r = map_native_path(*spec, spec->default_base, native);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  }
  const ProviderSpec* azure = find_builtin("azure-openai");
  ASSERT_NE(azure, nullptr);
  EXPECT_FALSE(map_native_path(*azure, azure->default_base, "/r\0s/d/x"sv).ok());
}

TEST(RegistryTest, AzureResourceOf63CharactersIsAccepted) {
  const ProviderSpec* spec = find_builtin("azure-openai");
  ASSERT_NE(spec, nullptr);
  std::string resource(63, 'a');
  auto r = map_native_path(*spec, spec->default_base, "/" + resource + "/d/chat/completions");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->base, "https://" + resource + ".openai.azure.com");
}

TEST(RegistryTest, FindBuiltinIsExact) {
  EXPECT_EQ(find_builtin("nope"), nullptr);
  EXPECT_EQ(find_builtin(""), nullptr);
  EXPECT_EQ(find_builtin("OpenAI"), nullptr);
  EXPECT_EQ(find_builtin("openai "), nullptr);
  EXPECT_EQ(find_builtin("open"), nullptr);
  EXPECT_EQ(find_builtin("perplexity"), nullptr);
  const ProviderSpec* spec = find_builtin("openai");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->name, "openai");
}

TEST(RegistryTest, BuiltinsAreUniqueAndWellFormed) {
  std::set<std::string_view> names;
  for (const ProviderSpec& spec : builtin_providers()) {
    SCOPED_TRACE(std::string(spec.name));
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate name";
    EXPECT_EQ(find_builtin(spec.name), &spec);
    ASSERT_FALSE(spec.default_base.empty());
    EXPECT_NE(spec.default_base.back(), '/');
    EXPECT_TRUE(spec.default_base.starts_with("https://"));
  }
  // Every provider the table test covers is a built-in, and every built-in is covered.
  std::set<std::string_view> covered;
  for (const MapCase& c : kCases) covered.insert(c.provider);
  EXPECT_EQ(covered, names);
}

TEST(RegistryTest, Protocols) {
  struct Want {
    std::string_view name;
    Protocol protocol;
  };
  constexpr Want kWant[] = {
      {"openai", Protocol::kOpenAI},
      {"anthropic", Protocol::kAnthropic},
      {"google-ai-studio", Protocol::kGemini},
      {"azure-openai", Protocol::kOpenAI},
      {"groq", Protocol::kOpenAI},
      {"mistral", Protocol::kOpenAI},
      {"deepseek", Protocol::kOpenAI},
      {"grok", Protocol::kOpenAI},
      {"openrouter", Protocol::kOpenAI},
      {"cohere", Protocol::kCohere},
      {"perplexity-ai", Protocol::kOpenAI},
      {"together", Protocol::kOpenAI},
      {"fireworks", Protocol::kOpenAI},
  };
  EXPECT_EQ(builtin_providers().size(), std::size(kWant));
  for (const Want& w : kWant) {
    const ProviderSpec* spec = find_builtin(w.name);
    ASSERT_NE(spec, nullptr) << w.name;
    EXPECT_EQ(spec->protocol, w.protocol) << w.name;
    EXPECT_EQ(spec->azure_style, w.name == "azure-openai") << w.name;
  }
}

}  // namespace
}  // namespace parapet::providers
