#pragma once
// Merging two contacts and undoing it. REQUIRES: inside a transaction on `session`; on error
// the caller rolls back.
#include "store/internal/sql_session.hpp"
#include "store/store.hpp"

namespace jorge::store::internal {

Result<int64_t> apply_merge(SqlSession& session, ContactId kept, ContactId merged, double probability,
                            const std::string& evidence_json, const std::string& decided_by, int64_t now);
Result<MergeRecord> apply_unmerge(SqlSession& session, ContactId contact, int64_t now);
// The contact that stands for `contact`'s person: itself, or where its merges lead.
Result<ContactId> person_of(SqlSession& session, ContactId contact);
// Serialises transactions that write texts for, or merge, these contacts (PostgreSQL: advisory
// locks in one global order; SQLite has one writer anyway).
Status lock_people(SqlSession& session, std::vector<ContactId> people);
// The outbox key of one logical message of a person: "<purpose>:<contact>" (#16).
std::string outbox_dedup_key(std::string_view purpose, ContactId person);
// A probability as SQL text (the session binds text and integers only).
std::string probability_text(double probability);

}  // namespace jorge::store::internal
