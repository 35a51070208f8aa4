#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace connecthub::storage {

enum class Code {
  kOk = 0,
  kNotFound,  // no such row
  kConflict,  // e.g. a thread already claimed by another caseworker, a duplicate username
  kInvalid,   // the caller's input is malformed (bad money, bad date, unknown case, ...)
  kTampered,  // a sealed value failed authentication: never returned as text
  kKey,       // key file missing/unreadable/too open/wrong for this database
  kVersion,   // the database schema is newer than this binary
  kIo,        // SQLite or file system error
  kInternal,  // a bug
};

// Outcome of a fallible storage call. Cheap to copy when ok.
class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must be non-ok

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace connecthub::storage
