#include "pipeline/dlp_phase.h"

#include <vector>

#include "dlp/guard.h"

namespace parapet::pipeline {

namespace {

std::string summarize(const std::vector<dlp::Finding>& f) {
  uint32_t counts[dlp::kKinds] = {};
  for (const auto& x : f) ++counts[static_cast<size_t>(x.kind)];
  std::string out;
  for (size_t k = 0; k < dlp::kKinds; ++k) {
    if (!counts[k]) continue;
    if (!out.empty()) out += ',';
    out += dlp::kind_name(static_cast<dlp::Kind>(k));
    out += '=';
    out += std::to_string(counts[k]);
  }
  return out;
}

void note(observe::RequestRecord& r, std::string_view where, std::string_view what, dlp::Action a) {
  if (!r.dlp.empty()) r.dlp += "; ";
  r.dlp += where;
  r.dlp += ':';
  r.dlp += what;
  r.dlp += ' ';
  r.dlp += dlp::action_name(a);
}

// Stored bodies never keep what DLP found, whatever the action.
void mask_stored(std::string& body, dlp::KindSet kinds) {
  if (body.empty()) return;
  std::vector<dlp::Finding> f;
  dlp::scan(body, kinds, f);
  dlp::mask(body, f);
}

}  // namespace

Result<bool> check_prompt(Exchange& x) {
  const dlp::Policy* p = x.cfg.find_dlp(x.record.gateway);
  if (!p || p->prompts == dlp::Action::kOff || x.body.empty()) return true;
  std::vector<dlp::Finding> f;
  dlp::scan(x.body, p->kinds, f);
  if (f.empty()) return true;
  observe::RequestRecord& r = x.record;
  std::string what = summarize(f);
  r.dlp_prompt = static_cast<uint32_t>(f.size());
  note(r, "prompt", what, p->prompts);
  mask_stored(r.request_body, p->kinds);
  if (p->prompts == dlp::Action::kRedact) dlp::mask(x.body, f);
  if (p->prompts == dlp::Action::kBlock) {
    r.dlp_blocked = true;
    return make_error(ErrorCode::kDlpBlocked, "the prompt contains " + what +
                                                  " (DLP policy of gateway '" + r.gateway + "')");
  }
  return true;
}

std::unique_ptr<dlp::AnswerGuard> answer_guard(const Exchange& x, int status, bool event_stream) {
  if (status < 200 || status >= 300) return nullptr;
  const dlp::Policy* p = x.cfg.find_dlp(x.record.gateway);
  if (!p || p->answers == dlp::Action::kOff) return nullptr;
  return std::make_unique<dlp::AnswerGuard>(p->answers, p->kinds, p->holdback, event_stream);
}

bool guard_holds_whole(const dlp::AnswerGuard* g) { return g && g->holds_whole(); }
bool guard_blocked(const dlp::AnswerGuard* g) { return g && g->blocked(); }

std::string_view guard_pass(Exchange& x, dlp::AnswerGuard& g, std::string_view in, bool end) {
  std::string& out = x.scratch.guarded;
  out.clear();
  if (g.feed(in, out) && end) g.finish(out);
  return out;
}

void record_answer_dlp(Exchange& x, const dlp::AnswerGuard& g) {
  observe::RequestRecord& r = x.record;
  r.dlp_answer = g.found_total();
  if (r.dlp_answer == 0 && !g.blocked()) return;
  note(r, "answer", r.dlp_answer ? g.summary() : "too large to check", g.action());
  const dlp::Policy* p = x.cfg.find_dlp(r.gateway);
  mask_stored(r.response_body, p ? p->kinds : dlp::kAllKinds);
  if (g.blocked()) {
    r.dlp_blocked = true;
    r.error_type = "dlp_blocked";
    r.error_message = (r.dlp_answer ? "the answer contains " + g.summary()
                                    : std::string("the answer is too large to check whole")) +
                      " (DLP policy of gateway '" + r.gateway + "')";
  }
}

}  // namespace parapet::pipeline
