// Metric label values from fixed sets; the Host allow-list; "*" is no wildcard origin.
#include <catch2/catch.hpp>

#include "metrics.h"
#include "server/server.h"

namespace connecthub::hub {
namespace {

TEST_CASE("metric labels: methods and delivery statuses outside the fixed sets are \"other\"",
          "[hub][metrics]") {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    CHECK(MethodLabel(m) == m);
  }
  for (std::string_view m : {"FOO1", "get", "", "GET ", "PROPFIND", "G\nET"}) {
    CHECK(MethodLabel(m) == "other");
  }
  CHECK(DeliveryStatusLabel("delivered") == "delivered");
  CHECK(DeliveryStatusLabel("undelivered") == "undelivered");
  CHECK(DeliveryStatusLabel("invented-42") == "other");
  CHECK(DeliveryStatusLabel("") == "other");
}

TEST_CASE("Host allow-list: names from the list, any IP literal, nothing else", "[hub][limits]") {
  std::vector<std::string> allowed = {"localhost", "hub.example.org"};
  CHECK(server::HostAllowed("hub.example.org", allowed));
  CHECK(server::HostAllowed("HUB.Example.org:443", allowed));
  CHECK(server::HostAllowed("localhost:8080", allowed));
  CHECK(server::HostAllowed("127.0.0.1:8080", allowed));
  CHECK(server::HostAllowed("10.1.2.3", allowed));
  CHECK(server::HostAllowed("[::1]:8080", allowed));
  CHECK(server::HostAllowed("", allowed));
  CHECK_FALSE(server::HostAllowed("rebind.attacker.example", allowed));
  CHECK_FALSE(server::HostAllowed("hub.example.org.attacker.example", allowed));
  CHECK_FALSE(server::HostAllowed("127.0.0.1.attacker.example:80", allowed));
  CHECK_FALSE(server::HostAllowed("[::1", allowed));
  CHECK(server::HostAllowed("anything.example", {}));
}

TEST_CASE("an allowed origin of \"*\" matches nothing", "[hub][limits]") {
  CHECK_FALSE(server::OriginAllowed("https://evil.example", "127.0.0.1:8080", {"*"}));
  CHECK(server::OriginAllowed("http://127.0.0.1:8080", "127.0.0.1:8080", {"*"}));
}

}  // namespace
}  // namespace connecthub::hub
