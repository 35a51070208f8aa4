#pragma once

#include <string>
#include <utility>
#include <variant>

namespace connecthub::hub::sms {

// The outcome of parsing or checking untrusted input: a value, or a one-line reason why the input
// was rejected. The reason never quotes the input (it may hold a PIN or a phone number).
// Plain value type; not synchronized.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  static Result Error(std::string reason) { return Result(ErrorTag{std::move(reason)}); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  // Empty when ok.
  std::string error() const { return ok() ? std::string() : std::get<1>(v_).reason; }

 private:
  struct ErrorTag {
    std::string reason;
  };
  explicit Result(ErrorTag e) : v_(std::move(e)) {}
  std::variant<T, ErrorTag> v_;
};

}  // namespace connecthub::hub::sms
