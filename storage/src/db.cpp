#include "db.h"

#include <sqlite3.h>

namespace connecthub::storage {

Conn::Conn(const std::string& path, bool read_only, int busy_timeout_ms)
    : db_(path, read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE),
          busy_timeout_ms) {
  db_.exec("PRAGMA foreign_keys = ON");
  if (!read_only) {
    // Deleted and overwritten rows (old ciphertext after rotation, purged SMS replies, ended
    // sessions) are zeroed, not left readable in free pages.
    db_.exec("PRAGMA secure_delete = ON");
    db_.exec("PRAGMA journal_mode = WAL");
    // FULL in WAL mode fsyncs the WAL at every commit: a call that returned ok survives power
    // loss, not only a process crash. Group commit amortises the fsync over many writes.
    db_.exec("PRAGMA synchronous = FULL");
    // Bulk transactions (import, demo data, rotation) touch many index pages; with SQLite's 2 MiB
    // default they spill to the WAL mid-transaction and are rewritten again and again.
    db_.exec("PRAGMA cache_size = -65536");
  }
  // Read connections do not memory-map the file (PRAGMA mmap_size): it halved LoadFacts on a
  // read-only 1M-participant file, but with the hub writing, SQLite re-maps after commits and the
  // page-table churn (mmap/munmap of a 1.6 GB mapping) cost ~5 ms of kernel time a chat turn.
}

Conn::Query Conn::Prep(const char* sql) {
  auto& slot = cache_[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
  return Query(slot.get());
}

namespace {
constexpr int kCheckpointPages = 1000;  // SQLite's default automatic checkpoint size
// The background checkpoint never quite finishes while the writer keeps appending, and the WAL
// only starts over once one has copied all of it: past this size the writer finishes the copy
// itself (only the frames written since the last background pass), so the WAL stays ~16 MiB.
constexpr int kWriterCheckpointPages = 4 * kCheckpointPages;
}  // namespace

Writer::Writer(std::unique_ptr<Conn> conn, int max_batch)
    : conn_(std::move(conn)), max_batch_(max_batch < 1 ? 1 : max_batch) {
  checkpoint_conn_ =
      std::make_unique<Conn>(conn_->db().getFilename(), /*read_only=*/false, /*busy_timeout=*/0);
  // Replaces the automatic checkpoint (sqlite3_wal_hook and wal_autocheckpoint share one slot).
  sqlite3_wal_hook(conn_->db().getHandle(), &Writer::OnWalCommit, this);
  checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
  thread_ = std::thread([this] { Loop(); });
}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  checkpoint_thread_.join();
}

int Writer::OnWalCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
  auto* w = static_cast<Writer*>(self);
  if (pages >= kWriterCheckpointPages) {
    w->finish_checkpoint_ = true;  // after the batch's outcomes are told (RunBatch)
  } else if (pages >= kCheckpointPages) {
    {
      std::lock_guard lock(w->checkpoint_mu_);
      w->checkpoint_due_ = true;
    }
    w->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void Writer::CheckpointLoop() {
  std::unique_lock lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [&] { return checkpoint_stop_ || checkpoint_due_; });
    if (checkpoint_stop_) return;
    checkpoint_due_ = false;
    lock.unlock();
    // PASSIVE: copies what no reader still needs, without blocking the writer or readers. The
    // writer starts the WAL over once a checkpoint has copied all of it.
    (void)sqlite3_wal_checkpoint_v2(checkpoint_conn_->db().getHandle(), nullptr,
                                    SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
}

Status Writer::Run(Job job) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    // From inside a job (a turn's `decide`), a transaction of its own is impossible, and failing
    // to begin one must not roll back the batch in progress.
    if (sqlite3_get_autocommit(conn_->db().getHandle()) == 0) {
      return Status(Code::kInternal, "a store call from inside a write job");
    }
    std::vector<Pending> one;
    Status out;
    one.push_back(Pending{std::move(job), [&out](Status s) { out = std::move(s); }});
    RunBatch(one);
    return out;
  }
  std::promise<Status> promise;
  std::future<Status> done = promise.get_future();
  Submit(std::move(job), [&promise](Status s) { promise.set_value(std::move(s)); });
  return done.get();
}

void Writer::Submit(Job job, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stop_) {
      queue_.push_back(Pending{std::move(job), std::move(done)});
      done = nullptr;
    }
  }
  if (done) {
    done(Status(Code::kInternal, "store is closing"));
    return;
  }
  cv_.notify_one();
}

void Writer::Loop() {
  std::vector<Pending> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
  }
}

void Writer::RunBatch(std::vector<Pending>& batch) {
  auto& db = conn_->db();
  std::vector<Status> results(batch.size());
  Status commit;
  try {
    db.exec("BEGIN IMMEDIATE");
    for (size_t i = 0; i < batch.size(); ++i) {
      // Prepared once (sqlite3_exec would parse them for every job).
      conn_->Prep("SAVEPOINT job")->exec();
      try {
        results[i] = batch[i].job(*conn_);
      } catch (const std::exception& e) {
        results[i] = Status(Code::kIo, std::string("database write failed: ") + e.what());
      }
      if (!results[i].ok()) conn_->Prep("ROLLBACK TO job")->exec();
      conn_->Prep("RELEASE job")->exec();
    }
    db.exec("COMMIT");
  } catch (const std::exception& e) {
    commit = Status(Code::kIo, std::string("database commit failed: ") + e.what());
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].done(commit.ok() ? results[i] : commit);
  }
  if (finish_checkpoint_) {
    finish_checkpoint_ = false;
    (void)sqlite3_wal_checkpoint_v2(conn_->db().getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                    nullptr, nullptr);
  }
}

ReadPool::ReadPool(const std::string& path, int size, int busy_timeout_ms) {
  for (int i = 0; i < (size < 1 ? 1 : size); ++i) {
    free_.push_back(std::make_unique<Conn>(path, /*read_only=*/true, busy_timeout_ms));
  }
}

std::unique_ptr<Conn> ReadPool::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  auto conn = std::move(free_.back());
  free_.pop_back();
  return conn;
}

void ReadPool::Release(std::unique_ptr<Conn> conn) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

}  // namespace connecthub::storage
