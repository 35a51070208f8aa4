#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/status.h"

namespace connecthub::storage {

// One SQLite connection with a cache of prepared statements. Not thread-safe: owned by the writer
// thread or lent out by the ReadPool to one thread at a time.
class Conn {
 public:
  Conn(const std::string& path, bool read_only, int busy_timeout_ms);

  SQLite::Database& db() { return db_; }

  // A cached prepared statement, reset and unbound when the Query goes out of scope (so read
  // transactions never stay open between calls).
  class Query {
   public:
    explicit Query(SQLite::Statement* s) : s_(s) {}
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    ~Query() {
      // tryReset: after a failed step reset() re-reports that error, and a throw from a
      // destructor (e.g. while a constraint's exception unwinds) ends the process.
      (void)s_->tryReset();
      s_->clearBindings();
    }
    SQLite::Statement* operator->() { return s_; }
    SQLite::Statement& operator*() { return *s_; }

   private:
    SQLite::Statement* s_;
  };
  Query Prep(const char* sql);

 private:
  SQLite::Database db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> cache_;
};

// The single writer: a thread owning the write connection. Jobs are queued and run in order
// (group commit: up to `max_batch` queued jobs share one transaction, each inside its own
// SAVEPOINT so a failing job is rolled back alone). With WAL and synchronous=FULL a job reported
// ok survives a process or power crash. Thread-safe.
class Writer {
 public:
  using Job = std::function<Status(Conn&)>;
  // Told the job's outcome on the writer thread, after its transaction committed (or failed).
  // It must not block: it delays the next batch.
  using Done = std::function<void(Status)>;
  Writer(std::unique_ptr<Conn> conn, int max_batch);
  ~Writer();

  // Runs `job` on the writer thread inside a transaction and blocks until it is durable. Returns
  // the job's status when it failed (its savepoint rolled back), kIo when the commit failed, ok
  // after a durable commit. Called on the writer thread itself from a Done, it runs the job at
  // once in a transaction of its own; from inside a job it fails with kInternal.
  Status Run(Job job);
  // Queues `job` without waiting; `done` gets what Run would return.
  void Submit(Job job, Done done);

  // Typed convenience: the job fills a Result<T>.
  template <typename T>
  Result<T> Call(const std::function<Result<T>(Conn&)>& fn) {
    std::optional<Result<T>> out;
    Status s = Run([&](Conn& c) -> Status {
      out.emplace(fn(c));
      return out->status();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }

 private:
  struct Pending {
    Job job;
    Done done;
  };
  void Loop();
  // Runs the jobs in one transaction, then tells each its outcome.
  void RunBatch(std::vector<Pending>& batch);
  // Copies the WAL back into the database file on a connection and thread of its own, so the
  // writer's commits never wait for a checkpoint (SQLite's automatic one runs inside the commit
  // that crosses 1000 WAL pages: ~8% of the writer's time under chat load).
  void CheckpointLoop();
  static int OnWalCommit(void* self, struct sqlite3* db, const char* name, int pages);

  std::unique_ptr<Conn> conn_;
  int max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  std::thread thread_;

  // Set by the WAL hook when the writer must finish a checkpoint itself: done after the batch's
  // callbacks, so the turns that crossed the mark are not answered late. Writer thread only.
  bool finish_checkpoint_ = false;
  std::unique_ptr<Conn> checkpoint_conn_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool checkpoint_stop_ = false;
  std::thread checkpoint_thread_;
};

// A small pool of read-only connections. Thread-safe.
class ReadPool {
 public:
  ReadPool(const std::string& path, int size, int busy_timeout_ms);

  template <typename T>
  Result<T> Call(const std::function<Result<T>(Conn&)>& fn) {
    std::unique_ptr<Conn> conn = Acquire();
    std::optional<Result<T>> out;
    try {
      out.emplace(fn(*conn));
    } catch (const std::exception& e) {
      out.emplace(Status(Code::kIo, std::string("database read failed: ") + e.what()));
    }
    Release(std::move(conn));
    return std::move(*out);
  }

 private:
  std::unique_ptr<Conn> Acquire();
  void Release(std::unique_ptr<Conn> conn);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> free_;
};

}  // namespace connecthub::storage
