#include "sms/outbox_worker.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <exception>

#include "log.h"

namespace connecthub::hub::sms {

namespace net = boost::asio;

std::shared_ptr<OutboxWorker> OutboxWorker::Create(OutboxWorkerDeps deps,
                                                   OutboxWorkerOptions options) {
  return std::shared_ptr<OutboxWorker>(new OutboxWorker(std::move(deps), options));
}

OutboxWorker::OutboxWorker(OutboxWorkerDeps deps, OutboxWorkerOptions options)
    : deps_(std::move(deps)),
      options_(options),
      backoff_(options_.backoff, deps_.uniform),
      strand_(net::make_strand(deps_.io)),
      timer_(strand_) {}

void OutboxWorker::Start() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    self->BeginPass();
  });
}

void OutboxWorker::Wake() {
  net::post(strand_, [self = shared_from_this()] {
    if (!self->started_ || self->stopping_) return;
    if (self->busy_) {
      self->wake_ = true;
      return;
    }
    self->BeginPass();
  });
}

void OutboxWorker::Stop(std::function<void()> stopped) {
  net::post(strand_, [self = shared_from_this(), stopped = std::move(stopped)]() mutable {
    self->stopping_ = true;
    ++self->timer_generation_;
    self->timer_.cancel();
    if (stopped) self->stopped_.push_back(std::move(stopped));
    if (!self->busy_) self->NotifyStopped();
  });
}

void OutboxWorker::NotifyStopped() {
  auto callbacks = std::move(stopped_);
  stopped_.clear();
  for (auto& f : callbacks) f();
}

void OutboxWorker::BeginPass() {
  busy_ = true;
  wake_ = false;
  ++timer_generation_;
  timer_.cancel();
  int64_t now = deps_.clock();
  bool schedule = now >= next_schedule_ms_;
  if (schedule) next_schedule_ms_ = now + options_.schedule_interval_ms;
  Dispatch(now, schedule);
}

void OutboxWorker::Dispatch(int64_t now_ms, bool schedule) {
  net::post(deps_.blocking, [self = shared_from_this(), now_ms, schedule] {
    bool more = false;
    try {
      if (schedule && self->deps_.schedule) {
        self->deps_.schedule(now_ms);
        // Completed runs, observable: after one, every reminder and notice then due is queued.
        self->deps_.metrics.Inc("connecthub_sms_scheduler_runs_total", {});
      }
      more = self->SendNextDue(now_ms);
      if (!more) self->EndPass();
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "sms_worker_exception", {{"what", e.what()}});
      more = false;
    }
    net::post(self->strand_, [self, now_ms, more] { self->Continue(now_ms, more); });
  });
}

void OutboxWorker::Continue(int64_t now_ms, bool more) {
  if (stopping_) {
    busy_ = false;
    NotifyStopped();
    return;
  }
  if (more) {
    Dispatch(now_ms, false);
    return;
  }
  busy_ = false;
  if (wake_) {
    BeginPass();
    return;
  }
  ArmTimer();
}

void OutboxWorker::ArmTimer() {
  int64_t wait_ms = options_.poll_interval_ms;
  int64_t until_schedule = next_schedule_ms_ - deps_.clock();
  wait_ms =
      std::clamp<int64_t>(std::min(wait_ms, until_schedule), 1, std::max<int64_t>(wait_ms, 1));
  uint64_t generation = ++timer_generation_;
  timer_.expires_after(std::chrono::milliseconds(wait_ms));
  timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
    if (ec || self->stopping_ || self->busy_ || generation != self->timer_generation_) return;
    self->BeginPass();
  });
}

bool OutboxWorker::SendNextDue(int64_t now_ms) {
  if (!deps_.provider) return false;  // items wait until the hub runs with a provider configured
  // One at a time, so a stop or a crash leaves at most one item in "sending".
  auto items = deps_.outbox.TakeDueOutbound(now_ms, 1);
  if (!items.ok() || items->empty()) return false;
  for (const auto& item : *items) SendOne(item);
  return true;
}

void OutboxWorker::EndPass() {
  if (deps_.provider) {
    if (auto depth = deps_.outbox.OutboxDepth(); depth.ok()) {
      deps_.metrics.Set("connecthub_outbox_depth", {}, static_cast<double>(*depth));
    }
  }
  // Completed passes: after one, every outbox item due when it began has been attempted.
  deps_.metrics.Inc("connecthub_sms_worker_passes_total", {});
  ++passes_;
}

std::string_view OutboxWorker::MarkSent(const storage::OutboxItem& item, const std::string& sid,
                                        int64_t now_ms) {
  (void)deps_.outbox.MarkOutboundSent(item.id, sid, now_ms);
  deps_.metrics.Inc("connecthub_sms_messages_total", {{"direction", "out"}, {"path", "api"}});
  if (deps_.delivery_changed) deps_.delivery_changed(item.thread_id, item.message_seq);
  return "sent";
}

std::string_view OutboxWorker::RetryLater(const storage::OutboxItem& item, int64_t now_ms,
                                          const std::string& error,
                                          std::optional<int64_t> retry_after_ms,
                                          std::optional<int64_t> unconfirmed_since_ms) {
  if (auto delay = backoff_.NextDelayMs(item.attempts, retry_after_ms)) {
    (void)deps_.outbox.MarkOutboundRetry(item.id, now_ms + *delay, error, unconfirmed_since_ms);
    return "retry";
  }
  std::string why = "gave up after " + std::to_string(item.attempts) + " attempts: " + error;
  if (unconfirmed_since_ms) why += " (may have been sent once)";
  MarkFailed(item, why);
  return "gave_up";
}

std::string_view OutboxWorker::MarkFailed(const storage::OutboxItem& item, const std::string& why) {
  (void)deps_.outbox.MarkOutboundFailed(item.id, why);
  if (deps_.delivery_changed) deps_.delivery_changed(item.thread_id, item.message_seq);
  return "failed";
}

void OutboxWorker::LogOutbound(const storage::OutboxItem& item, std::string_view outcome,
                               const std::string& error) {
  deps_.metrics.Inc("connecthub_sms_outbound_total", {{"result", std::string(outcome)}});
  Log(LogLevel::kInfo, "sms_outbound",
      {{"outbox_id", item.id}, {"result", outcome}, {"attempt", item.attempts}, {"error", error}});
}

bool OutboxWorker::Reconcile(const storage::OutboxItem& item) {
  auto known = [this](const std::string& sid) {
    auto k = deps_.outbox.ProviderSidKnown(sid);
    return !k.ok() || *k;  // when unsure, never claim a message
  };
  LookupResult found =
      deps_.provider->FindSent(item.to, item.body, *item.unconfirmed_since_ms, known);
  int64_t now = deps_.clock();
  std::string_view outcome;
  switch (found.outcome) {
    case LookupResult::Outcome::kNotFound:
      Log(LogLevel::kInfo, "sms_outbound_unconfirmed", {{"outbox_id", item.id}, {"found", false}});
      return false;  // the earlier attempt created nothing: send
    case LookupResult::Outcome::kFound:
      MarkSent(item, found.sid, now);
      outcome = "reconciled";
      break;
    case LookupResult::Outcome::kError:
      outcome = RetryLater(item, now, found.error, std::nullopt, item.unconfirmed_since_ms);
      break;
  }
  LogOutbound(item, outcome, found.error);
  return true;
}

void OutboxWorker::SendOne(const storage::OutboxItem& item) {
  // Never text a number that said STOP: when the store cannot tell, wait and ask again.
  auto opted_out = deps_.opt_outs.IsOptedOut(item.to);
  if (!opted_out.ok() || *opted_out) {
    std::string error = opted_out.ok() ? "opted out" : "opt-out check failed";
    LogOutbound(item,
                opted_out.ok() ? MarkFailed(item, error)
                               : RetryLater(item, deps_.clock(), error, std::nullopt, std::nullopt),
                error);
    return;
  }
  if (item.unconfirmed_since_ms && Reconcile(item)) return;
  int64_t started = deps_.clock();
  SendResult result = deps_.provider->Send(item.to, item.body);
  int64_t now = deps_.clock();
  std::string_view outcome;
  switch (result.outcome) {
    case SendResult::Outcome::kSent:
      outcome = MarkSent(item, result.sid, now);
      break;
    case SendResult::Outcome::kFailed:
      outcome = MarkFailed(item, result.error);
      break;
    case SendResult::Outcome::kRetry:
      outcome =
          RetryLater(item, now, result.error, result.retry_after_ms,
                     result.may_have_reached ? std::optional<int64_t>(started) : std::nullopt);
      break;
  }
  LogOutbound(item, outcome, result.error);
}

}  // namespace connecthub::hub::sms
