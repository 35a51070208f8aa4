#include "events/event_bus.h"

namespace connecthub::hub::events {

void LocalEventBus::Publish(const HubEvent& event) {
  // Held while delivering so Unsubscribe() really means "never called again"; subscribers only
  // post work elsewhere, so this is short.
  std::lock_guard lock(mu_);
  for (auto& [id, subscriber] : subscribers_) subscriber(event);
}

int64_t LocalEventBus::Subscribe(Subscriber subscriber) {
  std::lock_guard lock(mu_);
  int64_t id = next_id_++;
  subscribers_.emplace(id, std::move(subscriber));
  return id;
}

void LocalEventBus::Unsubscribe(int64_t id) {
  std::lock_guard lock(mu_);
  subscribers_.erase(id);
}

}  // namespace connecthub::hub::events
