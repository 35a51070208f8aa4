#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clock.h"
#include "metrics.h"
#include "sms/backoff.h"
#include "sms/sms_provider.h"
#include "storage/outbox.h"
#include "storage/sms_links.h"

namespace connecthub::hub::sms {

struct OutboxWorkerOptions {
  int64_t poll_interval_ms = 1000;  // the next pass when idle (Wake() starts one sooner). 1 s.
  int64_t schedule_interval_ms = 60'000;  // how often `schedule` runs. Default 60 s.
  BackoffOptions backoff;                 // retries (see BackoffOptions defaults)
};

// What the worker works with. The references and the executors' contexts must outlive every
// handler the worker has posted (in `serve`: the store and metrics outlive the io_context and
// the pool).
struct OutboxWorkerDeps {
  storage::Outbox& outbox;
  storage::SmsLinks& opt_outs;  // IsOptedOut, checked at send time
  // Null: nothing is sent (items wait for a hub with a provider); passes and `schedule` still run.
  std::shared_ptr<SmsProvider> provider;
  boost::asio::any_io_executor io;        // the worker's strand and timer (the hub's io_context)
  boost::asio::any_io_executor blocking;  // store calls and provider requests (the hub's pool)
  Clock clock;                            // `now` of each pass and outcome
  std::function<double()> uniform;        // backoff jitter in [0, 1): SeededUniform(seed)
  Metrics& metrics;
  // An item's delivery state changed (sent, failed): tells the inbox. On the blocking pool.
  std::function<void(int64_t thread_id, int64_t seq)> delivery_changed;
  // At the start of a pass, every schedule_interval_ms (the first pass included): queues due
  // reminders and notices (which then Wake() the worker). On the blocking pool.
  std::function<void(int64_t now_ms)> schedule;
};

// Sends the outbox (SPEC §5): due items one at a time, each outcome recorded (sent; retried after
// a backoff with jitter; failed), an earlier attempt that may have reached the provider looked up
// before sending again, opted-out numbers never texted.
//
// It runs on the io_context without blocking it: the worker's state lives on a strand, each
// blocking step (taking the next due item, sending it and recording the outcome; `schedule`)
// is posted to the blocking pool, and its continuation comes back to the strand, which posts the
// next step or, at the end of a pass, arms a steady_timer for the next one. One step is in flight
// at most, so a stop leaves at most one item in "sending" (RecoverOutbound's job at start-up).
// The owner starts and stops it (`serve`: after outbox recovery, and on SIGINT/SIGTERM).
// Thread-safe: Start, Wake and Stop may be called from any thread.
class OutboxWorker : public std::enable_shared_from_this<OutboxWorker> {
 public:
  static std::shared_ptr<OutboxWorker> Create(OutboxWorkerDeps deps, OutboxWorkerOptions options);
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // The first pass runs as soon as the io_context does. Idempotent; nothing after Stop().
  void Start();
  // A pass now (after the one running, if any): new items were queued. Before Start() or after
  // Stop() it does nothing.
  void Wake();
  // No new step starts; a step in flight (a send) finishes and records its outcome. `stopped`,
  // when given, is called on the strand once nothing is in flight. Idempotent.
  void Stop(std::function<void()> stopped = {});

  // Passes completed (also connecthub_sms_worker_passes_total): after one, every item that was
  // due when it began has been attempted. For tests.
  uint64_t passes() const { return passes_.load(); }

 private:
  OutboxWorker(OutboxWorkerDeps deps, OutboxWorkerOptions options);

  // On the strand.
  void BeginPass();
  void Dispatch(int64_t now_ms, bool schedule);
  void Continue(int64_t now_ms, bool more);
  void ArmTimer();
  void NotifyStopped();

  // On the blocking pool, one at a time.
  bool SendNextDue(int64_t now_ms);  // false: nothing was due (or no provider)
  void EndPass();
  void SendOne(const storage::OutboxItem& item);
  // For an item whose earlier attempt may have reached the provider: asks the provider. True
  // when the item is settled (found and marked sent, or the look-up failed and it waits);
  // false when nothing was sent and it may go now.
  bool Reconcile(const storage::OutboxItem& item);
  std::string_view MarkSent(const storage::OutboxItem& item, const std::string& sid,
                            int64_t now_ms);
  std::string_view MarkFailed(const storage::OutboxItem& item, const std::string& why);
  // Another attempt after the backoff, or "gave_up" after the last one. Returns the outcome.
  std::string_view RetryLater(const storage::OutboxItem& item, int64_t now_ms,
                              const std::string& error, std::optional<int64_t> retry_after_ms,
                              std::optional<int64_t> unconfirmed_since_ms);
  void LogOutbound(const storage::OutboxItem& item, std::string_view outcome,
                   const std::string& error);

  OutboxWorkerDeps deps_;
  OutboxWorkerOptions options_;
  Backoff backoff_;
  std::atomic<uint64_t> passes_{0};

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;  // on strand_
  // Strand only.
  bool started_ = false;
  bool stopping_ = false;
  bool busy_ = false;              // a pass is under way (a step in flight or about to be posted)
  bool wake_ = false;              // Wake() during a pass: another one right after it
  uint64_t timer_generation_ = 0;  // a timer wait is current only while this is unchanged
  int64_t next_schedule_ms_ = 0;
  std::vector<std::function<void()>> stopped_;
};

}  // namespace connecthub::hub::sms
