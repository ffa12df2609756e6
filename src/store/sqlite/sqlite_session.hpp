#pragma once
#include <string>

#include "store/internal/sql_session.hpp"

namespace jorge::store::internal {

// Opens `path` (created when missing) in WAL mode with synchronous=FULL.
Result<std::unique_ptr<SqlSession>> open_sqlite_session(const std::string& path);

}  // namespace jorge::store::internal
