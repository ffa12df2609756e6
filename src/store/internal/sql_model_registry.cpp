// Model versions, activation and rollback (store/model_registry.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Status SqlStore::add_model(const ModelRecord& model) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY(SqlRows existing, session.exec("SELECT body FROM models WHERE version = $1", {model.version}));
    if (!existing.rows.empty()) {
      if (to_text(existing.rows[0][0]) == model.body) return ok_status();
      return Error{ErrorCode::kAlreadyExists, "a different model is registered as " + model.version};
    }
    JORGE_TRY(SqlRows inserted,
              session.exec("INSERT INTO models (version, kind, created_at, data_sha256, metrics, body, active) "
                           "VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (version) DO NOTHING",
                           {model.version, model.kind, to_unix_millis(model.created_at), model.data_sha256,
                            model.metrics_json, model.body}));
    (void)inserted;
    return ok_status();
  });
}

Result<std::vector<ModelRecord>> SqlStore::list_models() {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<ModelRecord>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT version, kind, created_at, data_sha256, metrics, active FROM models "
                                         "ORDER BY created_at DESC, version"));
    std::vector<ModelRecord> models;
    for (const SqlRow& row : rows.rows) {
      ModelRecord model;
      model.version = to_text(row[0]);
      model.kind = to_text(row[1]);
      model.created_at = from_unix_millis(to_int(row[2]));
      model.data_sha256 = to_text(row[3]);
      model.metrics_json = to_text(row[4]);
      model.active = to_int(row[5]) != 0;
      models.push_back(std::move(model));
    }
    return models;
  });
}

Status SqlStore::activate_model(const std::string& version, SystemTime now) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY_STATUS(session.begin());
    auto change = [&]() -> Status {
      JORGE_TRY(SqlRows found, session.exec("SELECT 1 FROM models WHERE version = $1", {version}));
      if (found.rows.empty()) return Error{ErrorCode::kNotFound, "no model " + version + " (jorge models list)"};
      JORGE_TRY(SqlRows off, session.exec("UPDATE models SET active = 0 WHERE active = 1 AND version <> $1", {version}));
      JORGE_TRY(SqlRows on, session.exec("UPDATE models SET active = 1 WHERE version = $1", {version}));
      JORGE_TRY(SqlRows logged, session.exec("INSERT INTO model_activations (version, activated_at) VALUES ($1, $2)",
                                             {version, to_unix_millis(now)}));
      (void)off, (void)on, (void)logged;
      return ok_status();
    };
    Status changed = change();
    if (!changed.ok()) {
      session.rollback();
      return changed;
    }
    return session.commit();
  });
}

Result<std::string> SqlStore::rollback_model(SystemTime now) {
  JORGE_TRY(std::string current, active_model_version());
  JORGE_TRY(std::string previous, readers_.with_session([&](SqlSession& session) -> Result<std::string> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT version FROM model_activations WHERE version <> $1 "
                                         "ORDER BY id DESC LIMIT 1",
                                         {current}));
    if (rows.rows.empty())
      return Error{ErrorCode::kFailedPrecondition, "no earlier model to roll back to (jorge models list)"};
    return to_text(rows.rows[0][0]);
  }));
  JORGE_TRY_STATUS(activate_model(previous, now));
  return previous;
}

Result<std::optional<ModelRecord>> SqlStore::active_model() {
  return readers_.with_session([&](SqlSession& session) -> Result<std::optional<ModelRecord>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT version, kind, created_at, data_sha256, metrics, body FROM models "
                                         "WHERE active = 1"));
    if (rows.rows.empty()) return std::optional<ModelRecord>();
    const SqlRow& row = rows.rows[0];
    ModelRecord model{to_text(row[0]), to_text(row[1]), to_text(row[3]), to_text(row[4]), to_text(row[5]),
                      from_unix_millis(to_int(row[2])), true};
    return std::optional<ModelRecord>(std::move(model));
  });
}

Result<std::string> SqlStore::active_model_version() {
  return readers_.with_session([&](SqlSession& session) -> Result<std::string> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT version FROM models WHERE active = 1"));
    return rows.rows.empty() ? std::string() : to_text(rows.rows[0][0]);
  });
}

}  // namespace jorge::store::internal
