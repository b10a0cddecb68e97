#include "dlp/policy.h"

#include <array>

namespace parapet::dlp {

namespace {
constexpr std::array<std::string_view, 4> kActions = {"off", "flag", "redact", "block"};
}

std::string_view action_name(Action a) { return kActions[static_cast<size_t>(a)]; }

bool parse_action(std::string_view name, Action* out) {
  for (size_t k = 0; k < kActions.size(); ++k) {
    if (kActions[k] == name) {
      *out = static_cast<Action>(k);
      return true;
    }
  }
  return false;
}

}  // namespace parapet::dlp
