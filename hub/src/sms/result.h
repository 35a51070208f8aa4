#pragma once

#include <string>

#include "storage/status.h"

namespace connecthub::hub::sms {

// One Result type in the hub: the storage one. A value, or a Status whose message is a one-line
// reason why untrusted input was rejected; the reason never quotes the input (it may hold a PIN
// or a phone number).
template <typename T>
using Result = storage::Result<T>;

// A rejection of untrusted input (Code::kInvalid) with its reason.
inline storage::Status Rejected(std::string reason) {
  return {storage::Code::kInvalid, std::move(reason)};
}

}  // namespace connecthub::hub::sms
