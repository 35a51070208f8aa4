#include "audit_chain.h"

#include <sodium.h>

#include <string_view>

namespace connecthub::storage {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0) {
    return {};
  }
  out.resize(len);
  return out;
}

}  // namespace

std::string AuditLinkInput(int64_t id, int64_t caseworker_id, int64_t thread_id,
                           const std::string& action, int64_t at_ms, const std::string& prev) {
  std::string out = "audit|" + std::to_string(id) + "|" + std::to_string(caseworker_id) + "|" +
                    std::to_string(thread_id) + "|" + std::to_string(at_ms) + "|" +
                    std::to_string(action.size()) + ":" + action + "|";
  out += prev;
  return out;
}

std::string AuditField(const std::string& action, const std::string& name) {
  std::string key = " " + name + "=";
  size_t at = action.find(key);
  if (at == std::string::npos) return {};
  at += key.size();
  size_t end = action.find(' ', at);
  return action.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

AuditAnchor ParseAuditAnchor(const std::string& purge_action) {
  AuditAnchor anchor;
  try {
    anchor.from_id = std::stoll(AuditField(purge_action, "audit-from"));
  } catch (...) {
    anchor.from_id = -1;  // a purge row that names no start: nothing can match it
  }
  anchor.prev_link = FromHex(AuditField(purge_action, "audit-prev"));
  return anchor;
}

bool AuditChainCheck::Fail(int64_t id, const char* why) {
  check_.first_bad_id = id;
  check_.problem = why;
  return false;
}

bool AuditChainCheck::Row(int64_t id, int64_t caseworker_id, int64_t thread_id,
                          const std::string& action, int64_t at_ms,
                          std::optional<std::string> link) {
  // After an audit purge the log starts where the newest purge row says, chained to the link of
  // the row before it.
  if (first_) {
    first_ = false;
    if (anchor_.from_id != 0) {
      if (id != anchor_.from_id) {
        return Fail(id, "the log does not start where the last audit purge left it (rows removed)");
      }
      prev_ = anchor_.prev_link;
    }
  }
  if (!link) {
    if (chained_) return Fail(id, "row has no chain link after chained rows");
    ++check_.unchained;
    last_id_ = id;
    return true;
  }
  if (chained_ && id != last_id_ + 1) {
    return Fail(id, "row ids are not consecutive (a row was removed before this one)");
  }
  // Each link records the key it was made with (KeyRing::AuditMac); a retired key's MAC subkey
  // stays in the key file, audit-only, for this check.
  if (!keys_.AuditMacMatches(AuditLinkInput(id, caseworker_id, thread_id, action, at_ms, prev_),
                             *link)) {
    return Fail(id, "chain link does not match the row (changed, inserted or reordered)");
  }
  prev_ = std::move(*link);
  last_id_ = id;
  chained_ = true;
  ++check_.rows;
  return true;
}

}  // namespace connecthub::storage
