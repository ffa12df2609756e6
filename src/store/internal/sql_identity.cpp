// Merges, unmerges, the review queue and CRM links (store/identity_store.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Status SqlStore::link_crm_contact(ContactId contact, const std::string& source, const std::string& external_id,
                        SystemTime now) {
  auto linked = in_transaction<bool>([&](SqlSession& session) -> Result<bool> {
    // The contact may have been merged while GoHighLevel answered: the id is its person's.
    JORGE_TRY_STATUS(lock_people(session, {contact}));
    JORGE_TRY(ContactId person, person_of(session, contact));
    // raw_event_id 0: the link comes from the CRM's answer, not from a stored delivery.
    JORGE_TRY(SqlRows rows, session.exec("INSERT INTO leads (contact_id, source, external_id, received_at, raw_event_id) "
                                         "VALUES ($1, $2, $3, $4, 0) ON CONFLICT (source, external_id) DO NOTHING",
                                         {person, source, external_id, to_unix_millis(now)}));
    return rows.affected > 0;
  });
  if (!linked.ok()) return linked.error();
  return ok_status();
}

Result<std::vector<ContactFields>> SqlStore::identity_contacts() {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<ContactFields>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT id, first_name, last_name, full_name, email, phone, address, city, "
                                         "state, postal_code FROM contacts WHERE merged_into IS NULL ORDER BY id"));
    std::vector<ContactFields> contacts;
    contacts.reserve(rows.rows.size());
    for (const auto& r : rows.rows)
      contacts.push_back({to_int(r[0]), to_text(r[1]), to_text(r[2]), to_text(r[3]), to_text(r[4]), to_text(r[5]),
                          to_text(r[6]), to_text(r[7]), to_text(r[8]), to_text(r[9])});
    return contacts;
  });
}

Result<int64_t> SqlStore::merge_contacts(ContactId kept, ContactId merged, double probability, const std::string& evidence_json,
                               const std::string& decided_by, SystemTime now) {
  return in_transaction<int64_t>([&](SqlSession& session) {
    return apply_merge(session, kept, merged, probability, evidence_json, decided_by, to_unix_millis(now));
  });
}

Result<MergeRecord> SqlStore::unmerge_contact(ContactId contact, SystemTime now) {
  return in_transaction<MergeRecord>(
      [&](SqlSession& session) { return apply_unmerge(session, contact, to_unix_millis(now)); });
}

Result<std::vector<MergeRecord>> SqlStore::merges_of(ContactId contact) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<MergeRecord>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT id, kept_contact_id, merged_contact_id, probability, evidence, "
                                         "decided_by, merged_at, undone_at FROM merges WHERE kept_contact_id = $1 OR "
                                         "merged_contact_id = $1 ORDER BY id",
                                         {contact}));
    std::vector<MergeRecord> merges;
    for (const auto& r : rows.rows) {
      MergeRecord merge{to_int(r[0]), to_int(r[1]), to_int(r[2]), std::stod(to_text(r[3])), to_text(r[4]),
                        to_text(r[5]), from_unix_millis(to_int(r[6])), std::nullopt};
      if (r[7]) merge.undone_at = from_unix_millis(to_int(r[7]));
      merges.push_back(std::move(merge));
    }
    return merges;
  });
}

Status SqlStore::add_review(ContactId a, ContactId b, double probability, const std::string& evidence_json,
                  SystemTime now) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY(SqlRows rows, session.exec("INSERT INTO identity_reviews (contact_a, contact_b, probability, evidence, "
                                         "created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contact_a, contact_b) "
                                         "DO NOTHING",
                                         {std::min(a, b), std::max(a, b), probability_text(probability), evidence_json,
                                          to_unix_millis(now)}));
    (void)rows;
    return ok_status();
  });
}

IdentityReview SqlStore::review_from(const SqlRow& r) {
  return {to_int(r[0]), to_int(r[1]), to_int(r[2]), std::stod(to_text(r[3])), to_text(r[4]), to_text(r[5]),
          from_unix_millis(to_int(r[6]))};
}

Result<std::vector<IdentityReview>> SqlStore::open_reviews(int limit) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<IdentityReview>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT id, contact_a, contact_b, probability, evidence, state, created_at "
                                         "FROM identity_reviews WHERE state = 'open' ORDER BY probability DESC, id "
                                         "LIMIT $1",
                                         {int64_t{limit}}));
    std::vector<IdentityReview> reviews;
    for (const auto& r : rows.rows) reviews.push_back(review_from(r));
    return reviews;
  });
}

Result<std::optional<IdentityReview>> SqlStore::identity_review(int64_t id) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::optional<IdentityReview>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT id, contact_a, contact_b, probability, evidence, state, created_at "
                                         "FROM identity_reviews WHERE id = $1",
                                         {id}));
    if (rows.rows.empty()) return std::optional<IdentityReview>();
    return std::optional<IdentityReview>(review_from(rows.rows[0]));
  });
}

Result<std::vector<IdentityReview>> SqlStore::decided_reviews(int limit) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<IdentityReview>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT id, contact_a, contact_b, probability, evidence, state, created_at "
                                         "FROM identity_reviews WHERE state <> 'open' ORDER BY decided_at DESC LIMIT $1",
                                         {int64_t{limit}}));
    std::vector<IdentityReview> reviews;
    for (const auto& r : rows.rows) reviews.push_back(review_from(r));
    return reviews;
  });
}

Result<std::vector<MergeRecord>> SqlStore::active_merges(const std::string& decided_by) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<MergeRecord>> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT id, kept_contact_id, merged_contact_id, probability, evidence, "
                                         "decided_by, merged_at FROM merges WHERE undone_at IS NULL AND decided_by = $1 "
                                         "ORDER BY id DESC",
                                         {decided_by}));
    std::vector<MergeRecord> merges;
    for (const auto& r : rows.rows)
      merges.push_back({to_int(r[0]), to_int(r[1]), to_int(r[2]), std::stod(to_text(r[3])), to_text(r[4]),
                        to_text(r[5]), from_unix_millis(to_int(r[6])), std::nullopt});
    return merges;
  });
}

Result<IdentityReview> SqlStore::decide_review(int64_t id, const std::string& decision, SystemTime now) {
  return in_transaction<IdentityReview>([&](SqlSession& session) -> Result<IdentityReview> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT id, contact_a, contact_b, probability, evidence, state, created_at "
                                         "FROM identity_reviews WHERE id = $1",
                                         {id}));
    if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "no review " + std::to_string(id)};
    IdentityReview review = review_from(rows.rows[0]);
    if (review.state != "open")
      return Error{ErrorCode::kFailedPrecondition, "review " + std::to_string(id) + " was decided already (" +
                                                       review.state + ")"};
    JORGE_TRY(SqlRows set, session.exec("UPDATE identity_reviews SET state = $2, decided_at = $3 WHERE id = $1",
                                        {id, decision, to_unix_millis(now)}));
    (void)set;
    review.state = decision;
    return review;
  });
}

}  // namespace jorge::store::internal
