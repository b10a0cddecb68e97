#include "core/usage.h"

namespace parapet {

std::string_view usage_source_name(UsageSource s) {
  switch (s) {
    case UsageSource::kProvider: return "provider";
    case UsageSource::kEstimated: return "estimated";
    case UsageSource::kNone: break;
  }
  return "none";
}

}  // namespace parapet
