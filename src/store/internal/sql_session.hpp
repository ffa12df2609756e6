#pragma once
// What the shared SQL store needs from a database connection. One session is used by one
// thread at a time. Parameters are written $1, $2, ... in both backends.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace jorge::store::internal {

using SqlValue = std::variant<std::monostate, int64_t, std::string>;  // NULL, integer, text
using SqlRow = std::vector<std::optional<std::string>>;

struct SqlRows {
  std::vector<SqlRow> rows;
  int64_t affected = 0;
};

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual Result<SqlRows> exec(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs several ';'-separated statements without parameters (migrations).
  virtual Status exec_script(std::string_view sql) = 0;
  virtual Status begin() = 0;  // SQLite: BEGIN IMMEDIATE (take the write lock up front)
  virtual Status commit() = 0;
  virtual void rollback() = 0;  // never fails from the caller's view; a broken session reconnects
  // Serialises concurrent transactions touching the same identities (PostgreSQL advisory
  // locks, taken in the given order; a no-op where one writer holds the database).
  // REQUIRES: inside a transaction; `keys` sorted and unique.
  virtual Status lock_keys(const std::vector<std::string>& keys) = 0;
  // Background upkeep, run about once a second on a session of its own (SQLite: checkpoint
  // the WAL into the database file, so the writer never pauses for it).
  virtual Status maintain() { return ok_status(); }
  // True when a failed session opens a fresh connection on its next call (client/server
  // databases), so retrying at once can succeed where the last try met a dropped connection.
  virtual bool reconnects() const { return false; }
};

using SessionFactory = std::function<Result<std::unique_ptr<SqlSession>>()>;

enum class Backend { kSqlite, kPostgres };

}  // namespace jorge::store::internal
