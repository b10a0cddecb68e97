// TOML -> PriceTable, and model lookup. Unknown keys are errors: a misspelt "cached_raed" must not
// silently bill cache reads at the input rate.
#include "cost/price_table.h"

#include <toml++/toml.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "cost/builtin_prices.h"
#include "cost/decimal.h"

namespace parapet::cost {

namespace {

constexpr char kSep = '\x1f';                     // between provider and model in index keys
constexpr int kPriceScale = 6;                    // micro-USD per million tokens
constexpr int64_t kMaxPrice = 1'000'000'000'000;  // $1,000,000 per million tokens: $1 a token
constexpr size_t kMaxModelLen = 200;
constexpr int kMaxInheritDepth = 4;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool valid_provider_name(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

bool valid_model_id(std::string_view m) {
  if (m.empty() || m.size() > kMaxModelLen) return false;
  for (unsigned char c : m) {
    if (c <= 0x20 || c == 0x7f || c == static_cast<unsigned char>(kSep)) return false;
  }
  return true;
}

bool digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool valid_ymd(int y, int m, int d) {
  return y >= 2000 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

bool valid_date_text(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && digits(s.substr(0, 4)) &&
         digits(s.substr(5, 2)) && digits(s.substr(8, 2)) &&
         valid_ymd(to_int(s.substr(0, 4)), to_int(s.substr(5, 2)), to_int(s.substr(8, 2)));
}

// Length of a dated snapshot suffix at the end of a (lower-case) model id, 0 if none:
// "-2024-08-06" (OpenAI), "-20250929" (Anthropic), "@20251001" (Vertex-style).
size_t dated_suffix_length(std::string_view m) {
  if (m.size() > 11) {
    std::string_view t = m.substr(m.size() - 11);
    if (t[0] == '-' && valid_date_text(t.substr(1))) return 11;
  }
  if (m.size() > 9) {
    std::string_view t = m.substr(m.size() - 9);
    if ((t[0] == '-' || t[0] == '@') && digits(t.substr(1)) &&
        valid_ymd(to_int(t.substr(1, 4)), to_int(t.substr(5, 2)), to_int(t.substr(7, 2)))) {
      return 9;
    }
  }
  return 0;
}

std::string index_key(std::string_view provider, std::string_view model) {
  std::string k(provider);
  k += kSep;
  k += lowered(model);
  return k;
}

}  // namespace

// Walks a parsed TOML document into a PriceTable, remembering where each value came from so that
// every error names the file, the line and the key.
class TableBuilder {
 public:
  explicit TableBuilder(std::string_view name) : name_(name) {}

  Result<PriceTable> build(const toml::table& root) {
    PARAPET_TRY(only_keys(root, "", {"version", "currency", "source", "note", "providers"}));
    const toml::node* version = root.get("version");
    if (!version) return error(root, "version", "is required, e.g. version = \"2026-11-22\"");
    auto* vs = version->as_string();
    if (!vs || vs->get().empty() || vs->get().size() > 64) {
      return error(*version, "version", "must be a non-empty string of at most 64 characters");
    }
    table_.version_ = vs->get();
    if (const toml::node* c = root.get("currency")) {
      auto* cs = c->as_string();
      if (!cs || cs->get() != "USD") return error(*c, "currency", "only \"USD\" is supported");
    }
    PARAPET_TRY(optional_string(root, "", "source"));
    PARAPET_TRY(optional_string(root, "", "note"));
    const toml::node* providers = root.get("providers");
    if (!providers) return error(root, "providers", "is required");
    auto* pt = providers->as_table();
    if (!pt) return error(*providers, "providers", "must be a table");
    for (auto&& [k, v] : *pt) {
      PARAPET_TRY(provider(std::string(k.str()), v));
    }
    return std::move(table_);
  }

 private:
  Error error(const toml::node& at, std::string_view path, std::string_view what) const {
    std::ostringstream m;
    m << name_ << ":" << at.source().begin.line << ": " << path << ": " << what;
    return make_error(ErrorCode::kBadRequest, m.str());
  }

  static std::string join(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
  }

  Result<bool> only_keys(const toml::table& t, std::string_view path,
                         std::initializer_list<std::string_view> allowed) const {
    for (auto&& [k, v] : t) {
      bool ok = false;
      for (auto a : allowed) ok = ok || k.str() == a;
      if (!ok) return error(v, join(path, k.str()), "unknown key");
    }
    return true;
  }

  Result<bool> optional_string(const toml::table& t, std::string_view path, std::string_view key,
                               std::string* out = nullptr) const {
    const toml::node* n = t.get(key);
    if (!n) return true;
    auto* s = n->as_string();
    if (!s) return error(*n, join(path, key), "must be a string");
    if (out) *out = s->get();
    return true;
  }

  Result<int64_t> price(const toml::node& n, const std::string& path) const {
    auto* s = n.as_string();
    if (!s) {
      return error(n, path,
                   "write prices as decimal strings in USD per million tokens, e.g. \"2.50\" "
                   "(a TOML number would pass through binary floating point)");
    }
    auto v = parse_scaled_decimal(s->get(), kPriceScale, /*allow_exponent=*/false, kMaxPrice);
    if (!v) return error(n, path, v.error().message);
    return *v;
  }

  // input/output required, cached_read/cache_write optional.
  Result<bool> rates(const toml::table& t, const std::string& path, Rates& out) const {
    for (const char* required : {"input", "output"}) {
      if (!t.get(required)) return error(t, join(path, required), "is required");
    }
    auto in = price(*t.get("input"), join(path, "input"));
    if (!in) return in.error();
    out.input = *in;
    auto outp = price(*t.get("output"), join(path, "output"));
    if (!outp) return outp.error();
    out.output = *outp;
    if (const toml::node* n = t.get("cached_read")) {
      auto v = price(*n, join(path, "cached_read"));
      if (!v) return v.error();
      out.cached_read = *v;
    }
    if (const toml::node* n = t.get("cache_write")) {
      auto v = price(*n, join(path, "cache_write"));
      if (!v) return v.error();
      out.cache_write = *v;
    }
    return true;
  }

  Result<bool> provider(const std::string& name, const toml::node& node) {
    const std::string path = "providers." + name;
    if (!valid_provider_name(name)) {
      return error(node, path, "provider names are 1-64 characters of [a-z0-9-_]");
    }
    auto* t = node.as_table();
    if (!t) return error(node, path, "must be a table");
    PARAPET_TRY(only_keys(*t, path, {"source", "note", "inherits", "reports_own_cost", "models"}));
    PARAPET_TRY(optional_string(*t, path, "source"));
    PARAPET_TRY(optional_string(*t, path, "note"));
    PriceTable::ProviderInfo info;
    if (const toml::node* n = t->get("inherits")) {
      auto* s = n->as_string();
      if (!s || !valid_provider_name(s->get()) || s->get() == name) {
        return error(*n, path + ".inherits", "must name another provider");
      }
      info.inherits = s->get();
    }
    if (const toml::node* n = t->get("reports_own_cost")) {
      auto* b = n->as_boolean();
      if (!b) return error(*n, path + ".reports_own_cost", "must be true or false");
      info.reports_own_cost = b->get();
    }
    if (info.inherits || info.reports_own_cost) table_.providers_[name] = info;
    if (const toml::node* n = t->get("models")) {
      auto* arr = n->as_array();
      if (!arr)
        return error(*n, path + ".models", "must be an array of tables ([[" + path + ".models]])");
      for (size_t i = 0; i < arr->size(); ++i) {
        PARAPET_TRY(model(name, path + ".models[" + std::to_string(i) + "]", (*arr)[i]));
      }
    }
    return true;
  }

  Result<bool> model(const std::string& provider_name, const std::string& path,
                     const toml::node& node) {
    auto* t = node.as_table();
    if (!t) return error(node, path, "must be a table");
    PARAPET_TRY(only_keys(*t, path,
                          {"id", "aliases", "input", "output", "cached_read", "cache_write",
                           "long_context", "source", "checked", "note"}));
    Price p;
    p.provider = provider_name;
    const toml::node* id = t->get("id");
    if (!id) return error(*t, path + ".id", "is required");
    auto* ids = id->as_string();
    if (!ids || !valid_model_id(ids->get())) {
      return error(*id, path + ".id", "must be a model id: 1-200 characters, no spaces");
    }
    p.id = ids->get();
    PARAPET_TRY(rates(*t, path, p));
    if (const toml::node* n = t->get("long_context")) {
      auto* lt = n->as_table();
      const std::string lpath = path + ".long_context";
      if (!lt) return error(*n, lpath, "must be a table");
      PARAPET_TRY(only_keys(
          *lt, lpath, {"above_prompt_tokens", "input", "output", "cached_read", "cache_write"}));
      LongContext lc;
      const toml::node* above = lt->get("above_prompt_tokens");
      if (!above) return error(*lt, lpath + ".above_prompt_tokens", "is required");
      auto* ai = above->as_integer();
      if (!ai || ai->get() <= 0) {
        return error(*above, lpath + ".above_prompt_tokens", "must be a positive integer");
      }
      lc.above_prompt_tokens = ai->get();
      PARAPET_TRY(rates(*lt, lpath, lc));
      // The long-context tier must price the same kinds of tokens as the base tier, or a cached
      // token would silently fall back to the long input rate.
      if (lc.cached_read.has_value() != p.cached_read.has_value()) {
        return error(*lt, lpath + ".cached_read", "must be given exactly when the model's is");
      }
      if (lc.cache_write.has_value() != p.cache_write.has_value()) {
        return error(*lt, lpath + ".cache_write", "must be given exactly when the model's is");
      }
      p.long_context = lc;
    }
    PARAPET_TRY(optional_string(*t, path, "source", &p.source));
    if (!p.source.empty() && p.source.rfind("https://", 0) != 0) {
      return error(*t->get("source"), path + ".source", "must be an https:// URL");
    }
    if (const toml::node* n = t->get("checked")) {
      if (auto* d = n->as_date()) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d->get().year, d->get().month,
                      d->get().day);
        p.checked = buf;
      } else if (auto* s = n->as_string(); s && valid_date_text(s->get())) {
        p.checked = s->get();
      } else {
        return error(*n, path + ".checked", "must be a date, YYYY-MM-DD");
      }
    }
    PARAPET_TRY(optional_string(*t, path, "note", &p.note));

    const size_t entry = table_.entries_.size();
    std::vector<std::pair<std::string, const toml::node*>> names = {{p.id, id}};
    if (const toml::node* n = t->get("aliases")) {
      auto* arr = n->as_array();
      if (!arr) return error(*n, path + ".aliases", "must be an array of strings");
      for (size_t i = 0; i < arr->size(); ++i) {
        auto* s = (*arr)[i].as_string();
        if (!s || !valid_model_id(s->get())) {
          return error((*arr)[i], path + ".aliases[" + std::to_string(i) + "]",
                       "must be a model id: 1-200 characters, no spaces");
        }
        names.emplace_back(s->get(), &(*arr)[i]);
      }
    }
    for (auto& [n, at] : names) {
      std::string key = index_key(provider_name, n);
      if (table_.index_.count(key)) {
        return error(*at, path, "'" + n + "' is already priced for " + provider_name);
      }
      table_.index_.emplace(std::move(key), entry);
    }
    table_.entries_.push_back(std::move(p));
    return true;
  }

  std::string name_;
  PriceTable table_;
};

Result<PriceTable> PriceTable::parse(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(source_name));
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << source_name << ":" << e.source().begin.line << ": " << e.description();
    return make_error(ErrorCode::kBadRequest, m.str());
  }
  return TableBuilder(source_name).build(root);
}

const PriceTable& PriceTable::builtin() {
  static const PriceTable table = [] {
    auto r =
        parse(std::string_view(kBuiltinPricesToml, kBuiltinPricesTomlSize), "data/prices.toml");
    if (!r) {
      // Our bug, not outside input: tests/unit/cost parse the same bytes.
      std::fprintf(stderr, "built-in price table is invalid: %s\n", r.error().message.c_str());
      std::abort();
    }
    return std::move(*r);
  }();
  return table;
}

void PriceTable::merge_overrides(const PriceTable& overrides) {
  std::vector<size_t> target(overrides.entries_.size());
  for (size_t i = 0; i < overrides.entries_.size(); ++i) {
    const Price& o = overrides.entries_[i];
    auto it = index_.find(index_key(o.provider, o.id));
    if (it != index_.end() && lowered(entries_[it->second].id) == lowered(o.id) &&
        entries_[it->second].provider == o.provider) {
      target[i] = it->second;
      entries_[it->second] = o;
    } else {
      target[i] = entries_.size();
      entries_.push_back(o);
    }
  }
  for (const auto& [key, i] : overrides.index_) index_[key] = target[i];
  for (const auto& [name, info] : overrides.providers_) {
    ProviderInfo& ours = providers_[name];
    if (info.inherits) ours.inherits = info.inherits;
    if (info.reports_own_cost) ours.reports_own_cost = info.reports_own_cost;
  }
  version_ += "+" + overrides.version_;
}

const Price* PriceTable::find_in(std::string_view provider, std::string_view model) const {
  char buf[2 * kMaxModelLen];
  if (provider.size() + 1 + model.size() > sizeof buf) return nullptr;
  if (model.size() >= 7) {
    bool prefixed = true;
    for (size_t i = 0; i < 7; ++i) prefixed = prefixed && lower(model[i]) == "models/"[i];
    if (prefixed) model.remove_prefix(7);
  }
  size_t n = 0;
  for (char c : provider) buf[n++] = c;
  buf[n++] = kSep;
  const size_t model_at = n;
  for (char c : model) buf[n++] = lower(c);
  std::string_view key(buf, n);
  if (auto it = index_.find(key); it != index_.end()) return &entries_[it->second];
  if (size_t cut = dated_suffix_length(key.substr(model_at)); cut > 0) {
    if (auto it = index_.find(key.substr(0, n - cut)); it != index_.end()) {
      return &entries_[it->second];
    }
  }
  return nullptr;
}

const Price* PriceTable::find(std::string_view provider, std::string_view model) const {
  for (int depth = 0; depth < kMaxInheritDepth; ++depth) {
    if (const Price* p = find_in(provider, model)) return p;
    auto it = providers_.find(provider);
    if (it == providers_.end() || !it->second.inherits) break;
    provider = *it->second.inherits;
  }
  return nullptr;
}

bool PriceTable::reports_own_cost(std::string_view provider) const {
  auto it = providers_.find(provider);
  return it != providers_.end() && it->second.reports_own_cost.value_or(false);
}

}  // namespace parapet::cost
