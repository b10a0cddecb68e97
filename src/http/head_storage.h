// Copies of a message head's pieces (start line parts, field names and values) made while Beast's
// parser hands them out, so the views a parser publishes stay valid after the socket buffer moves.
// Offsets are recorded while appending (the string may reallocate) and turned into views once the
// head is complete. Capacity is kept across messages: no allocation per request after warm-up.
// Thread-safety: owned by one parser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/headers.h"

namespace parapet::http {

class HeadStorage {
 public:
  struct Ref {
    size_t off = 0, len = 0;
  };

  void clear() {
    bytes_.clear();
    fields_.clear();
  }
  Ref keep(std::string_view s) {
    Ref r{bytes_.size(), s.size()};
    bytes_.append(s);
    return r;
  }
  void add_field(std::string_view name, std::string_view value) {
    Ref n = keep(name);
    fields_.push_back({n, keep(value)});
  }
  size_t field_count() const { return fields_.size(); }
  // REQUIRES: no keep()/add_field() after this until clear(): the views point into the storage.
  std::string_view view(Ref r) const { return {bytes_.data() + r.off, r.len}; }
  void fill(HeaderList& out) const {
    out.clear();
    for (const auto& [n, v] : fields_) out.add(view(n), view(v));
  }

 private:
  std::string bytes_;
  std::vector<std::pair<Ref, Ref>> fields_;
};

}  // namespace parapet::http
