#include "server/registry.h"

namespace connecthub::hub::server {

Registry::Registry(events::EventBus& bus) : bus_(bus) {
  subscription_ = bus_.Subscribe([this](const events::HubEvent& e) { OnEvent(e); });
}

Registry::~Registry() { bus_.Unsubscribe(subscription_); }

void Registry::AddChat(int64_t thread_id, const std::shared_ptr<EventSink>& sink) {
  std::lock_guard lock(mu_);
  auto range = chats_.equal_range(thread_id);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.lock() == sink) return;
  }
  chats_.emplace(thread_id, sink);
}

void Registry::RemoveChat(int64_t thread_id, const EventSink* sink) {
  std::lock_guard lock(mu_);
  auto range = chats_.equal_range(thread_id);
  for (auto it = range.first; it != range.second;) {
    auto live = it->second.lock();
    it = (!live || live.get() == sink) ? chats_.erase(it) : std::next(it);
  }
}

void Registry::AddInbox(const std::shared_ptr<EventSink>& sink) {
  std::lock_guard lock(mu_);
  inboxes_[sink.get()] = sink;
}

void Registry::RemoveInbox(const EventSink* sink) {
  std::lock_guard lock(mu_);
  inboxes_.erase(sink);
}

std::vector<std::shared_ptr<EventSink>> Registry::AllSinks() const {
  std::vector<std::shared_ptr<EventSink>> out;
  std::lock_guard lock(mu_);
  for (auto& [id, weak] : chats_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  for (auto& [ptr, weak] : inboxes_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void Registry::RecheckAll() {
  for (auto& s : AllSinks()) s->Recheck();
}

void Registry::EndSession(const std::string& token) {
  for (auto& s : AllSinks()) s->SessionEnded(token);
}

bool Registry::HasChat(int64_t thread_id) const {
  std::lock_guard lock(mu_);
  auto [begin, end] = chats_.equal_range(thread_id);
  for (auto it = begin; it != end; ++it) {
    if (!it->second.expired()) return true;
  }
  return false;
}

size_t Registry::chat_count() const {
  std::lock_guard lock(mu_);
  return chats_.size();
}

size_t Registry::inbox_count() const {
  std::lock_guard lock(mu_);
  return inboxes_.size();
}

void Registry::OnEvent(const events::HubEvent& event) {
  // Collected under the lock, delivered outside it: a sink's Deliver only posts, but it must not
  // be able to deadlock against Add/Remove.
  std::vector<std::shared_ptr<EventSink>> targets;
  {
    std::lock_guard lock(mu_);
    // A delivery state is for caseworkers only; parents' chats get threads and messages.
    if (event.kind != events::HubEvent::Kind::kDelivery) {
      auto range = chats_.equal_range(event.thread.id);
      for (auto it = range.first; it != range.second; ++it) {
        if (auto s = it->second.lock()) targets.push_back(std::move(s));
      }
    }
    for (auto& [ptr, weak] : inboxes_) {
      if (auto s = weak.lock()) targets.push_back(std::move(s));
    }
  }
  for (auto& s : targets) s->Deliver(event);
}

}  // namespace connecthub::hub::server
