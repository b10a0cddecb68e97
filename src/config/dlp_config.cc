// [gateways.NAME.dlp] (docs/dlp.md): prompts / answers actions, the kinds to look for, and the
// stream holdback.
#include <toml++/toml.h>

#include "config/config.h"

namespace parapet::config {

Result<bool> read_gateway_dlp(Snapshot& s, const std::string& gateway, const toml::table& gt) {
  const toml::node* n = gt.get("dlp");
  if (!n) return true;
  std::string at = "[gateways." + gateway + ".dlp]";
  auto err = [&](std::string m) { return make_error(ErrorCode::kBadRequest, at + " " + m); };
  const toml::table* t = n->as_table();
  if (!t) return err("must be a table");
  dlp::Policy p;
  p.gateway = gateway;
  for (auto&& [k, v] : *t) {
    std::string_view key = k.str();
    if (key == "prompts" || key == "answers") {
      auto* str = v.as_string();
      dlp::Action a;
      if (!str || !dlp::parse_action(str->get(), &a)) {
        return err(std::string(key) + " must be \"off\", \"flag\", \"redact\" or \"block\"");
      }
      (key == "prompts" ? p.prompts : p.answers) = a;
    } else if (key == "kinds") {
      auto* arr = v.as_array();
      if (!arr) return err("kinds must be an array of names");
      p.kinds = 0;
      for (auto&& e : *arr) {
        auto* str = e.as_string();
        dlp::Kind kind;
        if (!str || !dlp::parse_kind(str->get(), &kind)) {
          return err(
              "kinds: unknown kind (known: api_key, private_key, card, iban, ssn, email, phone)");
        }
        p.kinds |= dlp::bit(kind);
      }
    } else if (key == "holdback") {
      auto* i = v.as_integer();
      if (!i || i->get() < 0 || i->get() > 4096) return err("holdback must be 0..4096 characters");
      p.holdback = static_cast<size_t>(i->get());
    } else {
      return err("has unknown key '" + std::string(key) + "'");
    }
  }
  s.dlp.push_back(std::move(p));
  return true;
}

const dlp::Policy* Snapshot::find_dlp(std::string_view gateway) const {
  for (const auto& p : dlp) {
    if (p.gateway == gateway) return &p;
  }
  return nullptr;
}

}  // namespace parapet::config
