// Asio's OpenSSL implementation, compiled once (the hub builds Asio with
// BOOST_ASIO_SEPARATE_COMPILATION; src/beast_impl.cpp holds the rest of Asio and Beast). Only the
// SMS channel's REST client speaks TLS as a client.
#include <boost/asio/ssl/impl/src.hpp>
