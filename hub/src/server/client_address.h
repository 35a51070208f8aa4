#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connecthub::hub::server {

// An address block such as 10.0.0.0/8 or fd00::/8 (IPv4 kept as IPv4-mapped IPv6).
struct Cidr {
  std::array<uint8_t, 16> bytes{};
  int prefix = 128;  // bits of `bytes` that must match (IPv4 /n is stored as /96+n)
};

// "A.B.C.D[/n]" or "IPv6[/n]"; nullopt for anything else.
std::optional<Cidr> ParseCidr(std::string_view text);
// A comma-separated list of ParseCidr blocks (`--trusted-proxy`); false and *error on garbage.
bool ParseCidrList(std::string_view text, std::vector<Cidr>* out, std::string* error);

// The client's address: `peer` (the TCP peer) unless it is a trusted proxy; then the rightmost
// hop of `forwarded_for` (X-Forwarded-For, hops comma-separated, oldest first) that is not itself
// a trusted proxy. A hop that is not an address stops the walk at the last trusted hop. Pure.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<Cidr>& trusted);

// The key per-address limits count under: an IPv4 address as itself, an IPv6 address by its /64
// ("2001:db8:1:2::/64", one household or one host's privacy addresses), IPv4-mapped IPv6 as IPv4.
// Anything that is not an address is returned unchanged. Pure.
std::string AddressKey(std::string_view address);

}  // namespace connecthub::hub::server
