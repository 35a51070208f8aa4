#include "server/client_address.h"

#include <catch2/catch.hpp>

using namespace connecthub::hub::server;

namespace {

std::vector<Cidr> Trusted(const std::string& list) {
  std::vector<Cidr> out;
  std::string error;
  REQUIRE(ParseCidrList(list, &out, &error));
  return out;
}

}  // namespace

TEST_CASE("CIDR lists parse IPv4 and IPv6 blocks and refuse garbage", "[hub][address]") {
  std::vector<Cidr> out;
  std::string error;
  CHECK(ParseCidrList("10.0.0.0/8, 192.168.1.1,fd00::/8", &out, &error));
  CHECK(out.size() == 3);
  for (const char* bad : {"10.0.0.0/33", "fd00::/129", "10.0.0/8", "proxy.example", "10.0.0.0/",
                          "10.0.0.0/8x", "/8", ",", "1.2.3.4/-1"}) {
    std::vector<Cidr> v;
    std::string e;
    CHECK_FALSE(ParseCidrList(bad, &v, &e));
    CHECK_FALSE(e.empty());
  }
}

TEST_CASE("the client is the rightmost untrusted X-Forwarded-For hop", "[hub][address]") {
  auto trusted = Trusted("127.0.0.1/32,10.0.0.0/8");
  CHECK(ClientAddress("127.0.0.1", "203.0.113.7", trusted) == "203.0.113.7");
  // A client-supplied leftmost hop does not count; proxies in the chain are skipped.
  CHECK(ClientAddress("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.1.2.3", trusted) ==
        "203.0.113.7");
  // Not from a trusted proxy: the header is ignored.
  CHECK(ClientAddress("192.0.2.5", "203.0.113.7", trusted) == "192.0.2.5");
  CHECK(ClientAddress("127.0.0.1", "203.0.113.7", {}) == "127.0.0.1");
  // No header, or garbage: the last trusted hop.
  CHECK(ClientAddress("127.0.0.1", "", trusted) == "127.0.0.1");
  CHECK(ClientAddress("127.0.0.1", "not-an-ip", trusted) == "127.0.0.1");
  CHECK(ClientAddress("127.0.0.1", "203.0.113.7, garbage, 10.0.0.9", trusted) == "10.0.0.9");
  CHECK(ClientAddress("127.0.0.1", " 2001:db8::1 ", trusted) == "2001:db8::1");
  // Every hop trusted: the leftmost.
  CHECK(ClientAddress("127.0.0.1", "10.0.0.1, 10.0.0.2", trusted) == "10.0.0.1");
}

TEST_CASE("IPv6 clients are keyed by /64, IPv4 (mapped or not) by address", "[hub][address]") {
  CHECK(AddressKey("2001:db8:1:2::a") == "2001:db8:1:2::/64");
  CHECK(AddressKey("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64");
  CHECK(AddressKey("2001:db8:1:3::1") == "2001:db8:1:3::/64");
  CHECK(AddressKey("203.0.113.7") == "203.0.113.7");
  CHECK(AddressKey("::ffff:203.0.113.7") == "203.0.113.7");
  CHECK(AddressKey("") == "");
  CHECK(AddressKey("garbage") == "garbage");
}
