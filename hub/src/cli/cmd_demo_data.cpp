#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "auth/totp.h"
#include "cli/commands.h"
#include "cli/open_store.h"
#include "storage/store.h"

namespace connecthub::hub::cli {
namespace {

template <typename T>
bool ParseNumber(const std::string& text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

int RunDemoData(const Options& options) {
  storage::DemoOptions demo;
  if (!ParseNumber(options.Get("participants", "200"), &demo.participants) ||
      demo.participants < 0 || demo.participants > 100'000'000) {
    std::cerr << "connecthub demo-data: --participants must be a number from 0 to 100000000\n";
    return 2;
  }
  if (!ParseNumber(options.Get("seed", "1"), &demo.seed)) {
    std::cerr << "connecthub demo-data: --seed must be a non-negative integer\n";
    return 2;
  }
  demo.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (demo.participants >= 50'000) {
    demo.progress = [](int64_t done, int64_t total) {
      std::cerr << "demo-data: " << done << " / " << total << " participants\r" << std::flush;
      if (done == total) std::cerr << "\n";
    };
  }
  // --logins-out: every participant's id and PIN, for load tests that need many logins. The file
  // is created 0600 (it holds PINs, even if synthetic ones).
  std::unique_ptr<FILE, int (*)(FILE*)> logins_out(nullptr, &std::fclose);
  if (std::string path = options.Get("logins-out"); !path.empty()) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
      if (fd >= 0) ::close(fd);
      std::cerr << "connecthub demo-data: cannot write --logins-out file\n";
      return 1;
    }
    logins_out.reset(::fdopen(fd, "w"));
    if (!logins_out) {
      ::close(fd);
      std::cerr << "connecthub demo-data: cannot write --logins-out file\n";
      return 1;
    }
    demo.on_login = [f = logins_out.get()](const std::string& pid, const std::string& pin) {
      std::fprintf(f, "%s\t%s\n", pid.c_str(), pin.c_str());
    };
  }
  auto store = OpenStore(options, "demo-data", KeyFile::kCreateIfMissing);
  if (!store) return 1;
  auto summary = store->GenerateDemo(demo);
  if (!summary.ok()) {
    std::cerr << "connecthub demo-data: " << summary.status().message() << "\n";
    return 1;
  }
  if (logins_out && std::fflush(logins_out.get()) != 0) {
    std::cerr << "connecthub demo-data: cannot write --logins-out file\n";
    return 1;
  }
  const auto& s = *summary;
  std::cout << "Demo data: " << s.participants << " participants, " << s.cases << " cases, "
            << s.payments << " payments, " << s.appointments << " appointments\n\n";
  std::cout << "Parent logins (participant id / PIN):\n";
  for (const auto& l : s.logins) {
    std::cout << "  " << l.participant_id << "  PIN " << l.pin << "  " << l.first_name << " ("
              << l.lang << ")  " << l.description << "\n";
  }
  // The inbox requires a second factor by default: the demo caseworkers are enrolled here and
  // their secrets printed with their passwords (synthetic accounts; the file stays 0700's).
  std::string secrets[2];
  const std::string* usernames[2] = {&s.caseworker_username, &s.supervisor_username};
  for (int i = 0; i < 2; ++i) {
    auto secret = auth::EnrollCaseworkerTotp(*store, *usernames[i]);
    if (!secret.ok()) {
      std::cerr << "connecthub demo-data: " << *usernames[i] << ": " << secret.status().message()
                << "\n";
      return 1;
    }
    secrets[i] = std::move(*secret);
  }
  std::cout << "\nInbox logins (username / password; the code comes from an authenticator app "
               "given the secret or the otpauth:// URI):\n";
  std::cout << "  " << s.caseworker_username << " / " << s.caseworker_password
            << "  caseworker, county " << s.caseworker_county << "\n";
  std::cout << "  " << s.supervisor_username << " / " << s.supervisor_password
            << "  supervisor, all counties\n";
  auth::TotpOptions totp;
  for (int i = 0; i < 2; ++i) {
    std::cout << "  " << *usernames[i] << " TOTP secret " << auth::Base32(secrets[i]) << "\n"
              << "    " << auth::OtpAuthUri(auth::kTotpIssuer, *usernames[i], secrets[i], totp)
              << "\n";
  }
  return 0;
}

}  // namespace

Command DemoDataCommand() {
  std::vector<OptionSpec> specs = DatabaseOptionSpecs();
  specs.push_back(
      {.name = "participants", .default_value = "200", .help = "number of synthetic participants"});
  specs.push_back({.name = "seed", .default_value = "1", .help = "same seed, same population"});
  specs.push_back({.name = "logins-out",
                   .help = "also write every participant's `id<TAB>PIN` to this file (0600), for "
                           "load tests"});
  return {.name = "demo-data",
          .usage =
              "connecthub demo-data [--db FILE] [--participants N] [--seed S] "
              "[--logins-out FILE]",
          .summary = "write synthetic case data and print demo logins",
          .options = specs,
          .run = RunDemoData};
}

}  // namespace connecthub::hub::cli
