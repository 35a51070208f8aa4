// The outbox worker (hub/src/sms/outbox_worker.h) on a real io_context and thread pool, over the
// real SQLite store in a temporary directory (its outcomes recorded on the way through), a fake
// SMS provider and a fake clock. Nothing sleeps: the tests move the fake clock, wake the worker
// and run the io_context until something they can see has happened (a completed pass, a
// recorded outcome).
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_sms_provider.h"
#include "metrics.h"
#include "sms/backoff.h"
#include "sms/outbox_worker.h"
#include "storage/test_util.h"

namespace {

namespace net = boost::asio;
using connecthub::fakes::FakeClock;
using connecthub::fakes::FakeSmsProvider;
using connecthub::hub::Metrics;
using connecthub::hub::sms::Backoff;
using connecthub::hub::sms::BackoffOptions;
using connecthub::hub::sms::LookupResult;
using connecthub::hub::sms::OutboxWorker;
using connecthub::hub::sms::OutboxWorkerDeps;
using connecthub::hub::sms::OutboxWorkerOptions;
using connecthub::hub::sms::SeededUniform;
namespace storage = connecthub::storage;
using storage::testing::OpenStore;
using storage::testing::TempDir;
using storage::testing::TestNowMs;

// Passes the store's outbox through, keeping each outcome the worker records.
class RecordingOutbox : public storage::Outbox {
 public:
  enum class Kind { kSent, kRetry, kFailed };
  struct Mark {
    Kind kind;
    int64_t id = 0;
    std::string sid;              // kSent
    int64_t next_attempt_ms = 0;  // kRetry
    std::optional<int64_t> unconfirmed_since_ms;
    std::string error;
  };
  explicit RecordingOutbox(storage::Outbox& inner) : inner_(inner) {}

  std::vector<Mark> marks() const {
    std::lock_guard lock(mu_);
    return marks_;
  }

  storage::Result<int64_t> EnqueueOutbound(const storage::OutboundRequest& r,
                                           int64_t now_ms) override {
    return inner_.EnqueueOutbound(r, now_ms);
  }
  storage::Result<std::vector<storage::OutboxItem>> TakeDueOutbound(int64_t now_ms,
                                                                    int limit) override {
    return inner_.TakeDueOutbound(now_ms, limit);
  }
  storage::Status MarkOutboundSent(int64_t id, const std::string& sid, int64_t now_ms) override {
    Record({.kind = Kind::kSent, .id = id, .sid = sid});
    return inner_.MarkOutboundSent(id, sid, now_ms);
  }
  storage::Status MarkOutboundRetry(int64_t id, int64_t next_attempt_ms, const std::string& error,
                                    std::optional<int64_t> unconfirmed_since_ms) override {
    Record({.kind = Kind::kRetry,
            .id = id,
            .next_attempt_ms = next_attempt_ms,
            .unconfirmed_since_ms = unconfirmed_since_ms,
            .error = error});
    return inner_.MarkOutboundRetry(id, next_attempt_ms, error, unconfirmed_since_ms);
  }
  storage::Result<bool> ProviderSidKnown(const std::string& sid) override {
    return inner_.ProviderSidKnown(sid);
  }
  storage::Status MarkOutboundFailed(int64_t id, const std::string& error) override {
    Record({.kind = Kind::kFailed, .id = id, .error = error});
    return inner_.MarkOutboundFailed(id, error);
  }
  storage::Status RecordDeliveryStatus(const std::string& sid, storage::OutboxState state,
                                       const std::string& reason, int64_t now_ms,
                                       std::vector<std::pair<int64_t, int64_t>>* changed) override {
    return inner_.RecordDeliveryStatus(sid, state, reason, now_ms, changed);
  }
  storage::Status RecoverOutbound(int64_t now_ms) override {
    return inner_.RecoverOutbound(now_ms);
  }
  storage::Result<int64_t> OutboxDepth() override { return inner_.OutboxDepth(); }
  storage::Result<storage::OutboxHealth> GetOutboxHealth() override {
    return inner_.GetOutboxHealth();
  }

 private:
  void Record(Mark m) {
    std::lock_guard lock(mu_);
    marks_.push_back(std::move(m));
  }
  storage::Outbox& inner_;
  mutable std::mutex mu_;
  std::vector<Mark> marks_;
};

constexpr int64_t kHourMs = 3600'000;
const BackoffOptions kBackoff{.base_ms = 2000, .max_ms = 60'000, .min_ms = 100, .max_attempts = 4};
constexpr uint64_t kSeed = 20261204;

// The worker and everything it uses. Members are declared so that what the worker's handlers
// touch (store, outbox, metrics) outlives the io_context, which outlives the pool.
struct Rig {
  TempDir dir;
  std::unique_ptr<storage::Store> store = OpenStore(dir);
  RecordingOutbox outbox{*store};
  FakeClock clock{TestNowMs()};
  Metrics metrics;
  std::shared_ptr<FakeSmsProvider> provider = std::make_shared<FakeSmsProvider>();
  std::mutex mu;
  std::vector<std::pair<int64_t, int64_t>> deliveries;  // delivery_changed calls
  net::io_context io;
  net::thread_pool pool{2};
  std::shared_ptr<OutboxWorker> worker;

  Rig() {
    // Passes run only when a test wakes the worker (or at Start): the poll and the schedule are
    // an hour away in real time.
    worker = OutboxWorker::Create(
        OutboxWorkerDeps{
            .outbox = outbox,
            .opt_outs = *store,
            .provider = provider,
            .io = io.get_executor(),
            .blocking = pool.get_executor(),
            .clock = clock.AsClock(),
            .uniform = SeededUniform(kSeed),
            .metrics = metrics,
            .delivery_changed =
                [this](int64_t thread_id, int64_t seq) {
                  std::lock_guard lock(mu);
                  deliveries.emplace_back(thread_id, seq);
                },
            .schedule = {},
        },
        OutboxWorkerOptions{
            .poll_interval_ms = kHourMs, .schedule_interval_ms = kHourMs, .backoff = kBackoff});
  }
  ~Rig() {
    if (worker) {
      bool stopped = false;
      worker->Stop([&] { stopped = true; });
      RunUntil([&] { return stopped; });
    }
    pool.join();
  }

  // Runs the io_context until `done()` holds; false after 20 s without it (a hung worker).
  template <typename Done>
  bool RunUntil(Done done) {
    io.restart();
    auto guard = net::make_work_guard(io);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  // Starts the worker and runs until its first pass is complete.
  bool FirstPass() {
    worker->Start();
    return RunUntil([&] { return worker->passes() >= 1; });
  }
  // Wakes the worker and runs until it has completed a pass that began after the wake-up.
  bool Pass() {
    uint64_t before = worker->passes();
    worker->Wake();
    return RunUntil([&] { return worker->passes() > before; });
  }
  int64_t Enqueue(const std::string& key, int64_t thread_id = 0, int64_t seq = 0) {
    storage::OutboundRequest r{.to = "+15550100001",
                               .body = "test body " + key,
                               .thread_id = thread_id,
                               .message_seq = seq,
                               .dedupe_key = key};
    auto id = store->EnqueueOutbound(r, clock.Now());
    REQUIRE(id.ok());
    return *id;
  }
  // The one outcome recorded so far.
  RecordingOutbox::Mark OneMark() {
    auto marks = outbox.marks();
    REQUIRE(marks.size() == 1);
    return marks[0];
  }
  int64_t Depth() {
    auto d = store->OutboxDepth();
    REQUIRE(d.ok());
    return *d;
  }
  size_t Deliveries() {
    std::lock_guard lock(mu);
    return deliveries.size();
  }
};

// The delays the worker's jitter gives, from a generator seeded as the worker's is.
std::vector<int64_t> ExpectedDelays(int n) {
  Backoff reference(kBackoff, SeededUniform(kSeed));
  std::vector<int64_t> delays;
  for (int attempt = 1; attempt <= n; ++attempt) delays.push_back(*reference.NextDelayMs(attempt));
  return delays;
}

using Kind = RecordingOutbox::Kind;

TEST_CASE("outbox worker: a due item is sent once and marked sent", "[hub][sms][worker]") {
  Rig rig;
  int64_t id = rig.Enqueue("a", 7, 3);
  REQUIRE(rig.FirstPass());
  REQUIRE(rig.provider->sent().size() == 1);
  CHECK(rig.provider->sent()[0].body == "test body a");
  auto mark = rig.OneMark();
  CHECK(mark.kind == Kind::kSent);
  CHECK(mark.id == id);
  CHECK(mark.sid == "SMfake1");
  CHECK(rig.Depth() == 0);
  {
    std::lock_guard lock(rig.mu);
    REQUIRE(rig.deliveries.size() == 1);
    CHECK(rig.deliveries[0] == std::pair<int64_t, int64_t>(7, 3));
  }
  // Later passes, however many, send nothing more.
  REQUIRE(rig.Pass());
  REQUIRE(rig.Pass());
  CHECK(rig.provider->sent().size() == 1);
  CHECK(rig.provider->lookups().empty());
  CHECK(rig.outbox.marks().size() == 1);
}

TEST_CASE("outbox worker: a 5xx is retried after the seeded backoff, on the injected clock",
          "[hub][sms][worker]") {
  Rig rig;
  rig.provider->Script({FakeSmsProvider::ServerError(), FakeSmsProvider::ServerError()});
  int64_t id = rig.Enqueue("b");
  auto delays = ExpectedDelays(2);
  int64_t first_try = rig.clock.Now();
  REQUIRE(rig.FirstPass());
  auto mark = rig.OneMark();
  CHECK(mark.kind == Kind::kRetry);
  CHECK(mark.id == id);
  CHECK(mark.error == "HTTP 503");
  CHECK(mark.next_attempt_ms == first_try + delays[0]);
  CHECK(mark.unconfirmed_since_ms == first_try);  // a 5xx may have created the message
  CHECK(rig.Depth() == 1);

  // Not yet due: a whole pass goes by without a send.
  rig.clock.Advance(delays[0] - 1);
  REQUIRE(rig.Pass());
  CHECK(rig.provider->sent().size() == 1);
  CHECK(rig.outbox.marks().size() == 1);

  // Due: the provider is asked about the first attempt (nothing found), then it is sent again,
  // and fails again: the second delay is the generator's second draw, for attempt 2.
  rig.clock.Advance(1);
  int64_t second_try = rig.clock.Now();
  REQUIRE(rig.Pass());
  REQUIRE(rig.provider->sent().size() == 2);
  REQUIRE(rig.provider->lookups().size() == 1);
  CHECK(rig.provider->lookups()[0].since_ms == first_try);
  auto marks = rig.outbox.marks();
  REQUIRE(marks.size() == 2);
  CHECK(marks[1].kind == Kind::kRetry);
  CHECK(marks[1].next_attempt_ms == second_try + delays[1]);

  // The third attempt is accepted.
  rig.clock.Advance(delays[1]);
  REQUIRE(rig.Pass());
  CHECK(rig.provider->sent().size() == 3);
  marks = rig.outbox.marks();
  REQUIRE(marks.size() == 3);
  CHECK(marks[2].kind == Kind::kSent);
  CHECK(rig.Depth() == 0);
}

TEST_CASE("outbox worker: a 4xx fails the item, never retried", "[hub][sms][worker]") {
  Rig rig;
  rig.provider->Script({FakeSmsProvider::ClientError()});
  int64_t id = rig.Enqueue("c", 9, 1);
  REQUIRE(rig.FirstPass());
  auto mark = rig.OneMark();
  CHECK(mark.kind == Kind::kFailed);
  CHECK(mark.id == id);
  CHECK(mark.error == "code 21211 (HTTP 400)");
  CHECK(rig.Depth() == 0);
  CHECK(rig.Deliveries() == 1);  // the inbox is told it failed
  // Even long after any backoff, nothing is sent again.
  rig.clock.Advance(kBackoff.max_ms * 10);
  REQUIRE(rig.Pass());
  CHECK(rig.provider->sent().size() == 1);
  CHECK(rig.outbox.marks().size() == 1);
}

TEST_CASE("outbox worker: an unconfirmed attempt is looked up before sending, never sent twice",
          "[hub][sms][worker]") {
  Rig rig;
  SECTION("the send timed out after the request was written") {
    rig.provider->Script({FakeSmsProvider::Timeout()});
    int64_t id = rig.Enqueue("d");
    int64_t first_try = rig.clock.Now();
    REQUIRE(rig.FirstPass());
    CHECK(rig.OneMark().kind == Kind::kRetry);
    CHECK(rig.OneMark().unconfirmed_since_ms == first_try);
    // The provider did create it: the look-up finds it, and it is marked sent, not sent again.
    rig.provider->AnswerLookups({.outcome = LookupResult::Outcome::kFound, .sid = "SMearlier"});
    rig.clock.Advance(kBackoff.max_ms);
    REQUIRE(rig.Pass());
    CHECK(rig.provider->sent().size() == 1);
    REQUIRE(rig.provider->lookups().size() == 1);
    CHECK(rig.provider->lookups()[0].since_ms == first_try);
    auto marks = rig.outbox.marks();
    REQUIRE(marks.size() == 2);
    CHECK(marks[1].kind == Kind::kSent);
    CHECK(marks[1].id == id);
    CHECK(marks[1].sid == "SMearlier");
  }
  SECTION("a hub died while sending (recovered at start-up)") {
    int64_t id = rig.Enqueue("e");
    auto taken = rig.store->TakeDueOutbound(rig.clock.Now(), 1);  // the other hub's attempt
    REQUIRE(taken.ok());
    REQUIRE(taken->size() == 1);
    rig.clock.Advance(1000);
    REQUIRE(rig.store->RecoverOutbound(rig.clock.Now()).ok());
    SECTION("the provider has it") {
      rig.provider->AnswerLookups({.outcome = LookupResult::Outcome::kFound, .sid = "SMdied"});
      REQUIRE(rig.FirstPass());
      CHECK(rig.provider->started() == 0);
      CHECK(rig.provider->lookups().size() == 1);
      auto mark = rig.OneMark();
      CHECK(mark.kind == Kind::kSent);
      CHECK(mark.sid == "SMdied");
    }
    SECTION("the provider has nothing: sent once") {
      REQUIRE(rig.FirstPass());
      CHECK(rig.provider->lookups().size() == 1);
      CHECK(rig.provider->sent().size() == 1);
      auto mark = rig.OneMark();
      CHECK(mark.kind == Kind::kSent);
      CHECK(mark.id == id);
    }
    SECTION("the look-up fails: it waits, nothing is sent") {
      rig.provider->AnswerLookups(
          {.outcome = LookupResult::Outcome::kError, .error = "lookup HTTP 500"});
      REQUIRE(rig.FirstPass());
      CHECK(rig.provider->started() == 0);
      auto mark = rig.OneMark();
      CHECK(mark.kind == Kind::kRetry);
      CHECK(mark.unconfirmed_since_ms.has_value());
    }
  }
}

TEST_CASE("outbox worker: an opted-out number is never texted", "[hub][sms][worker]") {
  Rig rig;
  REQUIRE(rig.store->SetOptOut("+15550100001", true, rig.clock.Now()).ok());
  rig.Enqueue("f");
  REQUIRE(rig.FirstPass());
  CHECK(rig.provider->started() == 0);
  auto mark = rig.OneMark();
  CHECK(mark.kind == Kind::kFailed);
  CHECK(mark.error == "opted out");
}

TEST_CASE("outbox worker: stop during a send lets it finish and starts nothing more",
          "[hub][sms][worker]") {
  Rig rig;
  int64_t first = rig.Enqueue("g1");
  rig.Enqueue("g2");
  rig.provider->Hold();
  rig.worker->Start();
  REQUIRE(rig.RunUntil([&] { return rig.provider->started() == 1; }));
  bool stopped = false;
  rig.worker->Stop([&] { stopped = true; });
  // The stop is taken (its handler runs on the strand) while the send is still held.
  rig.io.restart();
  while (rig.io.poll() > 0) {
  }
  CHECK_FALSE(stopped);
  rig.provider->Release();
  REQUIRE(rig.RunUntil([&] { return stopped; }));
  // The send in flight was recorded; the second item was never taken.
  auto mark = rig.OneMark();
  CHECK(mark.kind == Kind::kSent);
  CHECK(mark.id == first);
  CHECK(rig.provider->started() == 1);
  CHECK(rig.Depth() == 1);
  // A wake-up after the stop does nothing, and the worker leaves no work behind: the io_context
  // runs out of handlers (stopped() before the time limit) without another send.
  rig.worker->Wake();
  rig.io.restart();
  rig.io.run_for(std::chrono::seconds(20));
  CHECK(rig.io.stopped());
  CHECK(rig.provider->started() == 1);
  // No handler holds it any more: dropping the owner's reference destroys it.
  std::weak_ptr<OutboxWorker> weak = rig.worker;
  rig.worker.reset();
  CHECK(weak.expired());
}

}  // namespace
