#include "store/fields.h"

namespace parapet::store {

const std::array<std::string_view, kFieldCount>& field_names() {
  static const auto names = [] {
    std::array<std::string_view, kFieldCount> out{};
    size_t i = 0;
    const observe::RequestRecord r;
    for_each_field(r, [&](std::string_view name, const auto&) { out.at(i++) = name; });
    return out;
  }();
  return names;
}

UsageSource parse_usage_source(std::string_view s) {
  if (s == usage_source_name(UsageSource::kProvider)) return UsageSource::kProvider;
  if (s == usage_source_name(UsageSource::kEstimated)) return UsageSource::kEstimated;
  return UsageSource::kNone;
}

}  // namespace parapet::store
