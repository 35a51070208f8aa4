#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "storage/store.h"

namespace connecthub::hub::events {

// Something that changed on a thread: its routing state / assignment / summary (kThread), a
// new message (kMessage, notes included — subscribers filter what their audience may see), or
// the SMS delivery state of a message sent before (kDelivery: for the inbox only).
struct HubEvent {
  enum class Kind { kThread, kMessage, kDelivery };
  Kind kind = Kind::kThread;
  storage::ThreadRecord thread;    // the thread after the change
  storage::MessageRecord message;  // kMessage and kDelivery: the message after the change
};

// Narrow publish/subscribe interface for thread and message events. The in-process
// implementation below serves one hub; a PostgreSQL LISTEN/NOTIFY implementation can replace it
// when several hubs share a database (SPEC §10). Implementations are thread-safe.
class EventBus {
 public:
  using Subscriber = std::function<void(const HubEvent&)>;

  virtual ~EventBus() = default;

  // Delivers `event` to every subscriber. Subscribers are called synchronously on the
  // publisher's thread and must not block (they post to their own executors).
  virtual void Publish(const HubEvent& event) = 0;
  // Returns an id for Unsubscribe().
  virtual int64_t Subscribe(Subscriber subscriber) = 0;
  // After this returns, the subscriber is not called again.
  virtual void Unsubscribe(int64_t id) = 0;
};

// In-process EventBus. Thread-safe; a subscriber may not (un)subscribe from inside its callback.
class LocalEventBus : public EventBus {
 public:
  void Publish(const HubEvent& event) override;
  int64_t Subscribe(Subscriber subscriber) override;
  void Unsubscribe(int64_t id) override;

 private:
  std::mutex mu_;
  int64_t next_id_ = 1;
  std::map<int64_t, Subscriber> subscribers_;
};

}  // namespace connecthub::hub::events
