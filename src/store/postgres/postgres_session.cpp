#include "store/postgres/postgres_session.hpp"

#include <pqxx/pqxx>

#include <optional>
#include <unordered_map>

namespace jorge::store::internal {
namespace {

// Codes by what the caller should do next (SQLSTATE classes: 08 connection, 40 rollback,
// 53 resources, 57 operator intervention, 23 integrity).
Error postgres_error(const std::exception& thrown) {
  std::string message = std::string("postgresql: ") + thrown.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (dynamic_cast<const pqxx::broken_connection*>(&thrown)) return Error{ErrorCode::kUnavailable, message};
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&thrown)) {
    std::string state = sql->sqlstate();
    if (state.rfind("40", 0) == 0) return Error{ErrorCode::kAborted, message};
    if (state.rfind("23", 0) == 0) return Error{ErrorCode::kAlreadyExists, message};
    if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57", 0) == 0 ||
        state.rfind("25", 0) == 0)
      return Error{ErrorCode::kUnavailable, message};
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&thrown)) return Error{ErrorCode::kUnavailable, message};
  return Error{ErrorCode::kInternal, message};
}

class PostgresSession final : public SqlSession {
 public:
  explicit PostgresSession(std::string url) : url_(std::move(url)) {}

  Status connect() {
    try {
      transaction_.reset();
      connection_ = std::make_unique<pqxx::connection>(url_);
      broken_ = false;
      statements_.clear();  // prepared statements belong to the old connection
      return ok_status();
    } catch (const std::exception& thrown) {
      connection_.reset();
      return Error{ErrorCode::kUnavailable, postgres_error(thrown).message};
    }
  }

  Result<SqlRows> exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    if (transaction_ && broken_) return Error{ErrorCode::kUnavailable, "postgresql: connection lost; retry"};
    if (!transaction_ && !connected()) JORGE_TRY_STATUS(connect());
    std::vector<std::string> texts(params.size());
    std::vector<const char*> pointers(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (auto* integer = std::get_if<int64_t>(&params[i])) texts[i] = std::to_string(*integer);
      else if (auto* text = std::get_if<std::string>(&params[i])) texts[i] = *text;
      else continue;
      pointers[i] = texts[i].c_str();
    }
    try {
      pqxx::result result;
      const std::string& statement = prepared(sql);
      if (transaction_) {
        result = transaction_->exec_prepared(statement, pqxx::prepare::make_dynamic_params(pointers));
      } else {
        pqxx::nontransaction once(*connection_);
        result = once.exec_prepared(statement, pqxx::prepare::make_dynamic_params(pointers));
      }
      SqlRows out;
      out.affected = static_cast<int64_t>(result.affected_rows());
      out.rows.reserve(result.size());
      for (const auto& row : result) {
        SqlRow values(row.size());
        for (pqxx::row::size_type c = 0; c < row.size(); ++c)
          if (!row[c].is_null()) values[c] = std::string(row[c].c_str(), row[c].size());
        out.rows.push_back(std::move(values));
      }
      return out;
    } catch (const std::exception& thrown) {
      return fail(thrown);
    }
  }

  Status exec_script(std::string_view sql) override {
    if (!connected()) JORGE_TRY_STATUS(connect());
    try {
      pqxx::nontransaction once(*connection_);
      once.exec(std::string(sql));
      return ok_status();
    } catch (const std::exception& thrown) {
      return fail(thrown);
    }
  }

  Status begin() override {
    if (broken_) rollback();
    if (!connected()) JORGE_TRY_STATUS(connect());
    try {
      transaction_.emplace(*connection_);
      return ok_status();
    } catch (const std::exception& thrown) {
      Error error = fail(thrown);
      rollback();
      return error;
    }
  }

  Status commit() override {
    if (!transaction_) return Error{ErrorCode::kInternal, "postgresql: commit without a transaction"};
    try {
      transaction_->commit();
      transaction_.reset();
      return ok_status();
    } catch (const std::exception& thrown) {
      Error error = fail(thrown);
      rollback();
      return error;
    }
  }

  void rollback() override {
    try {
      if (transaction_ && !broken_) transaction_->abort();
    } catch (const std::exception&) {
      broken_ = true;
    }
    transaction_.reset();
    if (broken_) {  // the connection is in an unknown state: start afresh next time
      connection_.reset();
      broken_ = false;
    }
  }

  bool reconnects() const override { return true; }

  Status lock_keys(const std::vector<std::string>& keys) override {
    if (keys.empty()) return ok_status();
    // One round trip for the whole batch; rows are locked in the order given.
    std::string sql = "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (VALUES ";
    std::vector<SqlValue> params;
    for (size_t i = 0; i < keys.size(); ++i) {
      sql += (i ? ", ($" : "($") + std::to_string(i + 1) + "::text, " + std::to_string(i) + ")";
      params.emplace_back(keys[i]);
    }
    sql += ") AS wanted (k, position) ORDER BY position";
    auto locked = exec(sql, params);
    if (!locked.ok()) return locked.take_error();
    return ok_status();
  }

 private:
  bool connected() const { return connection_ && connection_->is_open() && !broken_; }

  // Maps the exception; a lost connection is dropped at the next rollback (or call) and
  // reopened, so service resumes by itself once the server is back.
  Error fail(const std::exception& thrown) {
    Error error = postgres_error(thrown);
    if (error.code == ErrorCode::kUnavailable) {
      broken_ = true;
      if (!transaction_) connection_.reset();
    }
    return error;
  }

  // Each distinct SQL text is prepared once per connection: the server parses and plans it
  // once instead of on every event.
  const std::string& prepared(std::string_view sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return found->second;
    std::string name = "jorge_" + std::to_string(statements_.size() + 1);
    connection_->prepare(name, std::string(sql));
    return statements_.emplace(std::string(sql), std::move(name)).first->second;
  }

  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::string, TransparentHash, std::equal_to<>> statements_;

  std::string url_;
  std::unique_ptr<pqxx::connection> connection_;
  std::optional<pqxx::work> transaction_;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<SqlSession>> open_postgres_session(const std::string& url) {
  auto session = std::make_unique<PostgresSession>(url);
  JORGE_TRY_STATUS(session->connect());
  return std::unique_ptr<SqlSession>(std::move(session));
}

}  // namespace jorge::store::internal
