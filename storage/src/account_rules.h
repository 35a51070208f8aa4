#pragma once

#include <string>

#include "storage/status.h"

namespace connecthub::storage {

// What every backend checks of a caseworker account's fields (caseworkers.h), one rule each.

// A disabled account keeps its hash behind this prefix (as /etc/shadow's '!'): no Argon2id
// string starts with it, so no password matches, and enabling restores the same password.
inline constexpr char kDisabledMark = '!';

inline Status CheckUsername(const std::string& username) {
  if (username.empty() || username.size() > 64) return Status(Code::kInvalid, "bad username");
  return Status::Ok();
}
inline Status CheckPassword(const std::string& password) {
  if (password.size() < 8) return Status(Code::kInvalid, "password shorter than 8 characters");
  return Status::Ok();
}
inline Status CheckDisplayName(const std::string& name) {
  if (name.size() > 64) return Status(Code::kInvalid, "display name longer than 64 bytes");
  return Status::Ok();
}
inline Status CheckTotpSecret(const std::string& secret) {
  if (secret.size() < 10 || secret.size() > 64) {
    return Status(Code::kInvalid, "TOTP secret must have 10 to 64 bytes");
  }
  return Status::Ok();
}

}  // namespace connecthub::storage
