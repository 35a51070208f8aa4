// The PostgreSQL backend's SmsLinks (linked phones, opt-outs, cached replies to inbound SMS) and
// Notices (what reminders and payment notices are about).
#include <algorithm>

#include "pg_store.h"
#include "records.h"
#include "storage/notice_keys.h"
#include "textable.h"

namespace connecthub::storage::pg {
namespace {

struct Number {
  std::string e164;
  std::vector<std::string> indexes;  // under every key, the current one first
};

Result<Number> Indexes(KeyRing& keys, const std::string& phone) {
  auto e164 = NormalizeE164(phone);
  if (!e164) return Status(Code::kInvalid, "not a valid phone number");
  return Number{*e164, keys.BlindIndexes(*e164)};
}

// Removes `table`'s rows for the number under every index but `keep`.
void DeleteOtherIndexes(Conn& c, const char* table, const std::vector<std::string>& indexes,
                        const std::string& keep) {
  for (const std::string& index : indexes) {
    if (index == keep) continue;
    c.Exec((std::string("DELETE FROM ") + table + " WHERE phone_index = $1").c_str(),
           {Param::Bytes(index)});
  }
}

// Sets the participant of the number's SMS thread (NULL: none), under whichever key it is
// indexed.
void SetSmsThreadParticipant(Conn& c, const std::vector<std::string>& indexes,
                             const std::string* participant_id) {
  for (const std::string& index : indexes) {
    c.Exec(
        "UPDATE threads SET participant_id = $1 WHERE channel = 'sms' AND phone_index = $2",
        {participant_id ? Param::Text(*participant_id) : Param::NullText(), Param::Bytes(index)});
  }
}

std::optional<bool> OptedOut(Conn& c, const std::vector<std::string>& indexes) {
  for (const std::string& index : indexes) {
    Rows r =
        c.Exec("SELECT opted_out FROM sms_optouts WHERE phone_index = $1", {Param::Bytes(index)});
    if (!r.empty()) return r.Int(0, 0) != 0;
  }
  return std::nullopt;
}

}  // namespace

Result<std::optional<std::string>> PgStore::LinkedParticipant(const std::string& phone,
                                                              int64_t now_ms, int64_t link_ttl_ms) {
  auto number = Indexes(*keys_, phone);
  if (!number.ok()) return number.status();
  using Out = std::optional<std::string>;
  // Links expire after months without use: touching them at most once an hour (or a tenth of a
  // short test TTL) keeps the expiry exact to the hour and spares nearly every text a write.
  int64_t touch_every_ms = std::min<int64_t>(3'600'000, link_ttl_ms / 10);
  auto look = [&]() {
    return pool_->Call<Out>([&](Conn& c) -> Result<Out> {
      for (const std::string& index : number->indexes) {
        Rows r = c.Exec(
            "SELECT participant_id, last_used_ms FROM linked_phones WHERE phone_index = $1 "
            "FOR UPDATE",
            {Param::Bytes(index)});
        if (r.empty()) continue;
        int64_t last_used = r.Int(0, 1);
        if (now_ms - last_used > link_ttl_ms) return Out();
        if (now_ms - last_used >= touch_every_ms) {
          c.Exec(
              "UPDATE linked_phones SET last_used_ms = GREATEST(last_used_ms, $2) WHERE "
              "phone_index = $1",
              {Param::Bytes(index), Param::Int(now_ms)});
        }
        return Out(r.Bytes(0, 0));
      }
      return Out();
    });
  };
  auto found = look();
  // Not found: another process may have rotated the key and re-indexed the link meanwhile.
  if (found.ok() && !found->has_value() && keys_->ReloadIfReplaced()) {
    number->indexes = keys_->BlindIndexes(number->e164);
    found = look();
  }
  return found;
}

Status PgStore::LinkPhone(const std::string& phone, const std::string& participant_id,
                          int64_t now_ms) {
  auto number = Indexes(*keys_, phone);
  if (!number.ok()) return number.status();
  auto sealed = keys_->SealPhone(number->e164, "linked_phones", "phone", "");
  return pool_->Transaction([&](Conn& c) -> Status {
    if (c.Exec("SELECT 1 FROM participants WHERE participant_id = $1",
               {Param::Text(participant_id)})
            .empty()) {
      return Status(Code::kNotFound, "no such participant");
    }
    DeleteOtherIndexes(c, "linked_phones", number->indexes, sealed.index);
    c.Exec(
        "INSERT INTO linked_phones(phone_index, phone, participant_id, linked_ms, last_used_ms) "
        "VALUES($1, $2, $3, $4, $4) ON CONFLICT(phone_index) DO UPDATE SET phone = "
        "excluded.phone, participant_id = excluded.participant_id, linked_ms = "
        "excluded.linked_ms, last_used_ms = excluded.last_used_ms",
        {Param::Bytes(sealed.index), Param::Bytes(sealed.sealed), Param::Text(participant_id),
         Param::Int(now_ms)});
    SetSmsThreadParticipant(c, number->indexes, &participant_id);
    return Status::Ok();
  });
}

Result<std::vector<std::string>> PgStore::LinkedPhones(const std::string& participant_id) {
  return pool_->Call<std::vector<std::string>>([&](Conn& c) -> Result<std::vector<std::string>> {
    Rows r = c.Exec("SELECT phone_index, phone FROM linked_phones WHERE participant_id = $1",
                    {Param::Text(participant_id)});
    std::vector<std::string> out;
    for (int i = 0; i < r.size(); ++i) {
      auto phone = keys_->Open(r.Bytes(i, 1), "linked_phones", "phone", ToHex(r.Bytes(i, 0)));
      if (!phone.ok()) return phone.status();
      out.push_back(std::move(*phone));
    }
    return out;
  });
}

Status PgStore::UnlinkPhone(const std::string& phone) {
  auto number = Indexes(*keys_, phone);
  if (!number.ok()) return number.status();
  return pool_->Transaction([&](Conn& c) -> Status {
    DeleteOtherIndexes(c, "linked_phones", number->indexes, "");
    SetSmsThreadParticipant(c, number->indexes, nullptr);
    return Status::Ok();
  });
}

Status PgStore::SetOptOut(const std::string& phone, bool opted_out, int64_t now_ms) {
  auto number = Indexes(*keys_, phone);
  if (!number.ok()) return number.status();
  // The number is sealed with the row (schema 15), so a rotation can re-index it.
  auto sealed = keys_->SealPhone(number->e164, "sms_optouts", "phone", "");
  return pool_->Transaction([&](Conn& c) -> Status {
    DeleteOtherIndexes(c, "sms_optouts", number->indexes, sealed.index);
    c.Exec(
        "INSERT INTO sms_optouts(phone_index, opted_out, updated_ms, phone) VALUES($1, $2, $3, "
        "$4) ON CONFLICT(phone_index) DO UPDATE SET opted_out = excluded.opted_out, updated_ms "
        "= excluded.updated_ms, phone = excluded.phone",
        {Param::Bytes(sealed.index), Param::Int(opted_out ? 1 : 0), Param::Int(now_ms),
         Param::Bytes(sealed.sealed)});
    return Status::Ok();
  });
}

Result<bool> PgStore::IsOptedOut(const std::string& phone) {
  auto number = Indexes(*keys_, phone);
  if (!number.ok()) return number.status();
  auto look = [&] {
    return pool_->Call<std::optional<bool>>(
        [&](Conn& c) -> Result<std::optional<bool>> { return OptedOut(c, number->indexes); });
  };
  auto found = look();
  // No row: another process may have rotated the key and re-indexed it meanwhile.
  if (found.ok() && !found->has_value() && keys_->ReloadIfReplaced()) {
    number->indexes = keys_->BlindIndexes(number->e164);
    found = look();
  }
  if (!found.ok()) return found.status();
  return found->value_or(false);
}

Result<std::vector<SmsLinks::TextableNumber>> PgStore::TextableNumbers(
    const std::string& participant_id) {
  return pool_->Call<std::vector<TextableNumber>>(
      [&](Conn& c) -> Result<std::vector<TextableNumber>> {
        return TextableNumbersIn(c, participant_id, nullptr);
      });
}

std::vector<SmsLinks::TextableNumber> PgStore::TextableNumbersIn(
    Conn& c, const std::string& participant_id, std::vector<std::vector<std::string>>* keys) {
  Rows r = c.Exec(
      "SELECT ph.phone, ph.linked, ph.identity, p.language, ph.used FROM ("
      "SELECT phone, 1 AS linked, upper(encode(phone_index, 'hex')) AS identity, "
      "last_used_ms AS used FROM linked_phones WHERE participant_id = $1 UNION ALL "
      "SELECT pp.phone, 0, pp.participant_id || ':' || pp.position, 0 FROM "
      "participant_phones pp JOIN participants q ON q.participant_id = pp.participant_id "
      "WHERE pp.participant_id = $1 AND q.sms_reminders = 1) ph JOIN participants p ON "
      "p.participant_id = $1",
      {Param::Text(participant_id)});
  std::vector<PhoneRow> rows;
  for (int i = 0; i < r.size(); ++i) {
    rows.push_back(
        PhoneRow{r.Bytes(i, 0), r.Int(i, 1) == 1, r.Bytes(i, 2), r.Bytes(i, 3), r.Int(i, 4)});
  }
  return MergeTextable(
      *keys_, rows,
      [&](const std::vector<std::string>& indexes) { return OptedOut(c, indexes).value_or(false); },
      keys);
}

Result<std::vector<Notices::ReminderCandidate>> PgStore::ReminderCandidates(
    int64_t now_ms, int64_t horizon_ms, const ReminderCursor& after, int limit,
    ReminderCursor* next) {
  return pool_->Call<std::vector<ReminderCandidate>>(
      [&](Conn& c) -> Result<std::vector<ReminderCandidate>> {
        int64_t now_s = now_ms / 1000;
        Rows a = c.Exec(
            "SELECT appointment_id, case_number, start_s, end_s, type, location, participant_id, "
            "status FROM appointments WHERE start_s > $1 AND (start_s <= $2 OR status IN "
            "('RESCHEDULED', 'CANCELLED')) AND (start_s > $3 OR (start_s = $3 AND "
            "appointment_id > $4)) ORDER BY start_s, appointment_id LIMIT $5",
            {Param::Int(now_s), Param::Int(now_s + horizon_ms / 1000), Param::Int(after.start_s),
             Param::Text(after.appointment_id), Param::Int(std::max(0, limit))});
        std::vector<ReminderCandidate> out;
        for (int i = 0; i < a.size(); ++i) {
          bot::Appointment appt;
          appt.appointment_id = a.Bytes(i, 0);
          appt.case_number = a.Bytes(i, 1);
          appt.start = std::chrono::sys_seconds(std::chrono::seconds(a.Int(i, 2)));
          appt.end = std::chrono::sys_seconds(std::chrono::seconds(a.Int(i, 3)));
          appt.type = a.Bytes(i, 4);
          appt.location = a.Bytes(i, 5);
          appt.status = ParseAppointmentStatus(a.Bytes(i, 7));
          std::string owner = a.Bytes(i, 6);
          if (next != nullptr) {
            next->start_s = a.Int(i, 2);
            next->appointment_id = appt.appointment_id;
          }
          size_t first = out.size();
          std::vector<std::vector<std::string>> keys;
          for (TextableNumber& n : TextableNumbersIn(c, owner, &keys)) {
            ReminderCandidate r;
            r.appointment = appt;
            r.participant_id = owner;
            r.phone = std::move(n.phone);
            r.phone_key = std::move(n.phone_key);
            r.lang = std::move(n.lang);
            r.linked = n.linked;
            r.consent = n.consent;
            out.push_back(std::move(r));
          }
          if (out.size() == first) continue;
          // starts_with: the same under any collation (a range would depend on it).
          Rows k = c.Exec("SELECT dedupe_key FROM outbox WHERE starts_with(dedupe_key, $1)",
                          {Param::Text(ReminderKeyPrefix(appt.appointment_id))});
          std::vector<std::string> sent;
          for (int j = 0; j < k.size(); ++j) sent.push_back(k.Bytes(j, 0));
          MarkSentReminders(out, first, keys, sent, appt.appointment_id);
        }
        return out;
      });
}

Result<std::vector<Notices::PaymentCandidate>> PgStore::PaymentCandidates(
    std::chrono::sys_days since, int limit) {
  return pool_->Call<std::vector<PaymentCandidate>>(
      [&](Conn& c) -> Result<std::vector<PaymentCandidate>> {
        Rows q = c.Exec(
            "SELECT pay.payment_id, pay.case_number, pay.date, pay.amount_cents, pay.type, "
            "r.participant_id, r.role FROM payments pay JOIN case_roles r ON "
            "r.case_number = pay.case_number WHERE pay.date >= $1 AND pay.reversed = 0 "
            "ORDER BY pay.date, pay.payment_id, r.participant_id LIMIT $2",
            {Param::Int(since.time_since_epoch().count()), Param::Int(std::max(0, limit))});
        std::vector<PaymentCandidate> out;
        for (int i = 0; i < q.size(); ++i) {
          bot::Payment payment;
          payment.payment_id = q.Bytes(i, 0);
          payment.case_number = q.Bytes(i, 1);
          payment.date = std::chrono::sys_days(std::chrono::days(q.Int(i, 2)));
          payment.amount_cents = q.Int(i, 3);
          payment.type = q.Bytes(i, 4);
          std::string participant = q.Bytes(i, 5);
          bot::Role role =
              q.Bytes(i, 6) == "RECEIVING" ? bot::Role::kReceiving : bot::Role::kPaying;
          std::vector<std::vector<std::string>> keys;
          auto numbers = TextableNumbersIn(c, participant, &keys);
          for (size_t m = 0; m < numbers.size(); ++m) {
            TextableNumber& n = numbers[m];
            PaymentCandidate p;
            p.payment = payment;
            p.role = role;
            p.participant_id = participant;
            p.phone = std::move(n.phone);
            p.phone_key = std::move(n.phone_key);
            p.lang = std::move(n.lang);
            p.linked = n.linked;
            p.consent = n.consent;
            for (const std::string& phone_key : keys[m]) {
              if ((p.sent = !c.Exec("SELECT 1 FROM outbox WHERE dedupe_key = $1",
                                    {Param::Text(PaymentKey(payment.payment_id, phone_key))})
                                 .empty())) {
                break;
              }
            }
            out.push_back(std::move(p));
          }
        }
        return out;
      });
}

Result<std::optional<std::string>> PgStore::InboundReply(const std::string& message_sid,
                                                         int64_t now_ms) {
  using Out = std::optional<std::string>;
  return pool_->Call<Out>([&](Conn& c) -> Result<Out> {
    Rows r = c.Exec("SELECT reply FROM inbound_sms WHERE message_sid = $1 AND at_ms > $2",
                    {Param::Text(message_sid), Param::Int(now_ms - kInboundReplyTtlMs)});
    if (r.empty()) return Out();
    auto reply = keys_->Open(r.Bytes(0, 0), "inbound_sms", "reply", message_sid);
    if (!reply.ok()) return reply.status();
    return Out(std::move(*reply));
  });
}

Status PgStore::RecordInboundReply(const std::string& message_sid, const std::string& reply,
                                   int64_t now_ms) {
  if (message_sid.empty() || message_sid.size() > 128) {
    return Status(Code::kInvalid, "bad MessageSid");
  }
  std::string sealed = keys_->Seal(reply, "inbound_sms", "reply", message_sid);
  return pool_->Transaction([&](Conn& c) -> Status {
    // Cached replies hold the bot's answers: kept only as long as the provider may redeliver.
    c.Exec("DELETE FROM inbound_sms WHERE at_ms <= $1", {Param::Int(now_ms - kInboundReplyTtlMs)});
    // The first recorded reply wins, on any hub: a redelivery gets exactly the same answer.
    c.Exec(
        "INSERT INTO inbound_sms(message_sid, reply, at_ms) VALUES($1, $2, $3) "
        "ON CONFLICT(message_sid) DO NOTHING",
        {Param::Text(message_sid), Param::Bytes(sealed), Param::Int(now_ms)});
    return Status::Ok();
  });
}

}  // namespace connecthub::storage::pg
