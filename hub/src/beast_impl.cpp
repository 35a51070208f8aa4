// The one translation unit that compiles Asio's and Beast's implementation
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION, set in hub/CMakeLists.txt):
// every other file only includes their headers, which keeps the hub's build time down.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
