#include "store/internal/migrations.hpp"

#include <string>

namespace jorge::store::internal {
namespace {

// Versioned schema; never edit a released version, add a new one. `{id}` is the backend's
// auto-increment primary key. Times are UNIX milliseconds (BIGINT) in both backends.
constexpr const char* kMigrations[] = {
    // 1: events, people, their source records, messages, opportunities, jobs.
    R"sql(
CREATE TABLE raw_events (
  id {id}, source TEXT NOT NULL, idempotency_key TEXT NOT NULL, event_type TEXT NOT NULL,
  recognised BIGINT NOT NULL, received_at BIGINT NOT NULL, body TEXT NOT NULL, contact_id BIGINT,
  UNIQUE (source, idempotency_key));
CREATE TABLE contacts (
  id {id}, first_name TEXT NOT NULL DEFAULT '', last_name TEXT NOT NULL DEFAULT '',
  full_name TEXT NOT NULL DEFAULT '', email TEXT, phone TEXT, address TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT '', postal_code TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '', lead_source TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '',
  do_not_disturb BIGINT NOT NULL DEFAULT 0, stage TEXT NOT NULL DEFAULT 'new',
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_updated ON contacts (updated_at);
CREATE TABLE leads (
  id {id}, contact_id BIGINT NOT NULL REFERENCES contacts (id), source TEXT NOT NULL,
  external_id TEXT NOT NULL, received_at BIGINT NOT NULL, raw_event_id BIGINT NOT NULL,
  UNIQUE (source, external_id));
CREATE INDEX leads_contact ON leads (contact_id);
CREATE TABLE custom_fields (
  contact_id BIGINT NOT NULL REFERENCES contacts (id), source TEXT NOT NULL, field_key TEXT NOT NULL,
  value_type TEXT NOT NULL, value TEXT NOT NULL, updated_at BIGINT NOT NULL,
  PRIMARY KEY (contact_id, source, field_key));
CREATE TABLE interactions (
  id {id}, contact_id BIGINT NOT NULL REFERENCES contacts (id), source TEXT NOT NULL,
  external_id TEXT NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL, body TEXT NOT NULL,
  occurred_at BIGINT NOT NULL, raw_event_id BIGINT NOT NULL, UNIQUE (source, external_id));
CREATE INDEX interactions_contact ON interactions (contact_id, occurred_at);
CREATE TABLE opportunities (
  id {id}, contact_id BIGINT NOT NULL REFERENCES contacts (id), source TEXT NOT NULL,
  external_id TEXT NOT NULL, name TEXT NOT NULL, pipeline_id TEXT NOT NULL, pipeline_stage_id TEXT NOT NULL,
  outcome TEXT NOT NULL, value_cents BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (source, external_id));
CREATE INDEX opportunities_contact ON opportunities (contact_id);
CREATE TABLE jobs (
  id {id}, kind TEXT NOT NULL, contact_id BIGINT, raw_event_id BIGINT NOT NULL,
  state TEXT NOT NULL DEFAULT 'ready', priority BIGINT NOT NULL DEFAULT 0, run_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL);
CREATE INDEX jobs_ready ON jobs (state, priority, run_at);
)sql",
    // 2: job leases, timings and errors for the durable queue (priority: 0 hot, 1 warm, 2 cold).
    R"sql(
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until BIGINT;
ALTER TABLE jobs ADD COLUMN started_at BIGINT;
ALTER TABLE jobs ADD COLUMN completed_at BIGINT;
ALTER TABLE jobs ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_completed ON jobs (completed_at);
)sql",
    // 3: the outbox (every message or CRM update, written with the state change that caused
    // it) and Jorge's own record of SMS opt-outs.
    R"sql(
CREATE TABLE outbox (
  id {id}, job_id BIGINT, contact_id BIGINT NOT NULL REFERENCES contacts (id), kind TEXT NOT NULL,
  external_contact_id TEXT NOT NULL, priority BIGINT NOT NULL, payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', due_at BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
  lease_owner TEXT, lease_until BIGINT, attempted_at BIGINT, sent_at BIGINT, remote_id TEXT,
  conversation_id TEXT, last_error TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL);
CREATE INDEX outbox_due ON outbox (state, priority, due_at);
CREATE INDEX outbox_contact ON outbox (contact_id);
ALTER TABLE contacts ADD COLUMN sms_opt_out BIGINT NOT NULL DEFAULT 0;
)sql",
    // 4: the model registry (every model file, which one is active, the history of
    // activations for rollback) and the scores given to leads, with their model version.
    R"sql(
CREATE TABLE models (
  version TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at BIGINT NOT NULL, data_sha256 TEXT NOT NULL,
  metrics TEXT NOT NULL, body TEXT NOT NULL, active BIGINT NOT NULL DEFAULT 0);
CREATE TABLE model_activations (id {id}, version TEXT NOT NULL REFERENCES models (version), activated_at BIGINT NOT NULL);
CREATE TABLE lead_scores (
  id {id}, contact_id BIGINT NOT NULL REFERENCES contacts (id), model_version TEXT NOT NULL,
  score DOUBLE PRECISION NOT NULL, quality TEXT NOT NULL, reasons TEXT NOT NULL, features TEXT NOT NULL,
  scored_at BIGINT NOT NULL);
CREATE INDEX lead_scores_contact ON lead_scores (contact_id, scored_at);
CREATE INDEX lead_scores_time ON lead_scores (scored_at);
)sql",
    // 5: what brought each lead in (campaign, ad, form, kind of request), job kinds claimed
    // separately (Facebook fetches are not pipeline work), and how far each lead mailbox is read.
    R"sql(
ALTER TABLE leads ADD COLUMN campaign_id TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN campaign_name TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN ad_id TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN ad_name TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN adset_id TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN form_id TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN lead_type TEXT NOT NULL DEFAULT '';
CREATE INDEX leads_source ON leads (source, received_at);
CREATE INDEX jobs_kind_ready ON jobs (kind, state, priority, run_at);
CREATE TABLE mailbox_state (
  mailbox TEXT PRIMARY KEY, uidvalidity BIGINT NOT NULL, last_uid BIGINT NOT NULL, updated_at BIGINT NOT NULL);
)sql",
    // 6: merges of contacts found to be one person, each with what it moved (for undo), the
    // pairs a person has to judge, and what each source record said (field provenance).
    R"sql(
ALTER TABLE contacts ADD COLUMN merged_into BIGINT;
ALTER TABLE leads ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
CREATE INDEX contacts_name_zip ON contacts (postal_code, last_name);
CREATE TABLE merges (
  id {id}, kept_contact_id BIGINT NOT NULL, merged_contact_id BIGINT NOT NULL, probability DOUBLE PRECISION NOT NULL,
  evidence TEXT NOT NULL, snapshot TEXT NOT NULL, decided_by TEXT NOT NULL, merged_at BIGINT NOT NULL, undone_at BIGINT);
CREATE INDEX merges_kept ON merges (kept_contact_id);
CREATE INDEX merges_merged ON merges (merged_contact_id);
CREATE TABLE identity_reviews (
  id {id}, contact_a BIGINT NOT NULL, contact_b BIGINT NOT NULL, probability DOUBLE PRECISION NOT NULL,
  evidence TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'open', created_at BIGINT NOT NULL, decided_at BIGINT,
  UNIQUE (contact_a, contact_b));
)sql",
    // 7: the online matcher's second block: namesakes anywhere, for a lead that gives no ZIP
    // or finds nobody at its own.
    R"sql(
CREATE INDEX contacts_full_name ON contacts (last_name, first_name);
)sql",
    // 8: consent belongs to the phone number, not to a contact (#15): a phone change, a merge,
    // an unmerge or a new contact id for the number never moves or drops it. `message_at` is
    // when the person sent the message that set it, so a late redelivery of an older message
    // never undoes a newer one.
    R"sql(
CREATE TABLE phone_consent (
  phone TEXT PRIMARY KEY, opted_out BIGINT NOT NULL, message_at BIGINT NOT NULL, changed_at BIGINT NOT NULL);
)sql",
    // 9: one row per logical automated message (#16): the first text of a person, the reply to
    // a message, follow-up N. The database, not a read in another transaction, keeps it to one.
    R"sql(
ALTER TABLE outbox ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX outbox_dedup ON outbox (dedup_key) WHERE dedup_key IS NOT NULL;
)sql",
    // 10: typed jobs (#17): what each job is about (a contact event, a message in or out, an
    // opportunity) and the message it concerns; the message ids GoHighLevel gave Jorge's sends,
    // looked up to recognise their echoes.
    R"sql(
ALTER TABLE jobs ADD COLUMN event TEXT NOT NULL DEFAULT 'contact';
ALTER TABLE jobs ADD COLUMN interaction_id BIGINT;
CREATE INDEX outbox_remote ON outbox (remote_id);
)sql",
    // 11: every change of a contact's stage and of an opportunity's status or pipeline stage,
    // written in the transaction that makes it (#17): funnels and time in stage without
    // guessing. kind: contact_stage, opportunity_status, opportunity_stage; subject: the
    // opportunity ("ghl/<id>"), empty for the contact.
    R"sql(
CREATE TABLE stage_changes (
  id {id}, contact_id BIGINT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, from_value TEXT NOT NULL,
  to_value TEXT NOT NULL, reason TEXT NOT NULL, changed_at BIGINT NOT NULL);
CREATE INDEX stage_changes_contact ON stage_changes (contact_id, changed_at);
CREATE INDEX stage_changes_time ON stage_changes (changed_at);
)sql",
    // 12: a delivery that can never be stored as what it says (#17) is kept as it came, with
    // the kind of error that stopped it, so the source stops retrying and nothing is lost.
    R"sql(
ALTER TABLE raw_events ADD COLUMN unprocessable TEXT;
)sql",
    // 13: the bots' conversations (#19): one row per person with the engine's state as JSON,
    // whether a person of the team paused it or a human's message put it to sleep, and every
    // turn the bot took (what it read, what it answered, why it handed off) for the
    // conversation view. Who wrote an outbound message (a user, a workflow), to tell a human
    // taking over from an automation.
    R"sql(
CREATE TABLE conversations (
  contact_id BIGINT PRIMARY KEY, state TEXT NOT NULL, paused BIGINT NOT NULL DEFAULT 0, sleep_until BIGINT,
  automated_count BIGINT NOT NULL DEFAULT 0, version BIGINT NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL);
CREATE TABLE bot_turns (
  id {id}, contact_id BIGINT NOT NULL, message_id TEXT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX bot_turns_contact ON bot_turns (contact_id, at);
ALTER TABLE interactions ADD COLUMN author_user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE interactions ADD COLUMN author_source TEXT NOT NULL DEFAULT '';
)sql",
    // 14: who in the team owns the person (GoHighLevel's assignedTo): the handoff's task goes
    // to them, else to team.owner_user_id (#19).
    R"sql(
ALTER TABLE contacts ADD COLUMN assigned_user TEXT NOT NULL DEFAULT '';
)sql",
};

std::string for_backend(std::string sql, Backend backend) {
  const std::string id = backend == Backend::kSqlite ? "INTEGER PRIMARY KEY"
                                                     : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  for (size_t at; (at = sql.find("{id}")) != std::string::npos;) sql.replace(at, 4, id);
  return sql;
}

}  // namespace

int64_t latest_schema_version() { return static_cast<int64_t>(std::size(kMigrations)); }

Result<int64_t> applied_schema_version(SqlSession& session) {
  JORGE_TRY(SqlRows rows, session.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return rows.rows.empty() || !rows.rows[0][0] ? int64_t{0} : std::stoll(*rows.rows[0][0]);
}

Status migrate(SqlSession& session, Backend backend, int64_t now_millis) {
  JORGE_TRY_STATUS(session.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)"));
  for (int64_t version = 1; version <= latest_schema_version(); ++version) {
    JORGE_TRY_STATUS(session.begin());
    auto apply = [&]() -> Status {
      if (backend == Backend::kPostgres) {
        auto locked = session.exec("SELECT pg_advisory_xact_lock(727274)");
        if (!locked.ok()) return locked.take_error();
      }
      JORGE_TRY(SqlRows done, session.exec("SELECT 1 FROM schema_migrations WHERE version = $1", {version}));
      if (!done.rows.empty()) return ok_status();
      std::string script = for_backend(kMigrations[version - 1], backend);
      // Statements one by one: PostgreSQL's extended protocol takes one statement per call.
      size_t start = 0;
      while (start < script.size()) {
        size_t end = script.find(';', start);
        if (end == std::string::npos) end = script.size();
        std::string statement = script.substr(start, end - start);
        start = end + 1;
        if (statement.find_first_not_of(" \n\t") == std::string::npos) continue;
        auto ran = session.exec(statement);
        if (!ran.ok())
          return Error{ran.error().code, "migration " + std::to_string(version) + " failed: " + ran.error().message};
      }
      auto recorded = session.exec("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                                   {version, now_millis});
      if (!recorded.ok()) return recorded.take_error();
      return ok_status();
    };
    Status applied = apply();
    if (!applied.ok()) {
      session.rollback();
      return applied;
    }
    JORGE_TRY_STATUS(session.commit());
  }
  return ok_status();
}

}  // namespace jorge::store::internal
