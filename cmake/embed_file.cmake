# Turns a data file into a C++ source holding its bytes, so the binary needs no file at run time.
# Usage: cmake -DIN=<file> -DOUT=<file.cc> -DSYMBOL=<name> -DNAMESPACE=<ns> -P embed_file.cmake
# Defines `const char SYMBOL[]` (the bytes plus a terminating NUL) and `const std::size_t
# SYMBOL##Size` (the byte count, NUL excluded) in NAMESPACE.
file(READ "${IN}" _hex HEX)
string(LENGTH "${_hex}" _len)
math(EXPR _size "${_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," _bytes "${_hex}")
# 16 bytes per line keeps the generated file readable (CMake regexes have no {n}).
string(REPEAT "'\\\\x[0-9a-f][0-9a-f]'," 16 _line)
string(REGEX REPLACE "(${_line})" "\\1\n  " _bytes "${_bytes}")
file(WRITE "${OUT}.tmp"
"// Generated from ${IN} by cmake/embed_file.cmake. Do not edit.
#include <cstddef>

namespace ${NAMESPACE} {

extern const char ${SYMBOL}[];
extern const std::size_t ${SYMBOL}Size;

const char ${SYMBOL}[] = {
  ${_bytes}'\\0'};
const std::size_t ${SYMBOL}Size = ${_size};

}  // namespace ${NAMESPACE}
")
# Only touch OUT when the bytes changed, so an unchanged data file does not rebuild the library.
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
