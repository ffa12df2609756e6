// The bots' conversations (store/conversations.hpp).
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Result<std::optional<StoredConversation>> SqlStore::conversation(ContactId contact) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::optional<StoredConversation>> {
    JORGE_TRY(ContactId person, person_of(session, contact));
    JORGE_TRY(SqlRows rows, session.exec("SELECT state, paused, sleep_until, automated_count, version, updated_at "
                                         "FROM conversations WHERE contact_id = $1",
                                         {person}));
    if (rows.rows.empty()) return std::optional<StoredConversation>();
    const SqlRow& row = rows.rows.front();
    StoredConversation stored;
    stored.contact = person;
    stored.state = to_text(row[0]);
    stored.paused = to_int(row[1]) != 0;
    if (row[2]) stored.sleep_until = from_unix_millis(to_int(row[2]));
    stored.automated_count = to_int(row[3]);
    stored.version = to_int(row[4]);
    stored.updated_at = from_unix_millis(to_int(row[5]));
    return std::optional<StoredConversation>(std::move(stored));
  });
}

Result<StoredMessage> SqlStore::message(int64_t interaction_id) {
  return readers_.with_session([&](SqlSession& session) -> Result<StoredMessage> {
    JORGE_TRY(SqlRows rows, session.exec("SELECT contact_id, source, external_id, direction, channel, body, occurred_at, "
                                         "author_user_id, author_source FROM interactions WHERE id = $1",
                                         {interaction_id}));
    if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "no message " + std::to_string(interaction_id)};
    const SqlRow& row = rows.rows.front();
    StoredMessage message;
    message.id = interaction_id;
    message.contact = to_int(row[0]);
    message.source = to_text(row[1]);
    message.record.external_id = to_text(row[2]);
    message.record.direction = to_text(row[3]) == "outbound" ? Direction::kOutbound : Direction::kInbound;
    message.record.channel = to_text(row[4]);
    message.record.body = to_text(row[5]);
    message.record.occurred_at = from_unix_millis(to_int(row[6]));
    message.record.author_user_id = to_text(row[7]);
    message.record.author_source = to_text(row[8]);
    return message;
  });
}

Result<std::vector<BotTurnRecord>> SqlStore::bot_turns(ContactId contact, int limit) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<BotTurnRecord>> {
    JORGE_TRY(ContactId person, person_of(session, contact));
    JORGE_TRY(SqlRows rows, session.exec("SELECT message_id, at, kind, detail FROM bot_turns WHERE contact_id = $1 "
                                         "ORDER BY at DESC, id DESC LIMIT $2",
                                         {person, int64_t{limit}}));
    std::vector<BotTurnRecord> turns;
    for (const SqlRow& row : rows.rows)
      turns.push_back({to_text(row[0]), from_unix_millis(to_int(row[1])), to_text(row[2]), to_text(row[3])});
    return turns;
  });
}

Result<BotActivity> SqlStore::bot_activity() {
  return readers_.with_session([&](SqlSession& session) -> Result<BotActivity> {
    BotActivity activity;
    JORGE_TRY(SqlRows kinds, session.exec("SELECT kind, COUNT(*) FROM bot_turns GROUP BY kind"));
    for (const SqlRow& row : kinds.rows) activity.turns[to_text(row[0])] = to_int(row[1]);
    JORGE_TRY(SqlRows handoffs, session.exec("SELECT COUNT(*) FROM bot_turns WHERE kind = 'turn' AND detail LIKE "
                                             "'%\"handoff\":%'"));
    activity.handoffs = to_int(handoffs.rows.at(0)[0]);
    JORGE_TRY(SqlRows bookings, session.exec("SELECT COUNT(*) FROM bot_turns WHERE kind = 'booking' AND detail LIKE "
                                             "'%\"outcome\":\"booked\"%'"));
    activity.bookings = to_int(bookings.rows.at(0)[0]);
    JORGE_TRY(SqlRows replies, session.exec("SELECT CASE WHEN dedup_key LIKE 'reply:%' THEN 'reply' ELSE 'follow_up' END, "
                                            "state, COUNT(*) FROM outbox WHERE dedup_key LIKE 'reply:%' OR "
                                            "dedup_key LIKE 'follow-up:%' GROUP BY 1, 2"));
    for (const SqlRow& row : replies.rows) {
      const std::string kind = to_text(row[0]), state = to_text(row[1]);
      const int64_t count = to_int(row[2]);
      if (kind == "follow_up") {
        if (state == "sent") activity.follow_ups_sent += count;
      } else if (state == "sent") {
        activity.replies_sent += count;
      } else if (state == "pending" || state == "sending") {
        activity.replies_waiting += count;
      } else if (state == "cancelled") {
        activity.replies_superseded += count;
      }
    }
    JORGE_TRY(SqlRows consent, session.exec("SELECT COUNT(*) FROM phone_consent WHERE opted_out <> 0"));
    activity.opted_out_numbers = to_int(consent.rows.at(0)[0]);
    JORGE_TRY(SqlRows latency, session.exec("SELECT o.sent_at - j.created_at FROM outbox o JOIN jobs j ON j.id = o.job_id "
                                            "WHERE o.dedup_key LIKE 'reply:%' AND o.state = 'sent' AND o.sent_at IS NOT NULL "
                                            "ORDER BY o.sent_at DESC LIMIT 1000"));
    for (const SqlRow& row : latency.rows) activity.reply_latency_seconds.push_back(static_cast<double>(to_int(row[0])) / 1000.0);
    // Every reply ever sent, counted under each bound in one pass (a histogram only grows).
    static constexpr int64_t kBoundsMs[] = {50, 100, 250, 500, 1'000, 2'500, 5'000, 10'000, 30'000, 60'000, 300'000};
    std::string sql = "SELECT COUNT(*), CAST(COALESCE(SUM(d), 0) AS BIGINT)";
    for (int64_t bound : kBoundsMs)
      sql += ", CAST(COALESCE(SUM(CASE WHEN d <= " + std::to_string(bound) + " THEN 1 ELSE 0 END), 0) AS BIGINT)";
    sql += " FROM (SELECT o.sent_at - j.created_at AS d FROM outbox o JOIN jobs j ON j.id = o.job_id WHERE o.dedup_key "
           "LIKE 'reply:%' AND o.state = 'sent' AND o.sent_at IS NOT NULL) replies";
    JORGE_TRY(SqlRows histogram, session.exec(sql));
    const SqlRow& counts = histogram.rows.at(0);
    activity.reply_latency_count = to_int(counts[0]);
    activity.reply_latency_sum = static_cast<double>(to_int(counts[1])) / 1000.0;
    for (size_t i = 0; i < std::size(kBoundsMs); ++i)
      activity.reply_latency_buckets.emplace_back(static_cast<double>(kBoundsMs[i]) / 1000.0, to_int(counts[2 + i]));
    return activity;
  });
}

Status SqlStore::write_conversation(const ConversationWrite& write, SystemTime now) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY_STATUS(session.begin());
    Status locked = lock_people(session, {write.contact});
    Status done = locked.ok() ? apply_conversation_write(session, write, to_unix_millis(now)) : locked;
    if (!done.ok()) {
      session.rollback();
      return done;
    }
    return session.commit();
  });
}

// REQUIRES: inside a transaction on `session`, the person locked.
Status SqlStore::apply_conversation_write(SqlSession& session, const ConversationWrite& write, int64_t now) {
  JORGE_TRY(ContactId person, person_of(session, write.contact));
  // The row moves only from the version the writer read: two turns of one person never
  // overwrite each other (the later one runs again on the newer state).
  JORGE_TRY(SqlRows current, session.exec("SELECT version FROM conversations WHERE contact_id = $1", {person}));
  const int64_t version = current.rows.empty() ? 0 : to_int(current.rows.front()[0]);
  if (version != write.expected_version)
    return Error{ErrorCode::kAborted, "the conversation changed meanwhile: run the turn again on the newer state"};
  const SqlValue sleep = write.sleep_until ? SqlValue{to_unix_millis(*write.sleep_until)} : SqlValue{};
  JORGE_TRY(SqlRows upserted,
            session.exec("INSERT INTO conversations (contact_id, state, paused, sleep_until, automated_count, version, "
                         "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (contact_id) DO UPDATE SET "
                         "state = excluded.state, paused = excluded.paused, sleep_until = excluded.sleep_until, "
                         "automated_count = excluded.automated_count, version = excluded.version, "
                         "updated_at = excluded.updated_at",
                         {person, write.state, int64_t{write.paused ? 1 : 0}, sleep, write.automated_count, version + 1,
                          now}));
  (void)upserted;
  for (const std::string& purpose : write.cancel_pending) {
    // The outbox keys rows "<purpose>:<person>"; a prefix ("reply:") cancels every such message.
    JORGE_TRY(SqlRows cancelled,
              session.exec("UPDATE outbox SET state = 'cancelled', last_error = $3 WHERE contact_id = $1 AND "
                           "state = 'pending' AND dedup_key LIKE $2",
                           {person, purpose + "%", std::string("superseded: ") + purpose.substr(0, purpose.find(':'))}));
    (void)cancelled;
  }
  return insert_bot_turns(session, person, write.turns);
}

Status SqlStore::insert_bot_turns(SqlSession& session, ContactId person, const std::vector<BotTurnRecord>& turns) {
  for (const BotTurnRecord& turn : turns) {
    JORGE_TRY(SqlRows inserted, session.exec("INSERT INTO bot_turns (contact_id, message_id, at, kind, detail) VALUES "
                                             "($1, $2, $3, $4, $5)",
                                             {person, turn.message_id, to_unix_millis(turn.at), turn.kind, turn.detail}));
    (void)inserted;
  }
  return ok_status();
}

Status SqlStore::finish_booking(int64_t outbox_id, const std::string& owner, SystemTime now, const std::string& remote_id,
                                const std::vector<OutboxMessage>& then, const BotTurnRecord& turn) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY_STATUS(session.begin());
    auto undo = [&](Status status) {
      session.rollback();
      return status;
    };
    Result<SqlRows> contact = session.exec("SELECT contact_id FROM outbox WHERE id = $1", {outbox_id});
    if (!contact.ok()) return undo(contact.error());
    if (contact->rows.empty()) return undo(Error{ErrorCode::kNotFound, "no outbox message " + std::to_string(outbox_id)});
    const ContactId person = to_int(contact->rows.front()[0]);
    std::vector<ContactId> people{person};
    for (const OutboxMessage& message : then) people.push_back(message.contact_id);
    if (Status locked = lock_people(session, people); !locked.ok()) return undo(locked);
    Result<SqlRows> finished = session.exec(
        "UPDATE outbox SET state = 'sent', lease_owner = NULL, sent_at = $3, remote_id = $4, last_error = '' "
        "WHERE id = $1 AND state = 'sending' AND lease_owner = $2",
        {outbox_id, owner, to_unix_millis(now), remote_id});
    if (!finished.ok()) return undo(finished.error());
    if (finished->affected == 0)
      return undo(Error{ErrorCode::kAborted, "outbox lease lost: the booking went to another sender"});
    if (Status queued = insert_outbox_messages(session, std::nullopt, to_unix_millis(now), then); !queued.ok())
      return undo(queued);
    Result<ContactId> owner_person = person_of(session, person);
    if (!owner_person.ok()) return undo(owner_person.error());
    if (Status recorded = insert_bot_turns(session, *owner_person, {turn}); !recorded.ok()) return undo(recorded);
    return session.commit();
  });
}

}  // namespace jorge::store::internal
