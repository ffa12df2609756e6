#pragma once
// The Store both backends share, as one class whose methods live in one file per role
// (sql_event_log.cpp, sql_jobs.cpp, sql_outbox.cpp, sql_model_registry.cpp, sql_scores.cpp,
// sql_lead_reads.cpp, sql_identity.cpp, sql_mailboxes.cpp; start-up and upkeep in
// sql_store.cpp): SQL written once, group commit by writer threads, a pool of reading sessions.
// Private to store/.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/internal/sql_session.hpp"
#include "store/store.hpp"

namespace jorge::store::internal {

struct PendingWrite {
  InboundEvent event;
  std::string raw_body;
  JobPlan plan;
  IngestCallback done;
};

// Sessions for reads, created on demand and reused; a session that failed is dropped.
class SessionPool {
 public:
  explicit SessionPool(SessionFactory factory) : factory_(std::move(factory)) {}

  template <class Work>
  auto with_session(Work&& work) -> decltype(work(std::declval<SqlSession&>())) {
    std::unique_ptr<SqlSession> session;
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        session = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!session) {
      auto opened = factory_();
      if (!opened.ok()) return opened.take_error();
      session = std::move(opened).value();
    }
    auto result = work(*session);
    if (result.ok() || result.error().code != ErrorCode::kUnavailable) {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(session));
    }
    return result;
  }

 private:
  SessionFactory factory_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<SqlSession>> idle_;
};

inline int64_t to_int(const std::optional<std::string>& text) { return text ? std::stoll(*text) : 0; }
inline std::string to_text(const std::optional<std::string>& text) { return text.value_or(""); }

class SqlStore final : public Store {
 public:
  SqlStore(Backend backend, SessionFactory factory, Clock& clock, const StoreOptions& options)
      : backend_(backend), factory_(factory), clock_(clock), options_(options), readers_(factory) {}
  ~SqlStore() override { close(); }

  Status start();
  Status check_ready() override;
  void close() override;

  // Deliveries in: group commit by writer threads, one transaction per batch (store/event_log.hpp).
  void ingest_async(InboundEvent event, std::string raw_body, JobPlan plan, IngestCallback done) override;
  Result<bool> has_event(const std::string& source, const std::string& idempotency_key) override;
  Result<std::string> event_key(EventId id) override;

  // Leads as the API, the pipeline and the CLI read them (store/lead_reads.hpp).
  Result<LeadPage> list_leads(const LeadFilter& filter) override;
  Result<LeadDetail> get_lead(ContactId id) override;
  Result<StoreCounts> counts() override;
  Result<std::vector<SourceSummary>> source_summaries() override;
  Result<OutreachFacts> outreach_facts(ContactId contact, const std::string& crm_source) override;
  Result<RecipientFacts> recipient_facts(ContactId contact, const std::string& crm_source) override;

  // How far each lead mailbox has been read (store/mailboxes.hpp).
  Result<std::optional<MailboxState>> mailbox_state(const std::string& mailbox) override;
  Status save_mailbox_state(const MailboxState& state, SystemTime now) override;

  // Merges, unmerges, the review queue and CRM links (store/identity_store.hpp).
  Status link_crm_contact(ContactId contact, const std::string& source, const std::string& external_id,
                          SystemTime now) override;
  Result<std::vector<ContactFields>> identity_contacts() override;
  Result<int64_t> merge_contacts(ContactId kept, ContactId merged, double probability, const std::string& evidence_json,
                                 const std::string& decided_by, SystemTime now) override;
  Result<MergeRecord> unmerge_contact(ContactId contact, SystemTime now) override;
  Result<std::vector<MergeRecord>> merges_of(ContactId contact) override;
  Status add_review(ContactId a, ContactId b, double probability, const std::string& evidence_json,
                    SystemTime now) override;
  Result<std::vector<IdentityReview>> open_reviews(int limit) override;
  Result<std::optional<IdentityReview>> identity_review(int64_t id) override;
  Result<std::vector<IdentityReview>> decided_reviews(int limit) override;
  Result<std::vector<MergeRecord>> active_merges(const std::string& decided_by) override;
  Result<IdentityReview> decide_review(int64_t id, const std::string& decision, SystemTime now) override;

  // The durable job queue with leases (store/jobs.hpp).
  Result<std::vector<Job>> claim_jobs(const std::string& owner, SystemTime now, SystemTime lease_until,
                                      int max_jobs, JobKind kind = JobKind::kProcessEvent) override;
  Status complete_job(int64_t id, const std::string& owner, SystemTime now) override;
  Status retry_job(int64_t id, const std::string& owner, SystemTime run_at, const std::string& error) override;
  Status bury_job(int64_t id, const std::string& owner, SystemTime now, const std::string& error) override;
  Result<std::vector<Job>> dead_jobs(int limit) override;
  Status revive_job(int64_t id, SystemTime now) override;
  Result<QueueCounts> queue_counts(SystemTime window_start) override;
  Result<std::vector<bool>> complete_jobs_with(const std::string& owner, SystemTime now,
                                              const std::vector<std::pair<int64_t, JobEffects>>& jobs) override;

  // Messages and CRM updates waiting to go out (store/outbox.hpp).
  Result<std::vector<OutboxMessage>> claim_outbox(const std::string& owner, SystemTime now, SystemTime lease_until,
                                                  int max_messages) override;
  Status mark_outbox_attempt(int64_t id, const std::string& owner, SystemTime now, SystemTime lease_until) override;
  Status finish_outbox(int64_t id, const std::string& owner, OutboxOutcome outcome, SystemTime now,
                       const std::string& remote_id, const std::string& conversation_id,
                       const std::string& note) override;
  Status postpone_outbox(int64_t id, const std::string& owner, SystemTime due_at, bool counts_as_attempt,
                         const std::string& note) override;
  Result<std::vector<OutboxMessage>> outbox_for_contact(ContactId contact) override;
  Result<std::vector<OutboxMessage>> dead_outbox(int limit) override;
  Status revive_outbox(int64_t id, SystemTime now) override;

  // Model versions, activation and rollback (store/model_registry.hpp).
  Status add_model(const ModelRecord& model) override;
  Result<std::vector<ModelRecord>> list_models() override;
  Status activate_model(const std::string& version, SystemTime now) override;
  Result<std::string> rollback_model(SystemTime now) override;
  Result<std::optional<ModelRecord>> active_model() override;
  Result<std::string> active_model_version() override;

  // Every score given, with its model version (store/scores.hpp).
  Status save_lead_score(const LeadScoreRecord& score) override;
  Result<std::optional<LeadScoreRecord>> latest_lead_score(ContactId contact) override;
  Result<std::vector<LeadScoreRecord>> lead_scores_since(SystemTime since, int limit) override;

  // The bots' conversations (store/conversations.hpp).
  Result<std::optional<StoredConversation>> conversation(ContactId contact) override;
  Result<StoredMessage> message(int64_t interaction_id) override;
  Result<std::vector<BotTurnRecord>> bot_turns(ContactId contact, int limit) override;
  Status write_conversation(const ConversationWrite& write, SystemTime now) override;
  Result<BotActivity> bot_activity() override;
  Status finish_booking(int64_t outbox_id, const std::string& owner, SystemTime now, const std::string& remote_id,
                        const std::vector<OutboxMessage>& then, const BotTurnRecord& turn) override;

 private:
  // REQUIRES: inside a transaction on `session`. kAborted when the version moved on.
  static Status apply_conversation_write(SqlSession& session, const ConversationWrite& write, int64_t now);
  // REQUIRES: inside a transaction on `session`, the messages' people locked. Keyed messages
  // whose key is taken are left out. `job_id`: the job that decided them, if one did.
  static Status insert_outbox_messages(SqlSession& session, std::optional<int64_t> job_id, int64_t now,
                                       const std::vector<OutboxMessage>& messages);
  // REQUIRES: inside a transaction on `session`.
  static Status insert_bot_turns(SqlSession& session, ContactId person, const std::vector<BotTurnRecord>& turns);
  static IdentityReview review_from(const SqlRow& r);
  void write_loop(std::unique_ptr<SqlSession> session);
  // One transaction for the whole batch (one fsync). If one event fails, the batch is rolled
  // back and each event retried in its own transaction, so one bad event cannot sink the rest.
  void commit_batch(SqlSession& session, std::vector<PendingWrite>& batch);
  // On success runs every callback; on failure rolls back and runs none.
  Status try_commit_batch(SqlSession& session, std::vector<PendingWrite>& batch);
  static Error unavailable(const Error& cause);
  // The delivery alone, as it came, marked unprocessable with the kind of `cause`.
  void keep_unprocessable(SqlSession& session, PendingWrite& write, const Error& cause);
  static LeadSummary summary_from(const SqlRow& row);
  Status attach_sources(SqlSession& session, std::vector<LeadSummary>& leads);
  // REQUIRES: inside a transaction on `session`.
  static Status apply_job_effects(SqlSession& session, int64_t job_id, const std::string& owner, int64_t now,
                                  const JobEffects& effects);
  static std::vector<Job> jobs_from(const SqlRows& rows);
  // An update allowed only while `owner` holds the job's lease.
  Status leased_update(const char* sql, std::vector<SqlValue> params);
  static std::vector<OutboxMessage> outbox_from(const SqlRows& rows);
  static Status insert_lead_score(SqlSession& session, const LeadScoreRecord& score);
  static LeadScoreRecord score_from(const SqlRow& row);
  void maintain_loop(std::unique_ptr<SqlSession> session);

  // Consent belongs to the number (#15): a contact that never said STOP is still opted out when
  // its phone is. Over `contacts c`.
  static constexpr const char* kOptedOutByContactOrNumber =
      "CASE WHEN c.sms_opt_out <> 0 OR EXISTS (SELECT 1 FROM phone_consent p WHERE p.phone = c.phone AND "
      "p.opted_out <> 0) THEN 1 ELSE 0 END";

  // A write transaction on a session of its own: commit on success, roll back on error.
  template <typename T>
  Result<T> in_transaction(const std::function<Result<T>(SqlSession&)>& work) {
    return readers_.with_session([&](SqlSession& session) -> Result<T> {
      JORGE_TRY_STATUS(session.begin());
      Result<T> done = work(session);
      if (!done.ok()) {
        session.rollback();
        return done;
      }
      JORGE_TRY_STATUS(session.commit());
      return done;
    });
  }

  static constexpr const char* kOutboxColumns =
      "id, kind, contact_id, external_contact_id, priority, payload, due_at, attempts, conversation_id, state, "
      "last_error, dedup_key";

  static constexpr const char* kScoreColumns =
      "contact_id, model_version, score, quality, reasons, features, scored_at";

  static constexpr const char* kJobColumns =
      "id, kind, contact_id, raw_event_id, priority, attempts, created_at, run_at, last_error, event, interaction_id";

  Backend backend_;
  SessionFactory factory_;
  Clock& clock_;
  StoreOptions options_;
  SessionPool readers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable wake_maintainer_;
  std::thread maintainer_;
  std::deque<PendingWrite> queue_;
  bool closing_ = false;
  std::vector<std::thread> writers_;
};

}  // namespace jorge::store::internal
