#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace connecthub::bench {
namespace {

using Clock = std::chrono::steady_clock;

// fork() + exec() with stdout/stderr to files; argv is built before fork so the child only makes
// async-signal-safe calls.
pid_t Spawn(const std::string& binary, const std::vector<std::string>& args,
            const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> all;
  all.push_back(binary);
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0 || err < 0) {
    if (out >= 0) ::close(out);
    if (err >= 0) ::close(err);
    return -1;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    // The server holds one socket per client: give it every descriptor the hard limit allows.
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
      lim.rlim_cur = lim.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &lim);
    }
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  return pid;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::string& binary,
                                                    const std::vector<std::string>& args,
                                                    const std::string& work_dir,
                                                    const std::string& tag, int timeout_ms,
                                                    std::string* error) {
  std::vector<std::string> all = {"serve", "--listen", "127.0.0.1:0"};
  all.insert(all.end(), args.begin(), args.end());
  std::string out_path = work_dir + "/serve-" + tag + ".out";
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->log_path_ = work_dir + "/serve-" + tag + ".log";
  p->pid_ = Spawn(binary, all, out_path, p->log_path_);
  if (p->pid_ < 0) {
    *error = "cannot start " + binary;
    return nullptr;
  }
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  static constexpr std::string_view kLine = "ConnectHub listening on http://127.0.0.1:";
  while (Clock::now() < deadline) {
    std::string out = ReadFile(out_path);
    if (size_t at = out.find(kLine); at != std::string::npos) {
      p->port_ = static_cast<uint16_t>(std::atoi(out.c_str() + at + kLine.size()));
      if (p->port_ != 0) return p;
    }
    int status = 0;
    if (::waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
      p->stopped_ = true;
      *error = "connecthub serve exited early (see " + p->log_path_ + ")";
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = "connecthub serve did not start listening in time (see " + p->log_path_ + ")";
  return nullptr;  // the destructor stops it
}

ServerProcess::~ServerProcess() { Stop(3000); }

int64_t ServerProcess::StatusField(const char* name) const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  size_t n = std::strlen(name);
  while (std::getline(in, line)) {
    if (line.compare(0, n, name) == 0 && line.size() > n && line[n] == ':') {
      return std::atoll(line.c_str() + n + 1);
    }
  }
  return -1;
}

int64_t ServerProcess::RssKib() const { return StatusField("VmRSS"); }
int64_t ServerProcess::PeakRssKib() const { return StatusField("VmHWM"); }

double ServerProcess::CpuSeconds() const {
  std::string stat = ReadFile("/proc/" + std::to_string(pid_) + "/stat");
  // Fields after the command name (which may contain spaces) start after the last ')'.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::atoll(field.c_str());
    if (i == 15) stime = std::atoll(field.c_str());
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int ServerProcess::Stop(int grace_ms) {
  if (stopped_ || pid_ <= 0) return 0;
  stopped_ = true;
  ::kill(pid_, SIGTERM);
  auto deadline = Clock::now() + std::chrono::milliseconds(grace_ms);
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  return -1;
}

int RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                    const std::string& log_path) {
  pid_t pid = Spawn(binary, args, log_path, log_path + ".err");
  if (pid < 0) return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

int64_t RaiseFileLimit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  ::getrlimit(RLIMIT_NOFILE, &lim);
  return static_cast<int64_t>(lim.rlim_cur);
}

}  // namespace connecthub::bench
