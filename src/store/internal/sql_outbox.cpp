// Messages and CRM updates waiting to go out (store/outbox.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Result<std::vector<OutboxMessage>> SqlStore::claim_outbox(const std::string& owner, SystemTime now, SystemTime lease_until,
                                                int max_messages) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<OutboxMessage>> {
    int64_t now_ms = to_unix_millis(now);
    // A lease that ran out mid-send: the message goes back to pending; if it was marked as
    // attempted (attempted_at), its next sender reconciles before sending.
    JORGE_TRY(SqlRows expired, session.exec("UPDATE outbox SET state = 'pending', lease_owner = NULL "
                                            "WHERE state = 'sending' AND lease_until < $1",
                                            {now_ms}));
    (void)expired;
    std::string sql =
        std::string("UPDATE outbox SET state = 'sending', lease_owner = $1, lease_until = $2, attempts = attempts + 1 "
                    "WHERE id IN (SELECT id FROM outbox WHERE state = "
                    "'pending' AND due_at <= $3 ORDER BY priority, due_at, id LIMIT $4") +
        (backend_ == Backend::kPostgres ? " FOR UPDATE SKIP LOCKED" : "") + ") RETURNING " + kOutboxColumns +
        ", CASE WHEN attempted_at IS NULL THEN 0 ELSE 1 END";
    JORGE_TRY(SqlRows rows, session.exec(sql, {owner, to_unix_millis(lease_until), now_ms, int64_t{max_messages}}));
    std::vector<OutboxMessage> messages = outbox_from(rows);
    std::sort(messages.begin(), messages.end(), [](const OutboxMessage& a, const OutboxMessage& b) {
      return std::tie(a.priority, a.due_at, a.id) < std::tie(b.priority, b.due_at, b.id);
    });
    return messages;
  });
}

Status SqlStore::mark_outbox_attempt(int64_t id, const std::string& owner, SystemTime now, SystemTime lease_until) {
  // #15: the number's consent is checked again in the very statement that marks the attempt,
  // so a STOP committed after the sender's first look still stops this text.
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY(SqlRows marked,
              session.exec("UPDATE outbox SET attempted_at = $3, lease_until = $4 "
                           "WHERE id = $1 AND state = 'sending' AND lease_owner = $2 AND (kind <> 'sms' OR NOT EXISTS "
                           "(SELECT 1 FROM contacts c JOIN phone_consent p ON p.phone = c.phone "
                           "WHERE c.id = outbox.contact_id AND p.opted_out <> 0))",
                           {id, owner, to_unix_millis(now), to_unix_millis(lease_until)}));
    if (marked.affected > 0) return ok_status();
    JORGE_TRY(SqlRows blocked, session.exec("UPDATE outbox SET state = 'blocked', lease_owner = NULL, "
                                            "last_error = 'opted out' WHERE id = $1 AND state = 'sending' AND "
                                            "lease_owner = $2",
                                            {id, owner}));
    if (blocked.affected > 0) return Error{ErrorCode::kFailedPrecondition, "the number opted out: not sent"};
    return Error{ErrorCode::kAborted, "outbox lease lost: the message went to another sender"};
  });
}

Status SqlStore::finish_outbox(int64_t id, const std::string& owner, OutboxOutcome outcome, SystemTime now,
                     const std::string& remote_id, const std::string& conversation_id,
                     const std::string& note) {
  const char* state = outcome == OutboxOutcome::kSent ? "sent" : (outcome == OutboxOutcome::kDead ? "dead" : "blocked");
  return leased_update("UPDATE outbox SET state = $3, lease_owner = NULL, sent_at = $4, remote_id = $5, "
                       "conversation_id = COALESCE(CAST($6 AS TEXT), conversation_id), last_error = $7 "
                       "WHERE id = $1 AND state = 'sending' AND lease_owner = $2",
                       {id, owner, std::string(state), to_unix_millis(now), remote_id,
                        conversation_id.empty() ? SqlValue{} : SqlValue{conversation_id}, note});
}

Status SqlStore::postpone_outbox(int64_t id, const std::string& owner, SystemTime due_at, bool counts_as_attempt,
                       const std::string& note) {
  return leased_update(counts_as_attempt
                           ? "UPDATE outbox SET state = 'pending', lease_owner = NULL, due_at = $3, last_error = $4 "
                             "WHERE id = $1 AND state = 'sending' AND lease_owner = $2"
                           : "UPDATE outbox SET state = 'pending', lease_owner = NULL, due_at = $3, last_error = $4, "
                             "attempts = attempts - 1 WHERE id = $1 AND state = 'sending' AND lease_owner = $2",
                       {id, owner, to_unix_millis(due_at), note});
}

Result<std::vector<OutboxMessage>> SqlStore::outbox_for_contact(ContactId contact) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<OutboxMessage>> {
    JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kOutboxColumns +
                                             ", 0 FROM outbox WHERE contact_id = $1 ORDER BY id",
                                         {contact}));
    return outbox_from(rows);
  });
}

Result<std::vector<OutboxMessage>> SqlStore::dead_outbox(int limit) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<OutboxMessage>> {
    JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kOutboxColumns +
                                             ", 0 FROM outbox WHERE state = 'dead' ORDER BY id LIMIT $1",
                                         {int64_t{limit}}));
    return outbox_from(rows);
  });
}

Status SqlStore::revive_outbox(int64_t id, SystemTime now) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY(SqlRows rows, session.exec("UPDATE outbox SET state = 'pending', attempts = 0, due_at = $2 "
                                         "WHERE id = $1 AND state = 'dead'",
                                         {id, to_unix_millis(now)}));
    if (rows.affected == 0) return Error{ErrorCode::kNotFound, "no dead message " + std::to_string(id)};
    return ok_status();
  });
}

std::vector<OutboxMessage> SqlStore::outbox_from(const SqlRows& rows) {
  std::vector<OutboxMessage> messages;
  for (const SqlRow& row : rows.rows) {
    OutboxMessage message;
    message.id = to_int(row[0]);
    std::string kind = to_text(row[1]);
    message.kind = kind == "tags"             ? OutboxKind::kTags
                   : kind == "upsert_contact" ? OutboxKind::kUpsertContact
                   : kind == "compliance_sms" ? OutboxKind::kComplianceSms
                   : kind == "task"           ? OutboxKind::kTask
                   : kind == "note"           ? OutboxKind::kNote
                   : kind == "booking"        ? OutboxKind::kBooking
                   : kind == "notify"         ? OutboxKind::kNotify
                                              : OutboxKind::kSms;
    message.contact_id = to_int(row[2]);
    message.external_contact_id = to_text(row[3]);
    message.priority = static_cast<int>(to_int(row[4]));
    message.payload = to_text(row[5]);
    message.due_at = from_unix_millis(to_int(row[6]));
    message.attempts = static_cast<int>(to_int(row[7]));
    message.conversation_id = to_text(row[8]);
    message.state = parse_outbox_state(to_text(row[9]));
    message.last_error = to_text(row[10]);
    // The key is "<purpose>:<person>": the purpose is what the writer named it.
    const std::string key = to_text(row[11]);
    message.purpose = key.substr(0, key.rfind(':') == std::string::npos ? 0 : key.rfind(':'));
    message.attempted_before = to_int(row[12]) != 0;
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace jorge::store::internal
