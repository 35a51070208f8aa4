// Issue 17: pictures sent by MMS are stored sealed with the parent's message; a caseworker reply a
// web parent has not seen is recorded once per absence; the numbers a parent may be texted at.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "crypto.h"
#include "test_util.h"

using namespace connecthub::storage;
using namespace connecthub::storage::testing;

namespace {

const std::string kUrl1 =
    "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME00000000000000000001";
const std::string kUrl2 =
    "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME00000000000000000002";

}  // namespace

TEST_CASE("MMS media: stored sealed with the message, read back in order, re-sealed on rotation",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  int64_t now = TestNowMs();
  MustImport(*store, SampleExtract());
  auto thread = store->OpenSmsThread("+15595550101", "es", now);
  REQUIRE(thread.ok());

  AppendRequest picture{thread->id, Sender::kParticipant, "MM1", "", "", {}, now};
  picture.media = {{"image/jpeg", kUrl1}, {"image/png", kUrl2}};
  auto stored = store->Append(picture);
  REQUIRE(stored.ok());
  auto plain = store->Append({thread->id, Sender::kParticipant, "MM2", "hola", "", {}, now + 1});
  REQUIRE(plain.ok());

  auto read = store->Messages(thread->id, 0, 10, false);
  REQUIRE(read.ok());
  REQUIRE(read->size() == 2);
  REQUIRE((*read)[0].media.size() == 2);
  CHECK((*read)[0].media[0].content_type == "image/jpeg");
  CHECK((*read)[0].media[0].url == kUrl1);
  CHECK((*read)[0].media[1].url == kUrl2);
  CHECK((*read)[1].media.empty());
  {
    SQLite::Database raw(dir.File("t.db"));
    std::string blob =
        raw.execAndGet("SELECT media FROM messages WHERE seq = " + std::to_string(stored->seq) +
                       " AND thread_id = " + std::to_string(thread->id))
            .getString();
    CHECK(blob.find("twilio") == std::string::npos);
    CHECK(blob.find("image/jpeg") == std::string::npos);
    CHECK(raw.execAndGet("SELECT count(*) FROM messages WHERE media IS NULL").getInt() == 1);
  }

  auto rotated = store->RotateKey(10);
  REQUIRE(rotated.ok());
  CHECK(rotated->rows_tampered == 0);
  {
    SQLite::Database raw(dir.File("t.db"));
    std::string blob =
        raw.execAndGet("SELECT media FROM messages WHERE media IS NOT NULL").getString();
    CHECK(KeyRing::SealedKeyId(blob) == rotated->new_key_id);
  }
  CHECK(store->Messages(thread->id, 0, 10, false)->front().media[1].url == kUrl2);

  SECTION("too many items, or an empty URL, is refused and stores nothing") {
    AppendRequest many{thread->id, Sender::kParticipant, "MM3", "", "", {}, now + 2};
    many.media.assign(AppendRequest::kMaxMedia + 1, MediaItem{"image/jpeg", kUrl1});
    CHECK(store->Append(many).status().code() == Code::kInvalid);
    AppendRequest empty{thread->id, Sender::kParticipant, "MM4", "", "", {}, now + 2};
    empty.media = {{"image/jpeg", ""}};
    CHECK(store->Append(empty).status().code() == Code::kInvalid);
    CHECK(store->Messages(thread->id, 0, 10, false)->size() == 2);
  }
}

TEST_CASE("an unseen caseworker reply is recorded once per absence, on web threads only",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  int64_t now = TestNowMs();
  MustImport(*store, SampleExtract());
  auto web = store->OpenThread("100000001", Channel::kWeb, "es", now);
  REQUIRE(web.ok());
  CHECK(web->unseen_reply_seq == 0);

  CHECK(*store->MarkReplyUnseen(web->id, 4));
  CHECK_FALSE(*store->MarkReplyUnseen(web->id, 6));  // the same absence: the first stays
  CHECK(store->GetThread(web->id)->unseen_reply_seq == 4);
  REQUIRE(store->ClearReplyUnseen(web->id).ok());
  CHECK(store->GetThread(web->id)->unseen_reply_seq == 0);
  CHECK(*store->MarkReplyUnseen(web->id, 9));  // a new absence
  CHECK(store->GetThread(web->id)->unseen_reply_seq == 9);

  auto sms = store->OpenSmsThread("+15595550101", "es", now);
  REQUIRE(sms.ok());
  CHECK_FALSE(*store->MarkReplyUnseen(sms->id, 2));
  CHECK(store->GetThread(sms->id)->unseen_reply_seq == 0);
}

TEST_CASE("the numbers a parent may be texted at: linked or consented, never opted out",
          "[storage]") {
  TempDir dir;
  auto store = OpenStore(dir);
  int64_t now = TestNowMs();
  MustImport(*store, SampleExtract());
  // No consent, no link: none.
  CHECK(store->TextableNumbers("100000002")->empty());

  REQUIRE(store->LinkPhone("+15595550177", "100000002", now).ok());
  auto linked = store->TextableNumbers("100000002");
  REQUIRE(linked->size() == 1);
  CHECK((*linked)[0].phone == "+15595550177");
  CHECK((*linked)[0].linked);
  CHECK_FALSE((*linked)[0].consent);
  CHECK((*linked)[0].link_last_used_ms == now);
  CHECK((*linked)[0].lang == "en");

  // Consent to texts at the phone on file adds it.
  MustImport(*store,
             R"({"participant":{"participant_id":"100000002","first_name":"Jamesqx","last_name":)"
             R"("Smithqz","pin":"135790","phones":["+15595550102"],"language":"en",)"
             R"("sms_reminders":true}})"
             "\n");
  auto both = store->TextableNumbers("100000002");
  REQUIRE(both->size() == 2);

  REQUIRE(store->SetOptOut("+15595550177", true, now).ok());
  auto left = store->TextableNumbers("100000002");
  REQUIRE(left->size() == 1);
  CHECK((*left)[0].phone == "+15595550102");
  CHECK((*left)[0].consent);
}
