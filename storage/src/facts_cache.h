#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "bot/facts.h"

namespace connecthub::storage {

// Recently loaded participants' facts, so a parent asking question after question does not cost
// five queries each (after every commit SQLite's read connections drop their page caches, and
// reloading a parent's pages is most of a chat turn's database time).
//
// An entry is valid only for the case-data version it was loaded under (Import and demo data bump
// the version in the same transaction that changes the data), for the same calendar day (the
// payment window is "the last 24 months up to today") and for `ttl_ms` after loading. A hit drops
// appointments that have ended since. Least recently used entries go beyond `capacity`.
// Thread-safe.
class FactsCache {
 public:
  FactsCache(size_t capacity, int64_t ttl_ms) : capacity_(capacity), ttl_ms_(ttl_ms) {}

  // Null on a miss. The facts are shared, never changed once cached (a chat turn reads them
  // without copying a parent's payment history).
  std::shared_ptr<const bot::ParticipantFacts> Get(const std::string& participant_id,
                                                   int64_t version, int64_t day, int64_t now_ms);
  void Put(const std::string& participant_id, std::shared_ptr<const bot::ParticipantFacts> facts,
           int64_t version, int64_t day, int64_t now_ms);
  void Clear();
  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<const bot::ParticipantFacts> facts;
    int64_t version = 0;
    int64_t day = 0;
    int64_t loaded_ms = 0;
    std::list<std::string>::iterator lru;
  };
  size_t capacity_;
  int64_t ttl_ms_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently used first
};

}  // namespace connecthub::storage
