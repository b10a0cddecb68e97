// Anthropic Messages (and Anthropic-compatible backends). The counting rules are listed in
// providers/usage.h; the stream rules are the ones that broke other gateways (message_delta usage
// is cumulative, and input/cache fields may appear or change there, not only on message_start).
#include <array>

#include "providers/answer_extractor.h"
#include "providers/json_probe.h"

namespace parapet::providers::anthropic {
namespace {

using json::Kind;
using json::Value;

// Offsets within one usage group, then the paths' indices (a group at kUsage and kMessageUsage).
constexpr size_t kUsageObj = 0, kInput = 1, kOutput = 2, kCacheRead = 3, kCacheWrite = 4;
constexpr size_t kFields = 5;
constexpr size_t kType = 0, kModel = 1, kMessageModel = 2, kUsage = 3;
constexpr size_t kMessageUsage = kUsage + kFields;

constexpr std::array<std::string_view, 3 + 2 * kFields> kPaths = {
    "type",
    "model",
    "message.model",
    "usage",
    "usage.input_tokens",
    "usage.output_tokens",
    "usage.cache_read_input_tokens",
    "usage.cache_creation_input_tokens",
    "message.usage",
    "message.usage.input_tokens",
    "message.usage.output_tokens",
    "message.usage.cache_read_input_tokens",
    "message.usage.cache_creation_input_tokens",
};

void set_model(Usage& u, const Value& model) {
  if (model.kind == Kind::kString && !model.text.empty()) u.model = model.text;
}

// A count the event reports overwrites the one before (the counts are cumulative), except that a
// 0 does not erase a non-zero count: compatible backends put 0 placeholders in message_delta.
void overwrite(int64_t& field, const Value& v) {
  if (!v.numeric) return;
  int64_t n = v.number < 0 ? 0 : v.number;
  if (n != 0 || field == 0) field = n;
}

void merge(Usage& u, const Value* f) {
  overwrite(u.input, f[kInput]);
  overwrite(u.output, f[kOutput]);
  overwrite(u.cached_read, f[kCacheRead]);
  overwrite(u.cache_write, f[kCacheWrite]);
  u.source = UsageSource::kProvider;
}

class MessagesUsage final : public AnswerExtractor {
 public:
  explicit MessagesUsage(size_t max_json_body) : AnswerExtractor(false, max_json_body) {}

 private:
  void on_json_body(std::string& body) override {
    std::array<Value, kPaths.size()> v;
    if (!json::probe(body, /*padded=*/true, kPaths, v)) return;
    set_model(usage_, v[kModel]);
    if (v[kUsage + kUsageObj].kind != Kind::kObject) return;  // an error body
    merge(usage_, &v[kUsage]);
    final_seen_ = true;
  }

  bool on_sse_event(const http::SseEvent& ev) override {
    if (ev.truncated) return false;
    // Only two event types carry usage; the rest (content deltas, pings) are never parsed.
    bool start = contains(ev.data, "\"message_start\"");
    bool delta = !start && contains(ev.data, "\"message_delta\"");
    if (!start && !delta) return false;
    std::array<Value, kPaths.size()> v;
    if (!json::probe(ev.data, /*padded=*/false, kPaths, v)) return false;
    const std::string& type = v[kType].text;
    if (type == "message_start") {
      set_model(usage_, v[kMessageModel]);
      if (v[kMessageUsage + kUsageObj].kind == Kind::kObject) merge(usage_, &v[kMessageUsage]);
    } else if (type == "message_delta") {
      if (v[kUsage + kUsageObj].kind == Kind::kObject) {
        merge(usage_, &v[kUsage]);
        final_seen_ = true;
      }
    }
    return false;
  }
};

}  // namespace

std::unique_ptr<UsageExtractor> make_messages_extractor(size_t max_json_body) {
  return std::make_unique<MessagesUsage>(max_json_body);
}

}  // namespace parapet::providers::anthropic
