#include <sodium.h>

#include <iostream>
#include <string>

#include "auth/totp.h"
#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

int RunCaseworkerMfaEnroll(const Options& options) {
  std::string username = options.Get("username");
  if (username.empty()) {
    std::cerr << "connecthub caseworker mfa-enroll: --username is required\n";
    return 2;
  }
  auto store = OpenStore(options, "caseworker mfa-enroll", KeyFile::kCreateIfMissing);
  if (!store) return 1;
  // A new secret replaces any earlier one: re-enrolling is how a lost phone is handled.
  auto secret = auth::EnrollCaseworkerTotp(*store, username);
  if (!secret.ok()) {
    std::cerr << "connecthub caseworker mfa-enroll: " << username << ": "
              << secret.status().message() << "\n";
    return 1;
  }
  auth::TotpOptions totp;
  // Printed once, for the caseworker's authenticator app; the database keeps it sealed.
  std::cout << "second factor enrolled for caseworker " << username
            << "; add it to an authenticator app now, it is not shown again:\n"
            << "otpauth: " << auth::OtpAuthUri(auth::kTotpIssuer, username, *secret, totp) << "\n"
            << "secret: " << auth::Base32(*secret) << "\n";
  sodium_memzero(secret->data(), secret->size());
  return 0;
}

}  // namespace

Command CaseworkerMfaEnrollCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back({.name = "username", .help = "the caseworker's login name (required)"});
  return {.name = "caseworker mfa-enroll",
          .usage = "connecthub caseworker mfa-enroll [--db FILE] --username U",
          .summary = "give a caseworker a new TOTP second factor (prints the otpauth:// URI once)",
          .options = specs,
          .run = RunCaseworkerMfaEnroll};
}

}  // namespace connecthub::hub::cli
