#include "store/internal/merge_transaction.hpp"

#include "core/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace jorge::store::internal {
namespace {

using nlohmann::json;

// Tables whose rows belong to a contact, moved as a whole by a merge (ids kept for undo).
constexpr const char* kOwnedTables[] = {"leads", "interactions", "opportunities", "lead_scores", "jobs", "outbox",
                                        "raw_events", "stage_changes"};
constexpr const char* kFilledColumns[] = {"first_name", "last_name", "full_name", "email", "phone", "address",
                                          "city", "state", "postal_code", "country"};

std::string text_of(const std::optional<std::string>& value) { return value.value_or(""); }

}  // namespace

std::string probability_text(double probability) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", probability);
  return text;
}

std::string outbox_dedup_key(std::string_view purpose, ContactId person) {
  return std::string(purpose) + ":" + std::to_string(person);
}

Result<ContactId> person_of(SqlSession& session, ContactId contact) {
  // Merges chain (B into A, later A into C): the contact that stands for the person is at the end.
  for (int hop = 0; hop < 64; ++hop) {
    JORGE_TRY(SqlRows rows, session.exec("SELECT merged_into FROM contacts WHERE id = $1", {contact}));
    if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "no contact " + std::to_string(contact)};
    if (!rows.rows[0][0]) return contact;
    contact = std::stoll(*rows.rows[0][0]);
  }
  return Error{ErrorCode::kInternal, "contact " + std::to_string(contact) + " is merged in a chain of over 64 merges"};
}

Status lock_people(SqlSession& session, std::vector<ContactId> people) {
  std::vector<std::string> keys;
  for (ContactId person : people) keys.push_back("contact:" + std::to_string(person));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return session.lock_keys(keys);
}

namespace {

// A row no sender has touched yet: cancelling it stops it for sure (the sender's attempt mark
// requires the state it had).
constexpr const char* kUntouched = "state IN ('pending', 'sending') AND attempted_at IS NULL";

// #16: the merged contact's keyed automated messages (first text, its tags, the upsert) become
// the kept contact's. Where both have one for the same purpose, the one nobody has sent or
// started to send is cancelled, so the person gets one; where only the merged contact has
// one, it is re-keyed to the kept contact, so no later job writes a second. Returns what undo
// needs: the cancelled rows and the old keys.
Result<json> settle_keyed_messages(SqlSession& session, ContactId kept, ContactId merged) {
  json cancelled = json::array(), rekeyed = json::array();
  JORGE_TRY(SqlRows keyed, session.exec("SELECT id, dedup_key FROM outbox WHERE contact_id = $1 AND dedup_key IS NOT NULL "
                                        "ORDER BY id",
                                        {merged}));
  const std::string suffix = ":" + std::to_string(merged);
  for (const auto& row : keyed.rows) {
    const int64_t id = std::stoll(text_of(row[0]));
    const std::string key = text_of(row[1]);
    if (key.size() <= suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string kept_key = outbox_dedup_key(key.substr(0, key.size() - suffix.size()), kept);
    // The kept contact's copy greets the person when it was sent or may still go (an attempt
    // with an unknown outcome included).
    JORGE_TRY(SqlRows twin, session.exec("SELECT id, CASE WHEN state IN ('sent', 'pending', 'sending') THEN 1 ELSE 0 END "
                                         "FROM outbox WHERE dedup_key = $1",
                                         {kept_key}));
    if (twin.rows.empty()) {
      JORGE_TRY(SqlRows moved, session.exec("UPDATE outbox SET dedup_key = $2 WHERE id = $1", {id, kept_key}));
      (void)moved;
      rekeyed.push_back({id, key});
      continue;
    }
    // The kept contact's copy blocked or given up greets nobody: this one stays as it is.
    if (text_of(twin.rows[0][1]) != "1") continue;
    const int64_t twin_id = std::stoll(text_of(twin.rows[0][0]));
    const std::string why = "merged into " + std::to_string(kept);
    JORGE_TRY(SqlRows mine, session.exec(std::string("UPDATE outbox SET state = 'cancelled', lease_owner = NULL, "
                                                     "last_error = $2 WHERE id = $1 AND ") + kUntouched,
                                         {id, why}));
    if (mine.affected > 0) {
      cancelled.push_back(id);
      continue;
    }
    // This one was sent or may have been: the kept contact's untouched copy is the one to stop.
    JORGE_TRY(SqlRows theirs, session.exec(std::string("UPDATE outbox SET state = 'cancelled', lease_owner = NULL, "
                                                       "last_error = $2 WHERE id = $1 AND ") + kUntouched,
                                           {twin_id, "already sent to contact " + std::to_string(merged) + ", " + why}));
    if (theirs.affected > 0) cancelled.push_back(twin_id);
  }
  return json{{"cancelled", cancelled}, {"rekeyed", rekeyed}};
}

}  // namespace

Result<int64_t> apply_merge(SqlSession& session, ContactId kept, ContactId merged, double probability,
                            const std::string& evidence_json, const std::string& decided_by, int64_t now) {
  if (kept == merged) return Error{ErrorCode::kInvalidArgument, "a contact cannot be merged with itself"};
  // A job writing a text for either of them waits for this merge, and then sees it (#16).
  JORGE_TRY_STATUS(lock_people(session, {kept, merged}));
  JORGE_TRY(SqlRows both, session.exec("SELECT id, merged_into FROM contacts WHERE id IN ($1, $2)", {kept, merged}));
  if (both.rows.size() != 2) return Error{ErrorCode::kNotFound, "both contacts must exist"};
  for (const auto& row : both.rows)
    if (row[1]) return Error{ErrorCode::kFailedPrecondition, "contact " + text_of(row[0]) + " is already merged"};

  json snapshot = json::object();
  JORGE_TRY(SqlRows stamps, session.exec("SELECT id, updated_at FROM contacts WHERE id IN ($1, $2)", {kept, merged}));
  for (const auto& row : stamps.rows)
    snapshot[std::stoll(text_of(row[0])) == kept ? "kept_updated_at" : "merged_updated_at"] = std::stoll(text_of(row[1]));
  JORGE_TRY(snapshot["outbox_keys"], settle_keyed_messages(session, kept, merged));
  for (const char* table : kOwnedTables) {
    JORGE_TRY(SqlRows ids, session.exec(std::string("SELECT id FROM ") + table + " WHERE contact_id = $1", {merged}));
    json list = json::array();
    for (const auto& row : ids.rows) list.push_back(std::stoll(text_of(row[0])));
    snapshot[table] = list;
    JORGE_TRY(SqlRows moved, session.exec(std::string("UPDATE ") + table + " SET contact_id = $1 WHERE contact_id = $2",
                                          {kept, merged}));
    (void)moved;
  }
  // Custom fields: those the kept contact lacks (per source and key) move; the rest stay.
  JORGE_TRY(SqlRows fields, session.exec("SELECT source, field_key FROM custom_fields m WHERE contact_id = $1 AND NOT "
                                         "EXISTS (SELECT 1 FROM custom_fields k WHERE k.contact_id = $2 AND "
                                         "k.source = m.source AND k.field_key = m.field_key)",
                                         {merged, kept}));
  json moved_fields = json::array();
  for (const auto& row : fields.rows) {
    moved_fields.push_back({text_of(row[0]), text_of(row[1])});
    JORGE_TRY(SqlRows moved, session.exec("UPDATE custom_fields SET contact_id = $1 WHERE contact_id = $2 AND "
                                          "source = $3 AND field_key = $4",
                                          {kept, merged, text_of(row[0]), text_of(row[1])}));
    (void)moved;
  }
  snapshot["custom_fields"] = moved_fields;
  // The kept contact's empty fields take the merged one's values; undo empties them again.
  json filled = json::array();
  for (const char* column : kFilledColumns) {
    std::string empty = std::string("(k.") + column + " IS NULL OR k." + column + " = '')";
    JORGE_TRY(SqlRows value, session.exec(std::string("SELECT m.") + column + " FROM contacts k, contacts m WHERE k.id = $1 "
                                              "AND m.id = $2 AND " + empty + " AND m." + column + " IS NOT NULL AND m." +
                                              column + " <> ''",
                                          {kept, merged}));
    if (value.rows.empty()) continue;
    filled.push_back(column);
    JORGE_TRY(SqlRows set, session.exec(std::string("UPDATE contacts SET ") + column + " = $1 WHERE id = $2",
                                        {text_of(value.rows[0][0]), kept}));
    (void)set;
  }
  snapshot["filled"] = filled;
  JORGE_TRY(SqlRows hidden, session.exec("UPDATE contacts SET merged_into = $1, updated_at = $3 WHERE id = $2",
                                         {kept, merged, now}));
  JORGE_TRY(SqlRows touched, session.exec("UPDATE contacts SET updated_at = $2 WHERE id = $1", {kept, now}));
  (void)hidden, (void)touched;
  JORGE_TRY(SqlRows inserted,
            session.exec("INSERT INTO merges (kept_contact_id, merged_contact_id, probability, evidence, snapshot, "
                         "decided_by, merged_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                         {kept, merged, probability_text(probability), evidence_json, snapshot.dump(), decided_by, now}));
  return std::stoll(text_of(inserted.rows.at(0)[0]));
}

Result<MergeRecord> apply_unmerge(SqlSession& session, ContactId contact, int64_t now) {
  JORGE_TRY(SqlRows rows, session.exec("SELECT id, kept_contact_id, merged_contact_id, probability, evidence, snapshot, "
                                       "decided_by, merged_at FROM merges WHERE undone_at IS NULL AND "
                                       "(kept_contact_id = $1 OR merged_contact_id = $1) ORDER BY id DESC LIMIT 1",
                                       {contact}));
  if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "contact " + std::to_string(contact) + " has no merge to undo"};
  const auto& row = rows.rows[0];
  MergeRecord merge;
  merge.id = std::stoll(text_of(row[0]));
  merge.kept = std::stoll(text_of(row[1]));
  merge.merged = std::stoll(text_of(row[2]));
  merge.probability = std::stod(text_of(row[3]));
  merge.evidence = text_of(row[4]);
  merge.decided_by = text_of(row[6]);
  merge.merged_at = from_unix_millis(std::stoll(text_of(row[7])));
  // A later merge into the kept contact must be undone first: its snapshot assumes this one.
  JORGE_TRY(SqlRows later, session.exec("SELECT id FROM merges WHERE undone_at IS NULL AND id > $1 AND "
                                        "(kept_contact_id = $2 OR merged_contact_id = $2)",
                                        {merge.id, merge.kept}));
  if (!later.rows.empty())
    return Error{ErrorCode::kFailedPrecondition, "undo merge " + text_of(later.rows[0][0]) + " of contact " +
                                                     std::to_string(merge.kept) + " first"};
  json snapshot = parse_json(text_of(row[5]));
  if (!snapshot.is_object()) return Error{ErrorCode::kInternal, "merge " + std::to_string(merge.id) + " has no snapshot"};
  for (const char* table : kOwnedTables)
    for (const auto& id : snapshot.value(table, json::array())) {
      JORGE_TRY(SqlRows back, session.exec(std::string("UPDATE ") + table + " SET contact_id = $1 WHERE id = $2",
                                           {merge.merged, id.get<int64_t>()}));
      (void)back;
    }
  // The restored contact's messages keep their own keys again; cancelled ones stay cancelled:
  // after an unmerge a contact is greeted only if neither side ever was.
  const json keys = snapshot.value("outbox_keys", json::object());
  for (const auto& entry : keys.value("rekeyed", json::array())) {
    JORGE_TRY(SqlRows back, session.exec("UPDATE outbox SET dedup_key = $2 WHERE id = $1",
                                         {entry[0].get<int64_t>(), entry[1].get<std::string>()}));
    (void)back;
  }
  for (const auto& field : snapshot.value("custom_fields", json::array())) {
    JORGE_TRY(SqlRows back, session.exec("UPDATE custom_fields SET contact_id = $1 WHERE contact_id = $2 AND source = $3 "
                                         "AND field_key = $4",
                                         {merge.merged, merge.kept, field[0].get<std::string>(), field[1].get<std::string>()}));
    (void)back;
  }
  for (const auto& column : snapshot.value("filled", json::array())) {
    std::string name = column.is_string() ? column.get<std::string>() : "";
    if (std::find(std::begin(kFilledColumns), std::end(kFilledColumns), name) == std::end(kFilledColumns)) continue;
    bool nullable = name == "email" || name == "phone";
    JORGE_TRY(SqlRows cleared, session.exec("UPDATE contacts SET " + name + " = " + (nullable ? "NULL" : "''") +
                                                " WHERE id = $1",
                                            {merge.kept}));
    (void)cleared;
  }
  // Both contacts as they were, their last-change times included.
  JORGE_TRY(SqlRows shown, session.exec("UPDATE contacts SET merged_into = NULL, updated_at = $2 WHERE id = $1",
                                        {merge.merged, snapshot.value("merged_updated_at", now)}));
  JORGE_TRY(SqlRows stamped, session.exec("UPDATE contacts SET updated_at = $2 WHERE id = $1",
                                          {merge.kept, snapshot.value("kept_updated_at", now)}));
  (void)stamped;
  JORGE_TRY(SqlRows done, session.exec("UPDATE merges SET undone_at = $2 WHERE id = $1", {merge.id, now}));
  (void)shown, (void)done;
  merge.undone_at = from_unix_millis(now);
  return merge;
}

}  // namespace jorge::store::internal
