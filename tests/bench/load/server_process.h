#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace connecthub::bench {

// A `connecthub serve` child process on 127.0.0.1 for one benchmark mode: started with a raised
// open-files limit, its stdout and stderr going to files in `work_dir`, its port read from the
// "ConnectHub listening on" line. Stopped (SIGTERM, then SIGKILL after a grace period) by Stop() or
// the destructor. Not thread-safe.
class ServerProcess {
 public:
  // Starts `binary serve --listen 127.0.0.1:0 args...` and waits (at most `timeout_ms`) until it
  // listens. nullptr and *error when it cannot be started or exits or times out first.
  static std::unique_ptr<ServerProcess> Start(const std::string& binary,
                                              const std::vector<std::string>& args,
                                              const std::string& work_dir, const std::string& tag,
                                              int timeout_ms, std::string* error);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

  // Resident set (VmRSS) and its peak (VmHWM) in KiB from /proc/<pid>/status; -1 when unreadable.
  int64_t RssKib() const;
  int64_t PeakRssKib() const;
  // User + system CPU seconds the process has used so far (/proc/<pid>/stat); -1 when unreadable.
  double CpuSeconds() const;

  // SIGTERM, then SIGKILL after `grace_ms`. Returns the exit status (as from waitpid), or -1 when
  // it had to be killed.
  int Stop(int grace_ms = 10000);

 private:
  ServerProcess() = default;
  int64_t StatusField(const char* name) const;

  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string log_path_;
  bool stopped_ = false;
};

// Runs `binary args...` to completion with stdout and stderr to `log_path`; returns its exit code
// (-1 when it could not be run or was killed by a signal).
int RunToCompletion(const std::string& binary, const std::vector<std::string>& args,
                    const std::string& log_path);

// Raises this process's soft open-files limit to the hard one; returns the new soft limit.
int64_t RaiseFileLimit();

}  // namespace connecthub::bench
