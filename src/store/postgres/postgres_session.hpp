#pragma once
#include <string>

#include "store/internal/sql_session.hpp"

namespace jorge::store::internal {

// Connects with a libpq URL or key=value string; kUnavailable when the server cannot be reached.
Result<std::unique_ptr<SqlSession>> open_postgres_session(const std::string& url);

}  // namespace jorge::store::internal
