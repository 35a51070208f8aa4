// What an inbound text does: STOP/START/HELP/UNLINK keywords, opted-out numbers, the bot turn.
#include "log.h"
#include "sms/keywords.h"
#include "sms/link_message.h"
#include "sms/sms_internal.h"
#include "sms/sms_service.h"

namespace connecthub::hub::sms {

using storage::Status;
using namespace internal;

Status SmsService::StoreParent(const storage::ThreadRecord& thread, const std::string& text,
                               const std::string& sid, int64_t now_ms,
                               const std::vector<storage::MediaItem>& media) {
  storage::AppendRequest req;
  req.media = media;
  req.thread_id = thread.id;
  req.sender = storage::Sender::kParticipant;
  req.client_id = sid;
  req.body = text;
  req.at_ms = now_ms;
  auto appended = ctx_.store.Append(req);
  if (!appended.ok()) return appended.status();
  if (appended->duplicate) return Status::Ok();
  ctx_.metrics.Inc("connecthub_messages_total", {{"channel", "sms"}, {"sender", "participant"}});
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kMessage;
  event.thread = thread;
  event.thread.last_seq = std::max(thread.last_seq, appended->seq);
  event.thread.last_message_ms = std::max(thread.last_message_ms, appended->at_ms);
  event.message.thread_id = thread.id;
  event.message.seq = appended->seq;
  event.message.sender = storage::Sender::kParticipant;
  event.message.client_id = sid;
  event.message.body = text;
  event.message.media = media;
  event.message.at_ms = appended->at_ms;
  ctx_.bus.Publish(event);
  return Status::Ok();
}

Status SmsService::PostSystem(int64_t thread_id, const std::string& text, int64_t now_ms) {
  auto posted = ctx_.conversations.PostSystemMessage(thread_id, text, now_ms);
  return posted.ok() ? Status::Ok() : posted.status();
}

void SmsService::PublishDelivery(int64_t thread_id, int64_t seq) {
  if (thread_id == 0 || seq == 0) return;
  auto thread = ctx_.store.GetThread(thread_id);
  auto messages = ctx_.store.Messages(thread_id, seq - 1, 1, false);
  if (!thread.ok() || !messages.ok() || messages->empty() || messages->front().seq != seq) return;
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kDelivery;
  event.thread = *thread;
  event.message = messages->front();
  ctx_.bus.Publish(event);
}

void SmsService::PublishThread(int64_t thread_id) {
  auto thread = ctx_.store.GetThread(thread_id);
  if (!thread.ok()) return;
  events::HubEvent event;
  event.kind = events::HubEvent::Kind::kThread;
  event.thread = *thread;
  ctx_.bus.Publish(event);
}

storage::Result<SmsService::Reply> SmsService::Process(
    const std::string& from, const std::string& body, const std::string& sid, int64_t now_ms,
    const std::vector<storage::MediaItem>& media) {
  auto opted_out = ctx_.store.IsOptedOut(from);
  if (!opted_out.ok()) return opted_out.status();
  KeywordMatch keyword = DetectKeyword(body);
  auto thread = ctx_.store.OpenSmsThread(from, keyword.lang.empty() ? "en" : keyword.lang, now_ms);
  if (!thread.ok()) return thread.status();
  InboundScope scope(thread->id);
  std::string lang = keyword.lang.empty() ? thread->lang : keyword.lang;
  Reply reply;

  auto answer = [&](const std::string& text) -> Status {
    if (Status s = PostSystem(thread->id, text, now_ms); !s.ok()) return s;
    reply.texts.push_back(text);
    return Status::Ok();
  };

  switch (keyword.keyword) {
    case Keyword::kStop: {
      if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
      if (*opted_out) return reply;  // one confirmation only
      if (Status s = ctx_.store.SetOptOut(from, true, now_ms); !s.ok()) return s;
      Log(LogLevel::kInfo, "sms_opted_out", {{"thread_id", thread->id}});
      if (Status s = answer(ctx_.catalog.Format(lang, "sms.opted_out")); !s.ok()) return s;
      PublishThread(thread->id);
      return reply;
    }
    case Keyword::kStart: {
      // Only an opted-out number opts in; from any other, "yes" answers the bot.
      if (!*opted_out) break;
      if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
      if (Status s = ctx_.store.SetOptOut(from, false, now_ms); !s.ok()) return s;
      Log(LogLevel::kInfo, "sms_opted_in", {{"thread_id", thread->id}});
      if (Status s = answer(ctx_.catalog.Format(lang, "sms.opted_in")); !s.ok()) return s;
      PublishThread(thread->id);
      return reply;
    }
    default:
      break;
  }

  if (*opted_out) {
    // Kept for the caseworker, never answered: nothing is sent to an opted-out number.
    auto link = ParseLinkMessage(body, options_.link);
    if (Status s = StoreParent(*thread, link ? link->redacted : body, sid, now_ms, media);
        !s.ok()) {
      return s;
    }
    return reply;
  }

  if (keyword.keyword == Keyword::kHelp) {
    if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
    if (Status s = answer(ctx_.catalog.Format(lang, "sms.help")); !s.ok()) return s;
    return reply;
  }
  if (keyword.keyword == Keyword::kUnlink) {
    if (Status s = StoreParent(*thread, body, sid, now_ms); !s.ok()) return s;
    auto linked = ctx_.store.LinkedParticipant(from, now_ms, options_.link_ttl_ms);
    if (!linked.ok()) return linked.status();
    if (Status s = ctx_.store.UnlinkPhone(from); !s.ok()) return s;
    Log(LogLevel::kInfo, "sms_unlinked", {{"thread_id", thread->id}});
    std::string key = linked->has_value() ? "sms.unlinked" : "sms.not_linked";
    if (Status s = answer(ctx_.catalog.Format(lang, key)); !s.ok()) return s;
    PublishThread(thread->id);
    return reply;
  }
  if (auto link = ParseLinkMessage(body, options_.link)) {
    return HandleLink(*thread, *link, sid, now_ms);
  }

  auto linked = ctx_.store.LinkedParticipant(from, now_ms, options_.link_ttl_ms);
  if (!linked.ok()) return linked.status();
  conversation::ParentText text;
  text.thread_id = thread->id;
  text.text = body;
  text.client_id = sid;
  text.media = media;
  text.linked = linked->has_value() && **linked == thread->participant_id;
  if (text.linked) text.participant_id = thread->participant_id;
  // The webhook's reply is recorded in the turn's own transaction: one commit per text.
  std::string twiml;
  size_t parts = 0;
  text.receipt = [&](const std::vector<std::string>& texts) {
    return twiml = TwimlFor(texts, &parts);
  };
  auto handled = ctx_.conversations.HandleParentText(text, now_ms);
  if (!handled.ok()) return handled.status();
  for (const auto& m : handled->replies) {
    if (m.sender == storage::Sender::kBot || m.sender == storage::Sender::kSystem) {
      reply.texts.push_back(m.body);
    }
  }
  if (handled->receipt_recorded) {
    reply.twiml = std::move(twiml);
    reply.parts = parts;
  }
  return reply;
}

}  // namespace connecthub::hub::sms
