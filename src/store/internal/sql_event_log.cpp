// Deliveries in: group commit by writer threads, one transaction per batch (store/event_log.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

void SqlStore::ingest_async(InboundEvent event, std::string raw_body, JobPlan plan, IngestCallback done) {
  bool closing;
  {
    std::lock_guard lock(mutex_);
    closing = closing_;
    if (!closing && static_cast<int>(queue_.size()) < options_.max_pending) {
      queue_.push_back({std::move(event), std::move(raw_body), plan, std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  if (closing) done(Error{ErrorCode::kUnavailable, "the store is shutting down; retry"});
  else done(Error{ErrorCode::kResourceExhausted, "too many writes waiting for the database; retry later"});
}

Result<bool> SqlStore::has_event(const std::string& source, const std::string& idempotency_key) {
  return readers_.with_session([&](SqlSession& session) -> Result<bool> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT 1 FROM raw_events WHERE source = $1 AND idempotency_key = $2",
                                         {source, idempotency_key}));
    return !rows.rows.empty();
  });
}

Result<std::string> SqlStore::event_key(EventId id) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::string> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT idempotency_key FROM raw_events WHERE id = $1", {id}));
    if (rows.rows.empty() || !rows.rows[0][0])
      return Error{ErrorCode::kNotFound, "no stored delivery " + std::to_string(id)};
    return *rows.rows[0][0];
  });
}

void SqlStore::write_loop(std::unique_ptr<SqlSession> session) {
  std::vector<PendingWrite> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_batch(*session, batch);
    batch.clear();
  }
}

// One transaction for the whole batch (one fsync). If one event fails, the batch is rolled
// back and each event retried in its own transaction, so one bad event cannot sink the rest.
void SqlStore::commit_batch(SqlSession& session, std::vector<PendingWrite>& batch) {
  constexpr int kAttempts = 3;  // a serialization failure or deadlock: rerun the transaction
  for (int attempt = 1;; ++attempt) {
    Status status = try_commit_batch(session, batch);
    if (status.ok()) return;
    if (status.error().code == ErrorCode::kAborted && attempt < kAttempts) continue;
    // A connection the server dropped while it sat idle shows up on first use: retry once on
    // a fresh one before telling senders to come back (if the server is really down, the
    // reconnect fails at once).
    if (status.error().code == ErrorCode::kUnavailable && attempt == 1 && session.reconnects()) continue;
    // A unique key taken (kAlreadyExists) may be a race with another writer that a retry
    // resolves: the sender is asked again rather than the lead set aside.
    const ErrorCode code = status.error().code;
    if (batch.size() == 1 && code != ErrorCode::kUnavailable && code != ErrorCode::kAborted &&
        code != ErrorCode::kResourceExhausted && code != ErrorCode::kAlreadyExists) {
      keep_unprocessable(session, batch.front(), status.error());
      return;
    }
    if (batch.size() == 1 || status.error().code == ErrorCode::kUnavailable ||
        status.error().code == ErrorCode::kAborted) {
      // The database itself is failing: nobody is acknowledged, senders retry.
      for (PendingWrite& write : batch) write.done(unavailable(status.error()));
      return;
    }
    // One event is bad: commit the others without it.
    for (PendingWrite& write : batch) {
      std::vector<PendingWrite> one;
      one.push_back(std::move(write));
      commit_batch(session, one);
    }
    return;
  }
}

void SqlStore::keep_unprocessable(SqlSession& session, PendingWrite& write, const Error& cause) {
  auto kept = [&]() -> Result<IngestOutcome> {
    JORGE_TRY_STATUS(session.begin());
    auto inserted = session.exec(
        "INSERT INTO raw_events (source, idempotency_key, event_type, recognised, received_at, body, unprocessable) "
        "VALUES ($1, $2, $3, 0, $4, $5, $6) ON CONFLICT (source, idempotency_key) DO NOTHING RETURNING id",
        {write.event.source, write.event.idempotency_key, write.event.event_type, to_unix_millis(clock_.now()),
         write.raw_body, std::string(error_code_name(cause.code))});
    if (!inserted.ok()) {
      session.rollback();
      return inserted.error();
    }
    JORGE_TRY_STATUS(session.commit());
    IngestOutcome outcome;
    outcome.unprocessable = true;
    if (!inserted->rows.empty()) outcome.event_id = std::stoll(inserted->rows[0][0].value_or("0"));
    else outcome.duplicate = true;  // kept by an earlier delivery of it
    return outcome;
  }();
  // When even the raw delivery cannot be kept, the sender must try again later.
  if (!kept.ok()) return write.done(unavailable(kept.error()));
  write.done(std::move(kept));
}

// On success runs every callback; on failure rolls back and runs none.
Status SqlStore::try_commit_batch(SqlSession& session, std::vector<PendingWrite>& batch) {
  int64_t now = to_unix_millis(clock_.now());
  std::vector<Result<IngestOutcome>> outcomes;
  outcomes.reserve(batch.size());
  Status status = session.begin();
  if (status.ok()) {
    std::vector<const InboundEvent*> events;
    for (const PendingWrite& write : batch) events.push_back(&write.event);
    status = lock_identities(session, events);
  }
  if (status.ok()) {
    for (PendingWrite& write : batch) {
      outcomes.push_back(apply_event(session, write.event, write.raw_body, write.plan, now, options_));
      if (!outcomes.back().ok()) {
        status = outcomes.back().error();
        break;
      }
    }
  }
  if (status.ok()) status = session.commit();
  if (status.ok()) {
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(outcomes[i]));
    return ok_status();
  }
  session.rollback();
  return status;
}

Error SqlStore::unavailable(const Error& cause) {
  if (cause.code == ErrorCode::kUnavailable || cause.code == ErrorCode::kAborted)
    return Error{ErrorCode::kUnavailable, cause.message};
  return cause;
}

}  // namespace jorge::store::internal
