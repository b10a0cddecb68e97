// What a model call cost, in micro-USD (1e-6 USD), exactly.
//
// Counting follows core/usage.h: `input` excludes cached reads, `output` includes reasoning, so
//   cost = input*rate.input + cached_read*rate.cached_read + cache_write*rate.cache_write
//          + output*rate.output                         (reasoning is not added again)
// with rates in micro-USD per million tokens. The sum is taken in 128-bit integers (10^9 tokens
// at $1 per token still fits many times over) and rounded half up once, at the end. Negative
// counts (a broken usage report) count as zero; a result beyond int64 saturates.
//
// What a cache hit saved is the cost of its usage at table prices: cost_micros(usage, *price).
//
// The per-request custom cost, x-parapet-custom-cost, is Cloudflare AI Gateway's
// cf-aig-custom-cost: a JSON object {"per_token_in":0.000001,"per_token_out":0.000002} in USD per
// token, or {"total_cost":0.05} in USD for the whole request. Numbers are read exactly, exponent
// notation included; anything unexpected is an error rather than a guess (docs/cost.md).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "core/usage.h"
#include "cost/price_table.h"

namespace parapet::cost {

// Cost of `u` at `p`'s rates. When the prompt (input + cached_read + cache_write) is longer than
// p.long_context->above_prompt_tokens, every token of the request is billed at the long-context
// rates, as the providers that have such tiers bill them.
int64_t cost_micros(const Usage& u, const Price& p);

struct CustomCost {
  enum class Kind : uint8_t { kPerToken, kTotal };
  Kind kind = Kind::kPerToken;
  // kPerToken: micro-USD per million tokens (the table's unit; 1 = 1e-12 USD per token). A side
  // the header leaves out is 0, as if the client had sent 0.
  int64_t per_token_in = 0;   // applies to every prompt token: input, cached_read, cache_write
  int64_t per_token_out = 0;  // output tokens, reasoning included
  // kTotal: micro-USD for the whole request, whatever its usage.
  int64_t total = 0;
};

// Parses an x-parapet-custom-cost value. Accepted: a JSON object with per_token_in and/or
// per_token_out, or with total_cost alone; values are non-negative JSON numbers with at most 12
// significant decimal places per token (1e-12 USD) and 6 for total_cost (1e-6 USD). Errors (as
// kBadRequest): not JSON, unknown or repeated keys, both forms mixed, a non-number, negative,
// too precise, larger than $1 per token or $1,000,000 in total, or a header over 1 KiB.
Result<CustomCost> parse_custom_cost(std::string_view header);

int64_t cost_micros(const Usage& u, const CustomCost& c);

}  // namespace parapet::cost
