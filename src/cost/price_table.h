// The price table: what one token costs at one provider, for every model we know, versioned.
//
// Prices are exact integers in micro-USD per million tokens (1 unit = 1e-12 USD per token), read
// from decimal strings ("2.50" USD per million tokens = 2'500'000). The built-in table is
// data/prices.toml, embedded into the binary at build time; an operator's override file in the
// same format is merged on top (negotiated rates, custom origins). docs/cost.md describes the
// format, the matching rule and the sources.
//
// Matching, in find(): the model is compared ASCII-case-insensitively, a leading "models/" is
// dropped; then (1) an entry's id or one of its aliases, (2) the same after removing one dated
// snapshot suffix (-YYYY-MM-DD, -YYYYMMDD or @YYYYMMDD), (3) both again at the provider this one
// inherits from (azure-openai inherits openai). Nothing else: no prefix or fuzzy matching, so
// gpt-4o-mini can never be priced as gpt-4o. Unknown -> nullptr, and the caller records no cost.
//
// Thread-safety: immutable after construction; find() is safe from any thread. merge_overrides()
// is for start-up/config load only, before the table is shared. Price pointers stay valid until
// the next merge_overrides() or the table's destruction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace parapet::cost {

// Rates in micro-USD per million tokens. A missing cached_read or cache_write rate means the
// provider lists none; such tokens, if any are reported, are billed at the input rate.
struct Rates {
  int64_t input = 0;
  int64_t output = 0;  // reasoning tokens are output tokens
  std::optional<int64_t> cached_read;
  std::optional<int64_t> cache_write;
};

// Providers that bill a whole request at higher rates once its prompt (input + cached_read +
// cache_write tokens) exceeds a threshold: OpenAI GPT-5.6/6.x above 272K, Gemini Pro above 200K,
// Claude Haiku 5.5 above 100K, ...
struct LongContext : Rates {
  int64_t above_prompt_tokens = 0;  // strictly more prompt tokens than this -> these rates
};

struct Price : Rates {
  std::string provider;
  std::string id;       // the model id as the table spells it
  std::string source;   // URL of the provider's price page the numbers come from
  std::string checked;  // YYYY-MM-DD: date of the newest evidence for these numbers
  std::string note;     // caveats (promotions, assumptions), "" if none
  std::optional<LongContext> long_context;
};

class PriceTable {
 public:
  // Parses a table in the data/prices.toml format. Errors name the line and the key, e.g.
  // "prices.toml:42: providers.openai.models[3].input: '2.5x' is not a decimal number".
  static Result<PriceTable> parse(std::string_view toml_text,
                                  std::string_view source_name = "prices.toml");

  // The table compiled into the binary (data/prices.toml). Parsed once, on first use.
  static const PriceTable& builtin();

  // Lays `overrides` over this table: an override entry replaces the entry with the same provider
  // and id (all its rates; nothing is merged field by field), and each of its ids and aliases now
  // resolves to it. Provider settings it names replace ours. The version becomes
  // "<ours>+<theirs>", so a record shows that an override priced it.
  void merge_overrides(const PriceTable& overrides);

  // See the matching rule above. nullptr when the model is not priced for this provider.
  const Price* find(std::string_view provider, std::string_view model) const;

  // True for providers that put the request's cost in their own answer (OpenRouter's usage.cost):
  // the caller should record that figure; the table has no prices for them.
  bool reports_own_cost(std::string_view provider) const;

  std::string_view version() const { return version_; }
  const std::vector<Price>& entries() const { return entries_; }

 private:
  // Only what a file states: an override that adds models for azure-openai must not clear its
  // inheritance from openai.
  struct ProviderInfo {
    std::optional<std::string> inherits;
    std::optional<bool> reports_own_cost;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };

  const Price* find_in(std::string_view provider, std::string_view model) const;
  void index(size_t entry, std::string_view model);

  std::string version_;
  std::vector<Price> entries_;
  // "<provider>\x1f<lower-case model id or alias>" -> index into entries_.
  std::unordered_map<std::string, size_t, KeyHash, KeyEq> index_;
  std::unordered_map<std::string, ProviderInfo, KeyHash, KeyEq> providers_;
  friend class TableBuilder;
};

}  // namespace parapet::cost
