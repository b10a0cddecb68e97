// Token usage of one model call, as the provider reported it (or as estimated).
// Counts follow one convention across providers so cost and analytics need no per-provider case:
//   input        prompt tokens billed at the full input price (cached reads NOT included)
//   cached_read  prompt tokens served from the provider's prompt cache
//   cache_write  prompt tokens written to the provider's prompt cache (Anthropic)
//   output       completion tokens, reasoning included
//   reasoning    the part of output spent on reasoning (informational; already in output)
// OpenAI reports prompt_tokens including cached ones: its extractor subtracts them.
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <string>

namespace parapet {

enum class UsageSource : uint8_t { kNone = 0, kProvider = 1, kEstimated = 2 };

struct Usage {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cached_read = 0;
  int64_t cache_write = 0;
  int64_t reasoning = 0;
  UsageSource source = UsageSource::kNone;
  // The stream ended before the provider's final usage report: counts are what was seen so far.
  bool partial = false;
  std::string model;  // the model the provider says answered ("" when not reported)
};

std::string_view usage_source_name(UsageSource s);

}  // namespace parapet
