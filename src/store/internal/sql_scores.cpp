// Every score given, with its model version (store/scores.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Status SqlStore::save_lead_score(const LeadScoreRecord& score) {
  return readers_.with_session([&](SqlSession& session) -> Status { return insert_lead_score(session, score); });
}

Result<std::optional<LeadScoreRecord>> SqlStore::latest_lead_score(ContactId contact) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::optional<LeadScoreRecord>> {
    JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kScoreColumns +
                                             " FROM lead_scores WHERE contact_id = $1 ORDER BY scored_at DESC, id DESC "
                                             "LIMIT 1",
                                         {contact}));
    if (rows.rows.empty()) return std::optional<LeadScoreRecord>();
    return std::optional<LeadScoreRecord>(score_from(rows.rows[0]));
  });
}

Result<std::vector<LeadScoreRecord>> SqlStore::lead_scores_since(SystemTime since, int limit) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<LeadScoreRecord>> {
    JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kScoreColumns +
                                             " FROM lead_scores WHERE scored_at >= $1 ORDER BY scored_at DESC LIMIT $2",
                                         {to_unix_millis(since), int64_t{limit}}));
    std::vector<LeadScoreRecord> scores;
    for (const SqlRow& row : rows.rows) scores.push_back(score_from(row));
    return scores;
  });
}

Status SqlStore::insert_lead_score(SqlSession& session, const LeadScoreRecord& score) {
  char number[32];
  std::snprintf(number, sizeof number, "%.4f", score.score);
  JORGE_TRY(SqlRows inserted,
            session.exec("INSERT INTO lead_scores (contact_id, model_version, score, quality, reasons, features, "
                         "scored_at) VALUES ($1, $2, CAST($3 AS DOUBLE PRECISION), $4, $5, $6, $7)",
                         {score.contact_id, score.model_version, std::string(number), score.quality,
                          score.reasons_json, score.features_json, to_unix_millis(score.scored_at)}));
  (void)inserted;
  return ok_status();
}

LeadScoreRecord SqlStore::score_from(const SqlRow& row) {
  LeadScoreRecord score;
  score.contact_id = to_int(row[0]);
  score.model_version = to_text(row[1]);
  score.score = std::strtod(to_text(row[2]).c_str(), nullptr);
  score.quality = to_text(row[3]);
  score.reasons_json = to_text(row[4]);
  score.features_json = to_text(row[5]);
  score.scored_at = from_unix_millis(to_int(row[6]));
  return score;
}

}  // namespace jorge::store::internal
