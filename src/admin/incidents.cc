#include "admin/incidents.h"

#include <simdjson.h>

#include <charconv>
#include <map>

namespace parapet::admin {

namespace {

Result<std::map<std::string, std::string>> fields(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body.empty() ? std::string_view("{}") : body);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) || !doc.is_object()) {
    return make_error(ErrorCode::kBadRequest, "want a JSON object");
  }
  std::map<std::string, std::string> out;
  for (auto [k, v] : doc.get_object()) {
    std::string_view sv;
    int64_t iv = 0;
    if (!v.get(sv)) {
      out[std::string(k)] = std::string(sv);
    } else if (!v.get(iv)) {
      out[std::string(k)] = std::to_string(iv);
    } else {
      return make_error(ErrorCode::kBadRequest,
                        "field " + std::string(k) + " must be a string or a whole number");
    }
  }
  return out;
}

Reply ok(Result<bool> r) {
  if (!r) return error_reply(r.error());
  return {200, "application/json", "{\"ok\":true}"};
}

}  // namespace

Handler incidents_handler(incident::Manager& m) {
  return [&m](const Request& r) -> Reply {
    std::string_view rest = r.path.substr(std::string_view("/incidents").size());
    if (rest.empty() || rest == "/") {
      if (r.method == "GET" || r.method == "HEAD") return {200, "application/json", m.list_json()};
      if (r.method == "POST") {
        auto f = fields(r.body);
        if (!f) return error_reply(f.error());
        int sev = 3;
        if (auto it = f->find("severity"); it != f->end()) {
          std::string_view s = it->second;
          if (s.starts_with("SEV") || s.starts_with("sev")) s.remove_prefix(3);
          sev = 0;
          std::from_chars(s.data(), s.data() + s.size(), sev);
        }
        std::string who = (*f)["who"].empty() ? "admin" : (*f)["who"];
        auto id = m.declare((*f)["title"], sev, who);
        if (!id) return error_reply(id.error());
        auto body = m.get_json(*id);
        return {201, "application/json", body ? *body : "{}"};
      }
      return error_reply(
          make_error(ErrorCode::kMethodNotAllowed, "/admin/incidents takes GET and POST"));
    }
    rest.remove_prefix(1);
    size_t slash = rest.find('/');
    std::string_view id_text = rest.substr(0, slash);
    std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    int64_t id = 0;
    auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || end != id_text.data() + id_text.size()) {
      return error_reply(make_error(ErrorCode::kNotFound, "no incident " + std::string(id_text)));
    }
    if (r.method == "GET" || r.method == "HEAD") {
      if (action.empty()) {
        auto j = m.get_json(id);
        if (!j) return error_reply(j.error());
        return {200, "application/json", *j};
      }
      if (action == "postmortem") {
        auto pub = r.query.get("public");
        bool is_public = pub && (*pub == "1" || *pub == "true");
        auto md = m.postmortem(id, is_public);
        if (!md) return error_reply(md.error());
        return {200, "text/markdown; charset=utf-8", *md};
      }
    }
    if (r.method == "POST") {
      auto f = fields(r.body);
      if (!f) return error_reply(f.error());
      std::string who = (*f)["who"].empty() ? "admin" : (*f)["who"];
      if (action == "status") return ok(m.set_status(id, (*f)["status"], who, (*f)["why"]));
      if (action == "note") return ok(m.note(id, (*f)["text"], who));
      if (action == "role") return ok(m.set_role(id, (*f)["role"], (*f)["person"], who));
    }
    return error_reply(make_error(ErrorCode::kMethodNotAllowed,
                                  "see docs/incidents.md for /admin/incidents endpoints"));
  };
}

}  // namespace parapet::admin
