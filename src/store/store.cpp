#include "store/store.hpp"

#include <future>

#include "store/internal/sql_store.hpp"
#include "store/postgres/postgres_session.hpp"
#include "store/sqlite/sqlite_session.hpp"

namespace jorge::store {

Result<IngestOutcome> EventLog::ingest(InboundEvent event, std::string raw_body, JobPlan plan) {
  std::promise<Result<IngestOutcome>> promise;
  auto future = promise.get_future();
  ingest_async(std::move(event), std::move(raw_body), plan,
               [&promise](Result<IngestOutcome> outcome) { promise.set_value(std::move(outcome)); });
  return future.get();
}

Result<std::unique_ptr<Store>> open_store(const std::string& url, Clock& clock, const StoreOptions& options) {
  using namespace internal;
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.rfind(kSqlite, 0) == 0) {
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) return Error{ErrorCode::kInvalidArgument, "database: sqlite:// needs a file path, e.g. sqlite://./jorge.db"};
    return open_sql_store(Backend::kSqlite, [path] { return open_sqlite_session(path); }, clock, options);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return open_sql_store(Backend::kPostgres, [url] { return open_postgres_session(url); }, clock, options);
  }
  return Error{ErrorCode::kInvalidArgument,
               "database: expected sqlite://PATH or postgresql://USER@HOST:PORT/DB, got an unknown scheme"};
}

}  // namespace jorge::store
