#include "db.h"

namespace connecthub::storage {

Conn::Conn(const std::string& path, bool read_only, int busy_timeout_ms)
    : db_(path, read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE),
          busy_timeout_ms) {
  db_.exec("PRAGMA foreign_keys = ON");
  if (!read_only) {
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

Writer::Writer(std::unique_ptr<Conn> conn, int max_batch)
    : conn_(std::move(conn)), max_batch_(max_batch < 1 ? 1 : max_batch) {
  thread_ = std::thread([this] { Loop(); });
}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status Writer::Run(Job job) {
  std::future<Status> done;
  {
    std::lock_guard lock(mu_);
    if (stop_) return {Code::kInternal, "store is closing"};
    queue_.push_back(Pending{std::move(job), {}});
    done = queue_.back().done.get_future();
  }
  cv_.notify_one();
  return done.get();
}

void Writer::Loop() {
  auto& db = conn_->db();
  for (;;) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Status> results(batch.size());
    Status commit;
    try {
      db.exec("BEGIN IMMEDIATE");
      for (size_t i = 0; i < batch.size(); ++i) {
        db.exec("SAVEPOINT job");
        try {
          results[i] = batch[i].job(*conn_);
        } catch (const std::exception& e) {
          results[i] = Status(Code::kIo, std::string("database write failed: ") + e.what());
        }
        if (!results[i].ok()) db.exec("ROLLBACK TO job");
        db.exec("RELEASE job");
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
      batch[i].done.set_value(commit.ok() ? results[i] : commit);
    }
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
