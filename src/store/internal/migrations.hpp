#pragma once
#include "store/internal/sql_session.hpp"

namespace jorge::store::internal {

// The newest schema version this binary knows.
int64_t latest_schema_version();
// Applies the versions not yet applied, each in its own transaction. Safe when several
// instances start at once (PostgreSQL: an advisory lock; SQLite: the write lock).
Status migrate(SqlSession& session, Backend backend, int64_t now_millis);
// The highest version applied; 0 on an empty database.
Result<int64_t> applied_schema_version(SqlSession& session);

}  // namespace jorge::store::internal
