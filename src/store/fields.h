// The one list of a RequestRecord's fields under their public names. The store's columns, the
// JSON Lines and CSV exports and the admin API all use these names (docs/logs.md); adding a field
// to RequestRecord means one line here plus a schema migration.
//
// for_each_field(record, f) calls f(name, member) for every field in a fixed order, with `member`
// a reference into the record (const or not), so the same list both writes and reads records.
// Member types f must accept: std::string, int64_t, int, uint32_t, uint64_t, bool, UsageSource,
// and JsonRef (a std::string holding a JSON object, or "" for none).
// Thread-safety: pure.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <type_traits>

#include "observe/record.h"

namespace parapet::store {

// A string member whose content is JSON text (embedded as a value, not quoted, in exports).
template <class S>
struct JsonRef {
  S& text;
};

template <class Record, class F>
void for_each_field(Record& r, F&& f) {
  using Str = std::remove_reference_t<decltype((r.metadata_json))>;
  f("id", r.id);
  f("start_us", r.start_us);
  f("first_byte_us", r.first_byte_us);
  f("total_us", r.total_us);
  f("upstream_us", r.upstream_us);
  f("gateway", r.gateway);
  f("provider", r.provider);
  f("method", r.method);
  f("endpoint", r.endpoint);
  f("model_requested", r.model_requested);
  f("model_answered", r.model_answered);
  f("status", r.status);
  f("error_type", r.error_type);
  f("error_message", r.error_message);
  f("attempts", r.attempts);
  f("stream", r.stream);
  f("stream_interrupted", r.stream_interrupted);
  f("client_ip", r.client_ip);
  f("key_id", r.key_id);
  f("metadata", JsonRef<Str>{r.metadata_json});
  f("tokens_input", r.usage.input);
  f("tokens_output", r.usage.output);
  f("tokens_cached_read", r.usage.cached_read);
  f("tokens_cache_write", r.usage.cache_write);
  f("tokens_reasoning", r.usage.reasoning);
  f("usage_source", r.usage.source);
  f("usage_partial", r.usage.partial);
  f("usage_model", r.usage.model);
  f("cost_micros", r.cost_micros);
  f("cost_custom", r.cost_custom);
  f("price_version", r.price_version);
  f("cache_status", r.cache_status);
  f("saved_micros", r.saved_micros);
  f("bytes_in", r.bytes_in);
  f("bytes_out", r.bytes_out);
  f("request_body", r.request_body);
  f("response_body", r.response_body);
  // Added by schema migrations 2 and 3 (ALTER TABLE appends), hence last.
  f("step", r.step);
  f("dlp", r.dlp);
  f("dlp_prompt", r.dlp_prompt);
  f("dlp_answer", r.dlp_answer);
  f("dlp_blocked", r.dlp_blocked);
  // Added by schema migration 4: the WAF's verdict.
  f("waf_action", r.waf_action);
  f("waf_rules", r.waf_rules);
  f("waf_matches", JsonRef<Str>{r.waf_matches});
}

inline constexpr size_t kFieldCount = 45;

// The names in for_each_field order.
const std::array<std::string_view, kFieldCount>& field_names();

// "provider" | "estimated" | "none" back to the enum; unknown text reads as kNone.
UsageSource parse_usage_source(std::string_view s);

}  // namespace parapet::store
