// The DLP phase (docs/dlp.md): prompts are checked once the request is planned, before any step
// is built from the body; answers pass through an AnswerGuard on their way to the client
// (stream_answer, translated answers). The detectors and the guard are src/dlp/.
// Thread-safety: the worker's thread, like the Exchange.
#pragma once

#include <memory>

#include "common/error.h"
#include "pipeline/exchange.h"

namespace parapet::dlp {
class AnswerGuard;
}

namespace parapet::pipeline {

// Scans the request body under the gateway's prompt policy: flag (record only), redact (mask in
// x.body) or block (kDlpBlocked). The stored copy of the body is masked whatever the action.
Result<bool> check_prompt(Exchange& x);

// The guard for an answer with this status (nullptr when the gateway's answer policy is off, or
// the answer is not a 2xx).
std::unique_ptr<dlp::AnswerGuard> answer_guard(const Exchange& x, int status, bool event_stream);
// Whole answers under block are checked whole before any byte (the head included) goes out.
bool guard_holds_whole(const dlp::AnswerGuard* g);
// Feeds `in` through the guard into x.scratch.guarded (finishing when `end`), returns what may go.
std::string_view guard_pass(Exchange& x, dlp::AnswerGuard& g, std::string_view in, bool end);
bool guard_blocked(const dlp::AnswerGuard* g);
// The answer's findings onto the record (and the stored answer body masked).
void record_answer_dlp(Exchange& x, const dlp::AnswerGuard& g);

}  // namespace parapet::pipeline
