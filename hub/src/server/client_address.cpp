#include "server/client_address.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace connecthub::hub::server {
namespace {

namespace ip = boost::asio::ip;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// As IPv6 bytes (IPv4 mapped); nullopt when `text` is not an address.
std::optional<std::array<uint8_t, 16>> Bytes(std::string_view text, bool* v4 = nullptr) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (a.is_v4()) {
    if (v4 != nullptr) *v4 = true;
    return ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes();
  }
  ip::address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) {
    if (v4 != nullptr) *v4 = true;
  } else if (v4 != nullptr) {
    *v4 = false;
  }
  return v6.to_bytes();
}

bool Contains(const Cidr& block, const std::array<uint8_t, 16>& addr) {
  int bits = block.prefix;
  for (size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((block.bytes[i] & mask) != (addr[i] & mask)) return false;
  }
  return true;
}

bool Trusted(const std::vector<Cidr>& trusted, const std::array<uint8_t, 16>& addr) {
  for (const auto& c : trusted) {
    if (Contains(c, addr)) return true;
  }
  return false;
}

}  // namespace

std::optional<Cidr> ParseCidr(std::string_view text) {
  text = Trim(text);
  std::string_view host = text;
  std::optional<int> prefix;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    host = text.substr(0, slash);
    std::string_view p = text.substr(slash + 1);
    int n = -1;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size()) return std::nullopt;
    prefix = n;
  }
  bool v4 = false;
  auto bytes = Bytes(host, &v4);
  if (!bytes) return std::nullopt;
  int max = v4 ? 32 : 128;
  int n = prefix.value_or(max);
  if (n < 0 || n > max) return std::nullopt;
  return Cidr{*bytes, v4 ? 96 + n : n};
}

bool ParseCidrList(std::string_view text, std::vector<Cidr>* out, std::string* error) {
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    auto block = ParseCidr(item);
    if (!block) {
      *error = "not an address or CIDR block: '" + std::string(Trim(item)) + "'";
      return false;
    }
    out->push_back(*block);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return true;
}

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<Cidr>& trusted) {
  auto peer_bytes = Bytes(peer);
  if (trusted.empty() || !peer_bytes || !Trusted(trusted, *peer_bytes)) return std::string(peer);
  std::string client(peer);
  while (!forwarded_for.empty()) {
    size_t comma = forwarded_for.rfind(',');
    std::string_view hop =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    auto bytes = Bytes(hop);
    if (!bytes) break;  // garbage from the client side: trust nothing further left
    client = std::string(hop);
    if (!Trusted(trusted, *bytes)) break;
  }
  return client;
}

std::string AddressKey(std::string_view address) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(address), ec);
  if (ec) return std::string(address);
  if (a.is_v4()) return a.to_v4().to_string();
  ip::address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (size_t i = 8; i < 16; ++i) bytes[i] = 0;
  return ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace connecthub::hub::server
