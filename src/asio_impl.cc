// The one translation unit that compiles Asio's and Beast's implementation (with
// BOOST_*_SEPARATE_COMPILATION set for every target), so each other file only parses declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
