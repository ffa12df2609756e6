#include "store/internal/sql_store.hpp"

#include "store/internal/migrations.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Status SqlStore::start() {
  JORGE_TRY(std::unique_ptr<SqlSession> session, factory_());
  JORGE_TRY_STATUS(migrate(*session, backend_, to_unix_millis(clock_.now())));
  int writers = options_.writer_threads > 0 ? options_.writer_threads : (backend_ == Backend::kSqlite ? 1 : 4);
  std::vector<std::unique_ptr<SqlSession>> sessions;
  sessions.push_back(std::move(session));
  for (int i = 1; i < writers; ++i) {
    JORGE_TRY(std::unique_ptr<SqlSession> extra, factory_());
    sessions.push_back(std::move(extra));
  }
  for (auto& writer_session : sessions)
    writers_.emplace_back([this, s = std::move(writer_session)]() mutable { write_loop(std::move(s)); });
  JORGE_TRY(std::unique_ptr<SqlSession> upkeep, factory_());
  maintainer_ = std::thread([this, s = std::move(upkeep)]() mutable { maintain_loop(std::move(s)); });
  return ok_status();
}

Status SqlStore::check_ready() {
  auto version = readers_.with_session([](SqlSession& session) { return applied_schema_version(session); });
  if (!version.ok()) return Error{ErrorCode::kUnavailable, version.error().message};
  if (*version != latest_schema_version())
    return Error{ErrorCode::kFailedPrecondition, "schema version " + std::to_string(*version) + ", this binary needs " +
                                                     std::to_string(latest_schema_version())};
  return ok_status();
}

void SqlStore::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    closing_ = true;
    wake_.notify_all();
    wake_maintainer_.notify_all();
  }
  for (auto& writer : writers_) writer.join();
  writers_.clear();
  if (maintainer_.joinable()) maintainer_.join();
}

void SqlStore::maintain_loop(std::unique_ptr<SqlSession> session) {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    wake_maintainer_.wait_for(lock, std::chrono::milliseconds(500));
    if (closing_) break;
    lock.unlock();
    Status done = session->maintain();
    (void)done;  // a busy database simply waits for the next round
    lock.lock();
  }
  lock.unlock();
  (void)session->maintain();  // leave a checkpointed database behind
}


Result<std::unique_ptr<Store>> open_sql_store(Backend backend, SessionFactory factory, Clock& clock,
                                              const StoreOptions& options) {
  auto store = std::make_unique<SqlStore>(backend, std::move(factory), clock, options);
  JORGE_TRY_STATUS(store->start());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace jorge::store::internal

