#include "reliability/steps.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "providers/json_scan.h"
#include "reliability/retry.h"

namespace parapet::reliability {

Result<ModelRef> parse_model_ref(std::string_view text) {
  size_t slash = text.find('/');
  ModelRef r;
  r.provider = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) r.model = std::string(text.substr(slash + 1));
  if (r.model == "*") r.model.clear();
  if (r.provider.empty()) {
    return make_error(ErrorCode::kBadRequest,
                      "'" + std::string(text) + "' must be provider/model or provider");
  }
  return r;
}

const FallbackRule* find_fallback(const GatewayReliability& g, std::string_view provider,
                                  std::string_view model) {
  // An exact model wins over "provider/*" whatever the order in the file (TOML tables have none).
  const FallbackRule* any = nullptr;
  for (const auto& rule : g.fallbacks) {
    if (rule.from.provider != provider) continue;
    if (!rule.from.model.empty() && rule.from.model == model) return &rule;
    if (rule.from.model.empty() && !any) any = &rule;
  }
  return any;
}

std::optional<std::string> rewrite_model(std::string_view body, std::string_view model) {
  namespace json = providers::json;
  size_t begin = json::kNpos, end = json::kNpos;
  bool ok = json::for_each_top_member(body, [&](const json::Member& m) {
    if (m.key == "model" && m.kind == '"' && begin == json::kNpos) {
      begin = m.value_begin;
      end = m.value_end;
    }
  });
  if (!ok || begin == json::kNpos) return std::nullopt;
  std::string out;
  out.reserve(body.size() + model.size());
  out.append(body.substr(0, begin));
  out += '"';
  append_json_escaped(out, model);
  out += '"';
  out.append(body.substr(end));
  return out;
}

namespace {

Error step_error(size_t i, std::string what) {
  return make_error(ErrorCode::kBadRequest,
                    "universal request step " + std::to_string(i) + ": " + std::move(what));
}

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool valid_header_value(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

// A `config` value may be a number or a numeric string (the headers' form).
Result<std::string> scalar_text(simdjson::dom::element v) {
  std::string_view s;
  if (!v.get(s)) return std::string(s);
  int64_t i;
  if (!v.get(i)) return std::to_string(i);
  return make_error(ErrorCode::kBadRequest, "must be a number or a string");
}

Result<bool> read_config(size_t i, simdjson::dom::element cfg, UniversalStep& st) {
  simdjson::dom::object obj;
  if (cfg.get(obj)) return step_error(i, "config must be an object");
  for (auto [key, value] : obj) {
    auto text = scalar_text(value);
    if (!text) return step_error(i, "config." + std::string(key) + " " + text.error().message);
    if (key == "maxAttempts") {
      auto r = parse_max_attempts(*text);
      if (!r) return step_error(i, "config.maxAttempts " + r.error().message);
      st.max_attempts = *r;
    } else if (key == "retryDelay") {
      auto r = parse_retry_delay(*text);
      if (!r) return step_error(i, "config.retryDelay " + r.error().message);
      st.retry_delay = *r;
    } else if (key == "backoff") {
      auto r = parse_backoff(*text);
      if (!r) return step_error(i, "config.backoff " + r.error().message);
      st.backoff = *r;
    } else if (key == "requestTimeout") {
      auto r = parse_request_timeout(*text);
      if (!r) return step_error(i, "config.requestTimeout " + r.error().message);
      st.request_timeout = *r;
    } else {
      return step_error(i, "unknown config key '" + std::string(key.substr(0, 64)) + "'");
    }
  }
  return true;
}

Result<bool> add_header(size_t i, UniversalStep& st, std::string_view name,
                        std::string_view value) {
  if (name.empty() || name.size() > 256 || !std::all_of(name.begin(), name.end(), token_char)) {
    return step_error(i, "header name '" + std::string(name.substr(0, 64)) + "' is not valid");
  }
  if (!valid_header_value(value) || value.size() > 16384) {
    return step_error(i, "header '" + std::string(name) + "' has a value that is not valid");
  }
  if (st.headers.size() >= kMaxStepHeaders) {
    return step_error(i, "more than " + std::to_string(kMaxStepHeaders) + " headers");
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  st.headers.emplace_back(std::move(lower), std::string(value));
  return true;
}

}  // namespace

Result<std::vector<UniversalStep>> parse_universal(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  simdjson::dom::array arr;
  if (parser.parse(padded).get(doc) || doc.get(arr)) {
    return make_error(ErrorCode::kBadRequest,
                      "the universal endpoint takes a JSON array of steps "
                      "[{\"provider\",\"endpoint\",\"headers\",\"query\"}, ...]");
  }
  std::vector<UniversalStep> steps;
  size_t n = arr.size();
  if (n == 0 || n > kMaxUniversalSteps) {
    return make_error(ErrorCode::kBadRequest, "the universal endpoint takes 1 to " +
                                                  std::to_string(kMaxUniversalSteps) + " steps");
  }
  size_t i = 0;
  for (auto el : arr) {
    simdjson::dom::object obj;
    if (el.get(obj)) return step_error(i, "must be an object");
    UniversalStep st;
    bool has_provider = false, has_endpoint = false;
    for (auto [key, value] : obj) {
      std::string_view s;
      if (key == "provider") {
        if (value.get(s) || s.empty()) return step_error(i, "provider must be a non-empty string");
        st.provider = s;
        has_provider = true;
      } else if (key == "endpoint") {
        if (value.get(s)) return step_error(i, "endpoint must be a string");
        while (s.starts_with('/')) s.remove_prefix(1);
        if (s.empty()) return step_error(i, "endpoint must not be empty");
        if (!valid_header_value(s) || s.find(' ') != std::string_view::npos) {
          return step_error(i, "endpoint holds characters a path cannot");
        }
        st.endpoint = s;
        has_endpoint = true;
      } else if (key == "headers") {
        simdjson::dom::object h;
        if (value.get(h)) return step_error(i, "headers must be an object of strings");
        for (auto [hk, hv] : h) {
          if (hv.get(s)) return step_error(i, "headers must be an object of strings");
          PARAPET_TRY(add_header(i, st, hk, s));
        }
      } else if (key == "authorization") {  // the older spelling of headers.Authorization
        if (value.get(s)) return step_error(i, "authorization must be a string");
        PARAPET_TRY(add_header(i, st, "authorization", s));
      } else if (key == "query") {
        st.body = simdjson::to_string(value);
      } else if (key == "config") {
        PARAPET_TRY(read_config(i, value, st));
      } else {
        return step_error(i, "unknown key '" + std::string(key.substr(0, 64)) + "'");
      }
    }
    if (!has_provider) return step_error(i, "provider is required");
    if (!has_endpoint) return step_error(i, "endpoint is required");
    steps.push_back(std::move(st));
    ++i;
  }
  return steps;
}

}  // namespace parapet::reliability
