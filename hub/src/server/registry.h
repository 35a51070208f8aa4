#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "events/event_bus.h"
#include "server/ws_connection.h"

namespace connecthub::hub::server {

// Live subscribers, in the manner of the Beast chat example's shared_state: chat connections by
// thread (so every tab and device of a parent sees the thread live) and inbox connections (who
// filter by county themselves). Subscribes to the EventBus for its lifetime and fans each event
// out to the sinks concerned. Thread-safe.
class Registry {
 public:
  explicit Registry(events::EventBus& bus);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  void AddChat(int64_t thread_id, const std::shared_ptr<EventSink>& sink);
  void RemoveChat(int64_t thread_id, const EventSink* sink);
  void AddInbox(const std::shared_ptr<EventSink>& sink);
  void RemoveInbox(const EventSink* sink);

  // Asks every live sink to re-check its session (EventSink::Recheck).
  void RecheckAll();
  // Tells every live sink that `token`'s session ended (EventSink::SessionEnded).
  void EndSession(const std::string& token);

  size_t chat_count() const;
  // Whether a parent's chat socket on this hub shows `thread_id` now.
  bool HasChat(int64_t thread_id) const;
  size_t inbox_count() const;

 private:
  void OnEvent(const events::HubEvent& event);
  std::vector<std::shared_ptr<EventSink>> AllSinks() const;

  events::EventBus& bus_;
  int64_t subscription_ = 0;
  mutable std::mutex mu_;
  std::multimap<int64_t, std::weak_ptr<EventSink>> chats_;
  std::map<const EventSink*, std::weak_ptr<EventSink>> inboxes_;
};

}  // namespace connecthub::hub::server
