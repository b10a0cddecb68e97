// The bytes of data/prices.toml, generated at build time by cmake/embed_file.cmake into
// <build>/generated/cost/builtin_prices.cc, so the built-in table needs no file at run time.
#pragma once

#include <cstddef>

namespace parapet::cost {

extern const char kBuiltinPricesToml[];
extern const std::size_t kBuiltinPricesTomlSize;

}  // namespace parapet::cost
