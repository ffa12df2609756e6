// The durable job queue with leases (store/jobs.hpp).
#include <algorithm>
#include <tuple>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/sql_store_impl.hpp"

namespace jorge::store::internal {

Result<std::vector<Job>> SqlStore::claim_jobs(const std::string& owner, SystemTime now, SystemTime lease_until,
                                    int max_jobs, JobKind kind) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<Job>> {
    int64_t now_ms = to_unix_millis(now);
    // Leases that ran out belong to workers presumed dead: their jobs are ready again.
    JORGE_TRY(SqlRows expired, session.exec("UPDATE jobs SET state = 'ready', lease_owner = NULL "
                                            "WHERE state = 'running' AND lease_until < $1",
                                            {now_ms}));
    (void)expired;
    // SKIP LOCKED: concurrent claimers on PostgreSQL pass over rows another claim holds.
    std::string sql = std::string(
                          "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, started_at = $3, "
                          "attempts = attempts + 1 WHERE id IN (SELECT id FROM jobs WHERE kind = $5 AND state = 'ready' "
                          "AND run_at <= $3 ORDER BY priority, run_at, id LIMIT $4") +
                      (backend_ == Backend::kPostgres ? " FOR UPDATE SKIP LOCKED" : "") +
                      ") RETURNING " + kJobColumns;
    JORGE_TRY(SqlRows rows, session.exec(sql, {owner, to_unix_millis(lease_until), now_ms, int64_t{max_jobs},
                                               std::string(job_kind_name(kind))}));
    std::vector<Job> jobs = jobs_from(rows);
    std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
      return std::tie(a.priority, a.run_at, a.id) < std::tie(b.priority, b.run_at, b.id);
    });
    return jobs;
  });
}

Status SqlStore::complete_job(int64_t id, const std::string& owner, SystemTime now) {
  return leased_update("UPDATE jobs SET state = 'done', lease_owner = NULL, completed_at = $3 "
                       "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                       {id, owner, to_unix_millis(now)});
}

Status SqlStore::retry_job(int64_t id, const std::string& owner, SystemTime run_at, const std::string& error) {
  return leased_update("UPDATE jobs SET state = 'ready', lease_owner = NULL, run_at = $3, last_error = $4 "
                       "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                       {id, owner, to_unix_millis(run_at), error});
}

Status SqlStore::bury_job(int64_t id, const std::string& owner, SystemTime now, const std::string& error) {
  return leased_update("UPDATE jobs SET state = 'dead', lease_owner = NULL, completed_at = $3, last_error = $4 "
                       "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                       {id, owner, to_unix_millis(now), error});
}

Result<std::vector<Job>> SqlStore::dead_jobs(int limit) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<Job>> {
    JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kJobColumns +
                                             " FROM jobs WHERE state = 'dead' ORDER BY id LIMIT $1",
                                         {int64_t{limit}}));
    return jobs_from(rows);
  });
}

Status SqlStore::revive_job(int64_t id, SystemTime now) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY(SqlRows rows, session.exec("UPDATE jobs SET state = 'ready', attempts = 0, run_at = $2, "
                                         "completed_at = NULL WHERE id = $1 AND state = 'dead'",
                                         {id, to_unix_millis(now)}));
    if (rows.affected == 0) return Error{ErrorCode::kNotFound, "no dead job " + std::to_string(id)};
    return ok_status();
  });
}

Result<QueueCounts> SqlStore::queue_counts(SystemTime window_start) {
  return readers_.with_session([&](SqlSession& session) -> Result<QueueCounts> {
    QueueCounts counts;
    JORGE_TRY(SqlRows tiers, session.exec("SELECT priority, COUNT(*), MIN(created_at) FROM jobs "
                                          "WHERE state IN ('ready', 'running') GROUP BY priority"));
    for (const SqlRow& row : tiers.rows) {
      int64_t priority = std::clamp<int64_t>(to_int(row[0]), 0, 2);
      counts.by_priority[priority].depth += to_int(row[1]);
      if (row[2]) counts.by_priority[priority].oldest = from_unix_millis(to_int(row[2]));
    }
    JORGE_TRY(SqlRows done, session.exec("SELECT COUNT(*), AVG(completed_at - started_at) FROM jobs "
                                         "WHERE completed_at >= $1 AND state = 'done'",
                                         {to_unix_millis(window_start)}));
    counts.completed_in_window = to_int(done.rows.at(0)[0]);
    if (done.rows[0][1]) counts.mean_service_seconds = std::strtod(done.rows[0][1]->c_str(), nullptr) / 1000.0;
    JORGE_TRY(SqlRows dead, session.exec("SELECT COUNT(*) FROM jobs WHERE state = 'dead'"));
    counts.dead = to_int(dead.rows.at(0)[0]);
    // Reasons are the sender's and the store's own words (pipeline/outbox_sender.cpp,
    // ingest_transaction.cpp, merge_transaction.cpp); a dead letter's reason is free text,
    // so only those that compliance made are counted.
    JORGE_TRY(SqlRows outbox, session.exec(
                                  "SELECT state, CASE WHEN state = 'pending' AND dedup_key LIKE 'follow-up:%' AND "
                                  "due_at > $1 THEN 'follow_up' "
                                  "WHEN last_error = 'quiet hours' THEN 'quiet_hours' "
                                  "WHEN last_error = 'opted out' THEN 'opted_out' "
                                  "WHEN last_error = 'do not disturb' THEN 'dnd' "
                                  "WHEN last_error LIKE 'Florida%' THEN 'florida_limit' "
                                  "WHEN last_error LIKE 'time zone unknown%' THEN 'time_zone_unknown' "
                                  "WHEN last_error LIKE 'no hour is allowed%' THEN 'no_common_window' "
                                  "WHEN last_error LIKE 'merged into%' OR last_error LIKE 'already sent to contact%' "
                                  "THEN 'merged_duplicate' ELSE '' END AS rule, COUNT(*) FROM outbox "
                                  "WHERE state IN ('pending', 'sending', 'blocked', 'cancelled', 'dead') "
                                  "GROUP BY state, rule",
                                  {to_unix_millis(clock_.now())}));
    for (const SqlRow& row : outbox.rows) {
      const std::string state = to_text(row[0]), rule = to_text(row[1]);
      const int64_t count = to_int(row[2]);
      if (rule == "follow_up") {  // a bot's follow-up waiting for its day: scheduled, not held
        counts.outbox_follow_ups += count;
        continue;
      }
      if (!rule.empty()) counts.outbox_held_by_rule[rule] += count;
      if (state == "blocked") counts.outbox_blocked += count;
      else if (state == "pending" || state == "sending") {
        if (rule == "quiet_hours") counts.outbox_held_quiet_hours += count;
        else counts.outbox_pending += count;
      }
    }
    return counts;
  });
}

Result<std::vector<bool>> SqlStore::complete_jobs_with(const std::string& owner, SystemTime now,
                                            const std::vector<std::pair<int64_t, JobEffects>>& jobs) {
  return readers_.with_session([&](SqlSession& session) -> Result<std::vector<bool>> {
    JORGE_TRY_STATUS(session.begin());
    // #16: a merge of any of these people waits for this batch, or this batch for it.
    std::vector<ContactId> people;
    for (const auto& [job_id, effects] : jobs) {
      for (const OutboxMessage& message : effects.messages) people.push_back(message.contact_id);
      if (effects.conversation) people.push_back(effects.conversation->contact);
    }
    if (Status locked = lock_people(session, people); !locked.ok()) {
      session.rollback();
      return locked.error();
    }
    std::vector<bool> completed;
    for (const auto& [job_id, effects] : jobs) {
      Status done = apply_job_effects(session, job_id, owner, to_unix_millis(now), effects);
      // A lost lease is found before anything of that job is written: the others go on.
      if (!done.ok() && done.error().code != ErrorCode::kAborted) {
        session.rollback();
        return done.error();
      }
      completed.push_back(done.ok());
    }
    JORGE_TRY_STATUS(session.commit());
    return completed;
  });
}

// REQUIRES: inside a transaction on `session`.
Status SqlStore::apply_job_effects(SqlSession& session, int64_t job_id, const std::string& owner, int64_t now,
                                const JobEffects& effects) {
  // A stale conversation undoes this job alone (the batch's other jobs still commit).
  if (effects.conversation) {
    JORGE_TRY(SqlRows marker, session.exec("SAVEPOINT job_effects"));
    (void)marker;
  }
  JORGE_TRY(SqlRows done, session.exec("UPDATE jobs SET state = 'done', lease_owner = NULL, completed_at = $3 "
                                       "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                                       {job_id, owner, now}));
  if (done.affected == 0)
    return Error{ErrorCode::kAborted, "job lease lost: it expired and the job went to another worker"};
  if (effects.score) JORGE_TRY_STATUS(insert_lead_score(session, *effects.score));
  // Before the messages: its cancellations must not take this job's new reply. A conversation
  // changed meanwhile leaves the whole job undone (kAborted), as a lost lease does.
  if (effects.conversation) {
    if (Status written = apply_conversation_write(session, *effects.conversation, now); !written.ok()) {
      if (written.error().code == ErrorCode::kAborted) {
        JORGE_TRY(SqlRows undone, session.exec("ROLLBACK TO SAVEPOINT job_effects"));
        (void)undone;
      }
      return written;
    }
  }
  return insert_outbox_messages(session, job_id, now, effects.messages);
}

// REQUIRES: inside a transaction on `session`, the messages' people locked.
Status SqlStore::insert_outbox_messages(SqlSession& session, std::optional<int64_t> job_id, int64_t now,
                                        const std::vector<OutboxMessage>& messages) {
  if (messages.empty()) return ok_status();
  // All of them in one statement: one round trip however many there are.
  // Each goes to its person: a contact merged since the job read it stands for the one it
  // was merged into (the caller holds the people's locks, so no merge runs meanwhile).
  std::string sql = "INSERT INTO outbox (job_id, contact_id, kind, external_contact_id, priority, payload, due_at, "
                    "created_at, dedup_key) VALUES ";
  std::vector<SqlValue> values;
  for (const OutboxMessage& message : messages) {
    JORGE_TRY(ContactId person, person_of(session, message.contact_id));
    if (person != message.contact_id) JORGE_TRY_STATUS(lock_people(session, {person}));
    const size_t base = values.size();
    sql += std::string(base ? ", " : "") + "(";
    for (size_t k = 1; k <= 9; ++k) sql += "$" + std::to_string(base + k) + (k < 9 ? ", " : ")");
    for (SqlValue value : {job_id ? SqlValue{*job_id} : SqlValue{}, SqlValue{person},
                           SqlValue{std::string(outbox_kind_name(message.kind))},
                           SqlValue{person == message.contact_id ? message.external_contact_id : std::string()},
                           SqlValue{int64_t{message.priority}}, SqlValue{message.payload},
                           SqlValue{std::max(now, to_unix_millis(message.due_at))}, SqlValue{now},
                           message.purpose.empty() ? SqlValue{} : SqlValue{outbox_dedup_key(message.purpose, person)}})
      values.push_back(std::move(value));
  }
  // A message whose key is taken (another job of the same person got there first) is left
  // out; the rest still apply.
  sql += " ON CONFLICT DO NOTHING";
  JORGE_TRY(SqlRows inserted, session.exec(sql, values));
  (void)inserted;
  return ok_status();
}

std::vector<Job> SqlStore::jobs_from(const SqlRows& rows) {
  std::vector<Job> jobs;
  for (const SqlRow& row : rows.rows) {
    Job job;
    job.id = to_int(row[0]);
    job.kind = parse_job_kind(to_text(row[1])).value_or(JobKind::kProcessEvent);
    job.event = parse_job_event(to_text(row[9]));
    if (row[10]) job.interaction_id = to_int(row[10]);
    if (row[2]) job.contact_id = to_int(row[2]);
    job.raw_event_id = to_int(row[3]);
    job.priority = static_cast<int>(to_int(row[4]));
    job.attempts = static_cast<int>(to_int(row[5]));
    job.created_at = from_unix_millis(to_int(row[6]));
    job.run_at = from_unix_millis(to_int(row[7]));
    job.last_error = to_text(row[8]);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

// An update allowed only while `owner` holds the job's lease.
Status SqlStore::leased_update(const char* sql, std::vector<SqlValue> params) {
  return readers_.with_session([&](SqlSession& session) -> Status {
    JORGE_TRY(SqlRows rows, session.exec(sql, params));
    if (rows.affected == 0)
      return Error{ErrorCode::kAborted, "job lease lost: it expired and the job went to another worker"};
    return ok_status();
  });
}

}  // namespace jorge::store::internal
