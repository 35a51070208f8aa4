#include "storage/store.h"

namespace connecthub::storage {

std::string_view ChannelName(Channel c) {
  switch (c) {
    case Channel::kSms:
      return "sms";
    case Channel::kVoice:
      return "voice";
    case Channel::kWeb:
      break;
  }
  return "web";
}

std::string_view ThreadStateName(ThreadState s) {
  switch (s) {
    case ThreadState::kBot:
      return "bot";
    case ThreadState::kWaiting:
      return "waiting";
    case ThreadState::kAssigned:
      return "assigned";
    case ThreadState::kResolved:
      return "resolved";
  }
  return "bot";
}

std::string_view SenderName(Sender s) {
  switch (s) {
    case Sender::kParticipant:
      return "participant";
    case Sender::kBot:
      return "bot";
    case Sender::kCaseworker:
      return "caseworker";
    case Sender::kSystem:
      return "system";
    case Sender::kNote:
      return "note";
  }
  return "system";
}

}  // namespace connecthub::storage
