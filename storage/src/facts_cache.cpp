#include "facts_cache.h"

#include <algorithm>
#include <chrono>

namespace connecthub::storage {

std::shared_ptr<const bot::ParticipantFacts> FactsCache::Get(const std::string& participant_id,
                                                             int64_t version, int64_t day,
                                                             int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(participant_id);
  if (it == entries_.end()) return nullptr;
  Entry& e = it->second;
  if (e.version != version || e.day != day || now_ms - e.loaded_ms >= ttl_ms_ ||
      now_ms < e.loaded_ms) {
    lru_.erase(e.lru);
    entries_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, e.lru);
  // Appointments that have ended since loading are no longer upcoming: such a hit replaces the
  // entry with a copy without them (rare: at most once per appointment).
  std::chrono::sys_seconds now{std::chrono::seconds(now_ms / 1000)};
  auto ended = [&](const bot::Appointment& a) { return a.end <= now; };
  const auto& appts = e.facts->upcoming_appointments;
  if (std::any_of(appts.begin(), appts.end(), ended)) {
    auto pruned = std::make_shared<bot::ParticipantFacts>(*e.facts);
    auto& kept = pruned->upcoming_appointments;
    kept.erase(std::remove_if(kept.begin(), kept.end(), ended), kept.end());
    e.facts = std::move(pruned);
  }
  return e.facts;
}

void FactsCache::Put(const std::string& participant_id,
                     std::shared_ptr<const bot::ParticipantFacts> facts, int64_t version,
                     int64_t day, int64_t now_ms) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  auto it = entries_.find(participant_id);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  } else {
    while (entries_.size() >= capacity_) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(participant_id);
    it = entries_.emplace(participant_id, Entry{}).first;
    it->second.lru = lru_.begin();
  }
  Entry& e = it->second;
  e.facts = std::move(facts);
  e.version = version;
  e.day = day;
  e.loaded_ms = now_ms;
}

void FactsCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  lru_.clear();
}

size_t FactsCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace connecthub::storage
