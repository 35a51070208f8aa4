#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace connecthub::storage::pg {

// One query parameter, sent in PostgreSQL's binary format: a BIGINT, a TEXT, a BYTEA or NULL.
class Param {
 public:
  static Param Int(int64_t v);
  static Param Text(std::string_view v);
  static Param Bytes(std::string_view v);
  static Param Null();      // a NULL BYTEA
  static Param NullInt();   // a NULL BIGINT
  static Param NullText();  // a NULL TEXT

 private:
  friend class Conn;
  Param(Oid type, std::string value, bool null)
      : type_(type), value_(std::move(value)), null_(null) {}
  Oid type_;
  std::string value_;
  bool null_;
};

// A query's result, in binary format. Columns are read by index: BIGINT/INTEGER with Int,
// TEXT and BYTEA with Bytes (the raw bytes).
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return PQntuples(r_.get()); }
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  int64_t Int(int row, int col) const;
  std::string Bytes(int row, int col) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t Affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

// A failed statement: its SQLSTATE (e.g. "40001" serialization failure, "23505" unique
// violation) and libpq's message.
class Error : public std::runtime_error {
 public:
  Error(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  // Worth running the whole transaction again: a serialization failure or a deadlock.
  bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }

 private:
  std::string sqlstate_;
};

// One libpq connection. Not thread-safe: lent by the Pool to one thread at a time.
class Conn {
 public:
  // Connects to `uri` (a libpq connection URI); throws Error when it cannot.
  explicit Conn(const std::string& uri);
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs one statement with binary parameters and results; throws Error on failure.
  Rows Exec(const char* sql, const std::vector<Param>& params = {});
  // Runs statements without parameters (DDL, BEGIN/COMMIT); throws Error on failure.
  void Script(const std::string& sql);
  bool Healthy() const { return PQstatus(c_.get()) == CONNECTION_OK; }
  // The libpq connection, for what this class does not wrap (LISTEN's socket and notifications).
  PGconn* raw() { return c_.get(); }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> c_;
};

// A fixed number of connections shared by every thread. A broken connection (the server
// restarted) is replaced when it is next lent.
class Pool {
 public:
  Pool(std::string uri, int size);

  // Runs `fn` in one transaction (BEGIN ... COMMIT) on a lent connection, and runs it again (up
  // to 10 times) when PostgreSQL reports a serialization failure or deadlock, or when the
  // connection broke before COMMIT (the server rolled it back; a new connection is opened).
  // Returns fn's status (its transaction rolled back when not ok), kIo when the database failed,
  // including a connection lost during COMMIT (the outcome is then unknown). `fn` may run more
  // than once: CPU and database work only.
  Status Transaction(const std::function<Status(Conn&)>& fn);
  template <typename T>
  Result<T> Call(const std::function<Result<T>(Conn&)>& fn) {
    std::optional<Result<T>> out;
    Status s = Transaction([&](Conn& c) -> Status {
      out.emplace(fn(c));
      return out->ok() ? Status::Ok() : out->status();
    });
    if (!s.ok()) return s;
    return std::move(*out);
  }

 private:
  std::unique_ptr<Conn> Take();
  void Give(std::unique_ptr<Conn> conn);
  void DropIdle();

  std::string uri_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int unopened_;
};

}  // namespace connecthub::storage::pg
