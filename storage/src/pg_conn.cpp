#include "pg_conn.h"

#include <arpa/inet.h>

#include <cstring>

namespace connecthub::storage::pg {
namespace {

// Type OIDs (server/catalog/pg_type_d.h, stable across releases).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;

uint64_t BigEndian64(uint64_t v) {
  return (static_cast<uint64_t>(htonl(static_cast<uint32_t>(v))) << 32) |
         htonl(static_cast<uint32_t>(v >> 32));
}

Error FromResult(PGresult* r, PGconn* c) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return Error(state ? state : "", message);
}

}  // namespace

Param Param::Int(int64_t v) {
  uint64_t be = BigEndian64(static_cast<uint64_t>(v));
  return Param(kInt8Oid, std::string(reinterpret_cast<const char*>(&be), sizeof be), false);
}
Param Param::Text(std::string_view v) { return Param(kTextOid, std::string(v), false); }
Param Param::Bytes(std::string_view v) { return Param(kByteaOid, std::string(v), false); }
Param Param::Null() { return Param(kByteaOid, {}, true); }
Param Param::NullInt() { return Param(kInt8Oid, {}, true); }
Param Param::NullText() { return Param(kTextOid, {}, true); }

int64_t Rows::Int(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  int len = PQgetlength(r_.get(), row, col);
  Oid type = PQftype(r_.get(), col);
  if (type == kBoolOid && len == 1) return v[0] != 0;
  uint64_t out = 0;
  for (int i = 0; i < len && i < 8; ++i) out = (out << 8) | static_cast<unsigned char>(v[i]);
  // INTEGER (4 bytes) and SMALLINT (2 bytes): sign-extend.
  if (len < 8 && len > 0 && (static_cast<unsigned char>(v[0]) & 0x80)) {
    out |= ~uint64_t{0} << (8 * len);
  }
  return static_cast<int64_t>(out);
}

std::string Rows::Bytes(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col),
                     static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}

int64_t Rows::Affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::stoll(n) : 0;
}

Conn::Conn(const std::string& uri) : c_(PQconnectdb(uri.c_str()), &PQfinish) {
  if (!c_ || PQstatus(c_.get()) != CONNECTION_OK) {
    std::string message = c_ ? PQerrorMessage(c_.get()) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Error("08001", "cannot connect to PostgreSQL: " + message);
  }
  // Notices (e.g. "relation already exists, skipping") are not the hub's log.
  PQsetNoticeProcessor(
      c_.get(), [](void*, const char*) {}, nullptr);
}

Rows Conn::Exec(const char* sql, const std::vector<Param>& params) {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  types.reserve(params.size());
  values.reserve(params.size());
  lengths.reserve(params.size());
  formats.reserve(params.size());
  for (const Param& p : params) {
    types.push_back(p.type_);
    values.push_back(p.null_ ? nullptr : p.value_.data());
    lengths.push_back(static_cast<int>(p.value_.size()));
    formats.push_back(1);
  }
  PGresult* r = PQexecParams(c_.get(), sql, static_cast<int>(params.size()), types.data(),
                             values.data(), lengths.data(), formats.data(), /*binary=*/1);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Error e = FromResult(r, c_.get());
    PQclear(r);
    throw e;
  }
  return Rows(r);
}

void Conn::Script(const std::string& sql) {
  PGresult* r = PQexec(c_.get(), sql.c_str());
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Error e = FromResult(r, c_.get());
    PQclear(r);
    throw e;
  }
  PQclear(r);
}

Pool::Pool(std::string uri, int size) : uri_(std::move(uri)), unopened_(size < 1 ? 1 : size) {}

std::unique_ptr<Conn> Pool::Take() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || unopened_ > 0; });
  if (!idle_.empty()) {
    std::unique_ptr<Conn> c = std::move(idle_.back());
    idle_.pop_back();
    if (c->Healthy()) return c;
    ++unopened_;  // a broken connection: open a new one in its place
  }
  --unopened_;
  lock.unlock();
  try {
    return std::make_unique<Conn>(uri_);
  } catch (...) {
    lock.lock();
    ++unopened_;
    cv_.notify_one();
    throw;
  }
}

void Pool::Give(std::unique_ptr<Conn> conn) {
  std::lock_guard lock(mu_);
  if (conn) {
    idle_.push_back(std::move(conn));
  } else {
    ++unopened_;
  }
  cv_.notify_one();
}

Status Pool::Transaction(const std::function<Status(Conn&)>& fn) {
  constexpr int kAttempts = 10;
  for (int attempt = 1;; ++attempt) {
    std::unique_ptr<Conn> c;
    bool committing = false;
    try {
      c = Take();
      c->Script("BEGIN");
      Status s = fn(*c);
      committing = s.ok();
      c->Script(s.ok() ? "COMMIT" : "ROLLBACK");
      Give(std::move(c));
      return s;
    } catch (const Error& e) {
      bool broken = !c || !c->Healthy();
      if (!broken) {
        try {
          c->Script("ROLLBACK");
        } catch (const Error&) {
          broken = true;
        }
      }
      if (broken) {
        // The server went away (a restart, a failover, an ended session): the other idle
        // connections are likely gone too, so they are all opened anew.
        Give(nullptr);
        DropIdle();
      } else {
        Give(std::move(c));
      }
      // A transaction whose connection broke before COMMIT was rolled back by the server, so
      // it runs again; one that broke during COMMIT may have committed: the caller is told.
      bool again = e.retryable() || (broken && !committing);
      if (again && attempt < kAttempts) continue;
      return Status(Code::kIo, std::string("PostgreSQL: ") + e.what());
    } catch (...) {
      if (c) {
        try {
          c->Script("ROLLBACK");
        } catch (const Error&) {
          c.reset();
        }
      }
      Give(std::move(c));
      throw;
    }
  }
}

void Pool::DropIdle() {
  std::lock_guard lock(mu_);
  unopened_ += static_cast<int>(idle_.size());
  idle_.clear();
  cv_.notify_all();
}

}  // namespace connecthub::storage::pg
