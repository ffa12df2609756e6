#pragma once
// Merging two contacts and undoing it. REQUIRES: inside a transaction on `session`; on error
// the caller rolls back.
#include "store/internal/sql_session.hpp"
#include "store/store.hpp"

namespace jorge::store::internal {

Result<int64_t> apply_merge(SqlSession& session, ContactId kept, ContactId merged, double probability,
                            const std::string& evidence_json, const std::string& decided_by, int64_t now);
Result<MergeRecord> apply_unmerge(SqlSession& session, ContactId contact, int64_t now);
// A probability as SQL text (the session binds text and integers only).
std::string probability_text(double probability);

}  // namespace jorge::store::internal
