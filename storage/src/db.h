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
      s_->reset();
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

// The single writer: a thread owning the write connection. Callers enqueue a job and block until
// the transaction holding it has committed (group commit: up to `max_batch` queued jobs share one
// transaction, each inside its own SAVEPOINT so a failing job is rolled back alone). With WAL and
// synchronous=FULL a job whose call returned ok survives a process or power crash.
// Thread-safe.
class Writer {
 public:
  using Job = std::function<Status(Conn&)>;
  Writer(std::unique_ptr<Conn> conn, int max_batch);
  ~Writer();

  // Runs `job` on the writer thread inside a transaction. Returns the job's status when it
  // failed (its savepoint rolled back), kIo when the commit failed, ok after a durable commit.
  Status Run(Job job);

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
    std::promise<Status> done;
  };
  void Loop();

  std::unique_ptr<Conn> conn_;
  int max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  std::thread thread_;
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
