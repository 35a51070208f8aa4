// Secrets (the Twilio auth token) come from the environment or a 0600 config file, never argv.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "cli/options.h"

namespace connecthub::hub::cli {
namespace {

std::vector<OptionSpec> Specs() {
  return {{.name = "config"}, {.name = "db"}, {.name = "twilio-auth-token", .secret = true}};
}

TEST_CASE("a secret option is refused on the command line, without echoing it", "[hub][cli]") {
  std::string error;
  char* env[] = {nullptr};
  CHECK_FALSE(Parse({"--twilio-auth-token", "tok-123"}, Specs(), &error, env));
  CHECK(error.find("CONNECTHUB_TWILIO_AUTH_TOKEN") != std::string::npos);
  CHECK(error.find("tok-123") == std::string::npos);
  CHECK_FALSE(Parse({"--twilio-auth-token=tok-123"}, Specs(), &error, env));
  CHECK(error.find("tok-123") == std::string::npos);
  std::string var = "CONNECTHUB_TWILIO_AUTH_TOKEN=from-env";
  char* with[] = {var.data(), nullptr};
  auto ok = Parse({"--db", "x.db"}, Specs(), &error, with);
  REQUIRE(ok);
  CHECK(ok->Get("twilio-auth-token") == "from-env");
}

TEST_CASE("a config file holding a secret must be 0600", "[hub][cli]") {
  char dir_template[] = "/tmp/chopts-XXXXXX";
  std::string dir = ::mkdtemp(dir_template);
  std::string path = dir + "/hub.conf";
  { std::ofstream(path) << "db = a.db\ntwilio-auth-token = tok-456\n"; }
  char* env[] = {nullptr};
  std::string error;
  ::chmod(path.c_str(), 0640);
  CHECK_FALSE(Parse({"--config", path}, Specs(), &error, env));
  CHECK(error.find("chmod 600") != std::string::npos);
  CHECK(error.find("tok-456") == std::string::npos);
  ::chmod(path.c_str(), 0600);
  auto ok = Parse({"--config", path}, Specs(), &error, env);
  REQUIRE(ok);
  CHECK(ok->Get("twilio-auth-token") == "tok-456");
  // A config without secrets may stay readable.
  { std::ofstream(path) << "db = a.db\n"; }
  ::chmod(path.c_str(), 0644);
  CHECK(Parse({"--config", path}, Specs(), &error, env));
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace connecthub::hub::cli
