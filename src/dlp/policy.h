// What a gateway does with DLP findings ([gateways.NAME.dlp], docs/dlp.md): separately for
// prompts (the request body) and answers (the response body, streamed or not).
//   off     no scan
//   flag    scan; findings go on the record and /metrics; the text is forwarded unchanged
//   redact  findings are masked in place (same length) before the text goes on
//   block   a prompt with findings is refused (403 dlp_blocked) before it reaches the provider; an
//           answer with findings is cut: a stream ends with an error event at the finding, a
//           whole answer is replaced by the 403 error
// Stored bodies are masked whatever the action (the logs never keep what DLP found).
// Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <string>

#include "dlp/detect.h"

namespace parapet::dlp {

enum class Action : uint8_t { kOff, kFlag, kRedact, kBlock };
std::string_view action_name(Action a);
bool parse_action(std::string_view name, Action* out);

struct Policy {
  std::string gateway;
  Action prompts = Action::kOff;
  Action answers = Action::kOff;
  KindSet kinds = kAllKinds;
  // Streamed answers: characters of answer text held back before they are sent, so a secret the
  // model writes across several events is still seen whole. Secrets up to this long are masked
  // whole; the cost is this much extra delay on the stream's text.
  size_t holdback = 64;
};

}  // namespace parapet::dlp
