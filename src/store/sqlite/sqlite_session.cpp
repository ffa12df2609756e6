#include "store/sqlite/sqlite_session.hpp"

#include <sqlite3.h>

#include <unordered_map>
#include <vector>

namespace jorge::store::internal {
namespace {

Error sqlite_error(sqlite3* db, int code, std::string_view what) {
  std::string message = "sqlite: " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
      return Error{ErrorCode::kUnavailable, message};
    case SQLITE_CONSTRAINT:
      return Error{ErrorCode::kAlreadyExists, message};
    default:
      return Error{ErrorCode::kInternal, message};
  }
}

class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(sqlite3* db) : db_(db) {}
  ~SqliteSession() override {
    for (auto& [sql, prepared] : statements_) sqlite3_finalize(prepared.statement);
    sqlite3_close_v2(db_);
  }

  Result<SqlRows> exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    JORGE_TRY(Prepared* found, prepared(sql));
    sqlite3_stmt* statement = found->statement;
    for (size_t i = 0; i < params.size(); ++i) {
      int index = found->index_of(i);
      if (index == 0) continue;  // parameter not used by this statement
      int rc = SQLITE_OK;
      if (auto* integer = std::get_if<int64_t>(&params[i])) rc = sqlite3_bind_int64(statement, index, *integer);
      else if (auto* text = std::get_if<std::string>(&params[i]))
        rc = sqlite3_bind_text(statement, index, text->data(), static_cast<int>(text->size()), SQLITE_STATIC);
      else rc = sqlite3_bind_null(statement, index);
      if (rc != SQLITE_OK) { sqlite3_reset(statement); return sqlite_error(db_, rc, "bind"); }
    }
    SqlRows out;
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      int columns = sqlite3_column_count(statement);
      SqlRow row(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(statement, c) == SQLITE_NULL) continue;
        const unsigned char* text = sqlite3_column_text(statement, c);
        row[static_cast<size_t>(c)] = std::string(reinterpret_cast<const char*>(text),
                                                  static_cast<size_t>(sqlite3_column_bytes(statement, c)));
      }
      out.rows.push_back(std::move(row));
    }
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    if (rc != SQLITE_DONE) return sqlite_error(db_, rc, "step");
    out.affected = sqlite3_changes64(db_);
    return out;
  }

  Status exec_script(std::string_view sql) override {
    std::string script(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      Error error = sqlite_error(db_, rc, message ? message : "exec");
      sqlite3_free(message);
      return error;
    }
    return ok_status();
  }

  Status begin() override { return exec_script("BEGIN IMMEDIATE"); }
  Status commit() override { return exec_script("COMMIT"); }
  void rollback() override {
    if (!sqlite3_get_autocommit(db_)) (void)exec_script("ROLLBACK");
  }
  Status lock_keys(const std::vector<std::string>&) override { return ok_status(); }
  // PASSIVE copies what it can without waiting for, or blocking, the writer, so the
  // automatic checkpoint a commit triggers (every 1000 WAL pages) finds little left to copy.
  Status maintain() override { return exec_script("PRAGMA wal_checkpoint(PASSIVE)"); }

 private:
  // A prepared statement and where each $N sits among SQLite's parameter slots, found once.
  struct Prepared {
    sqlite3_stmt* statement = nullptr;
    std::vector<int> slots;  // slots[N-1] = index of "$N", 0 when unused
    int index_of(size_t param) const { return param < slots.size() ? slots[param] : 0; }
  };

  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  Result<Prepared*> prepared(std::string_view sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return &found->second;
    Prepared entry;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &entry.statement, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "prepare");
    for (int n = 1; n <= sqlite3_bind_parameter_count(entry.statement); ++n)
      entry.slots.push_back(sqlite3_bind_parameter_index(entry.statement, ("$" + std::to_string(n)).c_str()));
    return &statements_.emplace(std::string(sql), entry).first->second;
  }

  sqlite3* db_;
  std::unordered_map<std::string, Prepared, TransparentHash, std::equal_to<>> statements_;
};

}  // namespace

Result<std::unique_ptr<SqlSession>> open_sqlite_session(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    Error error{ErrorCode::kUnavailable, "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc))};
    sqlite3_close_v2(db);
    return error;
  }
  auto session = std::make_unique<SqliteSession>(db);
  sqlite3_busy_timeout(db, 5000);
  // WAL lets readers run beside the one writer. synchronous=FULL fsyncs the WAL at every
  // commit: NORMAL would skip that fsync in WAL mode, so a commit we already acknowledged
  // (a 200 to GoHighLevel, which never resends it) could vanish on power loss. Group commit
  // pays for the fsync once per batch instead.
  Status pragmas = session->exec_script(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;");
  if (!pragmas.ok()) return Error{pragmas.error().code, "cannot configure " + path + ": " + pragmas.error().message};
  return std::unique_ptr<SqlSession>(std::move(session));
}

}  // namespace jorge::store::internal
