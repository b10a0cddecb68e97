#include "waf/hunt.h"

#include <algorithm>

namespace parapet::waf {

namespace {

std::vector<std::pair<std::string, uint64_t>> top_of(const std::map<std::string, uint64_t>& m,
                                                     size_t n) {
  std::vector<std::pair<std::string, uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_summary(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
    size_t at = item.find('@');
    if (at == std::string_view::npos) continue;
    out.emplace_back(std::string(item.substr(0, at)), std::string(item.substr(at + 1)));
  }
  return out;
}

Hunt::Hunt(std::shared_ptr<const RuleSet> rules) : rules_(std::move(rules)) {
  policy_.route = RouteKind::kOrigin;
  policy_.mode = Action::kBlock;
  policy_.body = Action::kBlock;
}

void Hunt::add(const HuntRecord& r) {
  ++rep_.scanned;
  std::vector<std::string> where;
  for (const auto& [id, loc] : parse_summary(r.waf_rules)) {
    if (rules_->find(id)) where.push_back(loc);
  }
  if (where.empty()) {
    Request req;
    std::string_view path = r.endpoint;
    size_t q = path.find('?');
    req.path = path.substr(0, q);
    if (q != std::string_view::npos) req.query = path.substr(q + 1);
    req.body = r.request_body;
    Verdict v = inspect(*rules_, req, policy_, scanner_);
    for (const auto& m : v.matches) {
      std::string loc(target_name(m.target));
      if (!m.name.empty()) loc += ":" + m.name;
      where.push_back(std::move(loc));
    }
  }
  if (where.empty()) return;
  ++rep_.matched;
  if (rep_.first_us == 0 || r.start_us < rep_.first_us) {
    rep_.first_us = r.start_us;
    rep_.first_id = r.id;
  }
  if (r.start_us >= rep_.last_us) {
    rep_.last_us = r.start_us;
    rep_.last_id = r.id;
  }
  ++ips_[std::string(r.client_ip)];
  if (!r.key_id.empty()) ++keys_[std::string(r.key_id)];
  for (auto& w : where) ++locations_[std::move(w)];
}

HuntReport Hunt::report(size_t top) const {
  HuntReport r = rep_;
  r.top_ips = top_of(ips_, top);
  r.top_keys = top_of(keys_, top);
  r.locations = top_of(locations_, top);
  return r;
}

}  // namespace parapet::waf
