#include "store/internal/sql_store.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <tuple>
#include <algorithm>

#include "store/internal/ingest_transaction.hpp"
#include "store/internal/merge_transaction.hpp"
#include "store/internal/migrations.hpp"

namespace jorge::store::internal {
namespace {

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

int64_t to_int(const std::optional<std::string>& text) { return text ? std::stoll(*text) : 0; }
std::string to_text(const std::optional<std::string>& text) { return text.value_or(""); }

class SqlStore final : public Store {
 public:
  SqlStore(Backend backend, SessionFactory factory, Clock& clock, const StoreOptions& options)
      : backend_(backend), factory_(factory), clock_(clock), options_(options), readers_(factory) {}

  ~SqlStore() override { close(); }

  Status start() {
    JORGE_TRY(std::unique_ptr<SqlSession> session, factory_());
    JORGE_TRY_STATUS(migrate(*session, backend_, to_unix_millis(clock_.now())));
    int writers = options_.writer_threads > 0 ? options_.writer_threads : (backend_ == Backend::kSqlite ? 1 : 4);
    std::vector<std::unique_ptr<SqlSession>> sessions;
    sessions.push_back(std::move(session));
    for (int i = 1; i < writers; ++i) {
      JORGE_TRY(std::unique_ptr<SqlSession> extra, factory_());
      sessions.push_back(std::move(extra));
    }
    for (auto& writer_session : sessions)
      writers_.emplace_back([this, s = std::move(writer_session)]() mutable { write_loop(std::move(s)); });
    JORGE_TRY(std::unique_ptr<SqlSession> upkeep, factory_());
    maintainer_ = std::thread([this, s = std::move(upkeep)]() mutable { maintain_loop(std::move(s)); });
    return ok_status();
  }

  void ingest_async(InboundEvent event, std::string raw_body, JobPlan plan, IngestCallback done) override {
    bool closing;
    {
      std::lock_guard lock(mutex_);
      closing = closing_;
      if (!closing && static_cast<int>(queue_.size()) < options_.max_pending) {
        queue_.push_back({std::move(event), std::move(raw_body), plan, std::move(done)});
        wake_.notify_one();
        return;
      }
    }
    if (closing) done(Error{ErrorCode::kUnavailable, "the store is shutting down; retry"});
    else done(Error{ErrorCode::kResourceExhausted, "too many writes waiting for the database; retry later"});
  }

  Result<LeadPage> list_leads(const LeadFilter& filter) override {
    return readers_.with_session([&](SqlSession& session) -> Result<LeadPage> {
      std::string sql = "SELECT c.id, c.full_name, c.phone, c.email, c.stage, c.created_at, c.updated_at "
                        "FROM contacts c WHERE c.id > $1 AND c.merged_into IS NULL";
      std::vector<SqlValue> params{filter.after_id};
      if (filter.stage) {
        params.emplace_back(std::string(stage_name(*filter.stage)));
        sql += " AND c.stage = $" + std::to_string(params.size());
      }
      if (filter.updated_since) {
        params.emplace_back(to_unix_millis(*filter.updated_since));
        sql += " AND c.updated_at >= $" + std::to_string(params.size());
      }
      if (!filter.source.empty()) {
        params.emplace_back(filter.source);
        sql += " AND EXISTS (SELECT 1 FROM leads l WHERE l.contact_id = c.id AND l.source = $" +
               std::to_string(params.size()) + ")";
      }
      params.emplace_back(int64_t{filter.limit} + 1);
      sql += " ORDER BY c.id LIMIT $" + std::to_string(params.size());
      JORGE_TRY(SqlRows rows, session.exec(sql, params));
      LeadPage page;
      for (const SqlRow& row : rows.rows) {
        if (static_cast<int>(page.leads.size()) == filter.limit) {
          page.next_after_id = page.leads.back().id;
          break;
        }
        page.leads.push_back(summary_from(row));
      }
      JORGE_TRY_STATUS(attach_sources(session, page.leads));
      return page;
    });
  }

  // Consent belongs to the number (#15): a contact that never said STOP is still opted out when
  // its phone is. Over `contacts c`.
  static constexpr const char* kOptedOutByContactOrNumber =
      "CASE WHEN c.sms_opt_out <> 0 OR EXISTS (SELECT 1 FROM phone_consent p WHERE p.phone = c.phone AND "
      "p.opted_out <> 0) THEN 1 ELSE 0 END";

  Result<LeadDetail> get_lead(ContactId id) override {
    return readers_.with_session([&](SqlSession& session) -> Result<LeadDetail> {
      JORGE_TRY(SqlRows rows,
                session.exec("SELECT id, full_name, phone, email, stage, created_at, updated_at, first_name, "
                             "last_name, address, city, state, postal_code, country, lead_source, tags, "
                             "do_not_disturb, " + std::string(kOptedOutByContactOrNumber) + " FROM contacts c WHERE id = $1",
                             {id}));
      if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "no lead " + std::to_string(id)};
      const SqlRow& row = rows.rows[0];
      LeadDetail detail;
      detail.summary = summary_from(row);
      detail.first_name = to_text(row[7]);
      detail.last_name = to_text(row[8]);
      detail.address = to_text(row[9]);
      detail.city = to_text(row[10]);
      detail.state = to_text(row[11]);
      detail.postal_code = to_text(row[12]);
      detail.country = to_text(row[13]);
      detail.lead_source = to_text(row[14]);
      detail.tags = split_tags(to_text(row[15]));
      detail.do_not_disturb = to_int(row[16]) != 0;
      detail.sms_opt_out = to_int(row[17]) != 0;
      std::vector<LeadSummary> one{detail.summary};
      JORGE_TRY_STATUS(attach_sources(session, one));
      detail.summary.sources = one[0].sources;
      JORGE_TRY(SqlRows records, session.exec("SELECT l.source, l.external_id, l.received_at, r.body, l.campaign_id, "
                                              "l.campaign_name, l.ad_id, l.ad_name, l.adset_id, l.form_id, l.lead_type, "
                                              "l.facts "
                                              "FROM leads l JOIN raw_events r ON r.id = l.raw_event_id "
                                              "WHERE l.contact_id = $1 ORDER BY l.id",
                                              {id}));
      for (const SqlRow& r : records.rows)
        detail.records.push_back({to_text(r[0]), to_text(r[1]), from_unix_millis(to_int(r[2])), to_text(r[3]),
                                  LeadOrigin{to_text(r[4]), to_text(r[5]), to_text(r[6]), to_text(r[7]),
                                             to_text(r[8]), to_text(r[9]), to_text(r[10])},
                                  to_text(r[11])});
      JORGE_TRY(SqlRows fields, session.exec("SELECT field_key, value_type, value FROM custom_fields "
                                             "WHERE contact_id = $1 ORDER BY source, field_key",
                                             {id}));
      for (const SqlRow& r : fields.rows)
        detail.custom_fields.push_back({to_text(r[0]), decode_field_value(to_text(r[1]), to_text(r[2]))});
      JORGE_TRY(SqlRows messages, session.exec("SELECT source, external_id, direction, channel, body, occurred_at "
                                               "FROM interactions WHERE contact_id = $1 ORDER BY occurred_at, id",
                                               {id}));
      for (const SqlRow& r : messages.rows) {
        InteractionRecord record{to_text(r[1]), to_text(r[2]) == "outbound" ? Direction::kOutbound : Direction::kInbound,
                                 to_text(r[3]), to_text(r[4]), from_unix_millis(to_int(r[5]))};
        detail.interactions.push_back({to_text(r[0]), std::move(record)});
      }
      JORGE_TRY(SqlRows opportunities,
                session.exec("SELECT source, external_id, name, pipeline_id, pipeline_stage_id, outcome, value_cents, "
                             "updated_at FROM opportunities WHERE contact_id = $1 ORDER BY id",
                             {id}));
      for (const SqlRow& r : opportunities.rows) {
        OpportunityRecord record{to_text(r[1]), to_text(r[2]), to_text(r[3]), to_text(r[4]),
                                 parse_outcome(to_text(r[5])).value_or(Outcome::kOpen), Money{to_int(r[6])}};
        detail.opportunities.push_back({to_text(r[0]), std::move(record), from_unix_millis(to_int(r[7]))});
      }
      JORGE_TRY(SqlRows waiting, session.exec("SELECT id, kind, state, last_error, due_at FROM outbox WHERE "
                                              "contact_id = $1 AND state IN ('pending', 'sending', 'blocked', 'cancelled') "
                                              "ORDER BY id DESC LIMIT 50",
                                              {id}));
      for (const SqlRow& r : waiting.rows)
        detail.waiting_messages.push_back(
            {to_int(r[0]), to_text(r[1]), to_text(r[2]), to_text(r[3]), from_unix_millis(to_int(r[4]))});
      JORGE_TRY(SqlRows history, session.exec("SELECT kind, subject, from_value, to_value, reason, changed_at FROM "
                                              "stage_changes WHERE contact_id = $1 ORDER BY changed_at, id LIMIT 200",
                                              {id}));
      for (const SqlRow& r : history.rows)
        detail.stage_history.push_back({to_text(r[0]), to_text(r[1]), to_text(r[2]), to_text(r[3]), to_text(r[4]),
                                        from_unix_millis(to_int(r[5]))});
      return detail;
    });
  }

  Status check_ready() override {
    auto version = readers_.with_session([](SqlSession& session) { return applied_schema_version(session); });
    if (!version.ok()) return Error{ErrorCode::kUnavailable, version.error().message};
    if (*version != latest_schema_version())
      return Error{ErrorCode::kFailedPrecondition, "schema version " + std::to_string(*version) + ", this binary needs " +
                                                       std::to_string(latest_schema_version())};
    return ok_status();
  }

  Result<StoreCounts> counts() override {
    return readers_.with_session([](SqlSession& session) -> Result<StoreCounts> {
      JORGE_TRY(SqlRows rows, session.exec(
                                  "SELECT (SELECT COUNT(*) FROM raw_events), (SELECT COUNT(*) FROM contacts), "
                                  "(SELECT COUNT(*) FROM leads), (SELECT COUNT(*) FROM interactions), "
                                  "(SELECT COUNT(*) FROM jobs)"));
      const SqlRow& row = rows.rows.at(0);
      return StoreCounts{to_int(row[0]), to_int(row[1]), to_int(row[2]), to_int(row[3]), to_int(row[4])};
    });
  }

  Result<bool> has_event(const std::string& source, const std::string& idempotency_key) override {
    return readers_.with_session([&](SqlSession& session) -> Result<bool> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT 1 FROM raw_events WHERE source = $1 AND idempotency_key = $2",
                                           {source, idempotency_key}));
      return !rows.rows.empty();
    });
  }

  Result<std::string> event_key(EventId id) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::string> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT idempotency_key FROM raw_events WHERE id = $1", {id}));
      if (rows.rows.empty() || !rows.rows[0][0])
        return Error{ErrorCode::kNotFound, "no stored delivery " + std::to_string(id)};
      return *rows.rows[0][0];
    });
  }

  Result<std::optional<MailboxState>> mailbox_state(const std::string& mailbox) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::optional<MailboxState>> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT uidvalidity, last_uid FROM mailbox_state WHERE mailbox = $1",
                                           {mailbox}));
      if (rows.rows.empty()) return std::optional<MailboxState>();
      return std::optional<MailboxState>(
          MailboxState{mailbox, std::stoll(rows.rows[0][0].value_or("0")), std::stoll(rows.rows[0][1].value_or("0"))});
    });
  }

  Status save_mailbox_state(const MailboxState& state, SystemTime now) override {
    return readers_.with_session([&](SqlSession& session) -> Status {
      JORGE_TRY(SqlRows rows, session.exec("INSERT INTO mailbox_state (mailbox, uidvalidity, last_uid, updated_at) "
                                           "VALUES ($1, $2, $3, $4) ON CONFLICT (mailbox) DO UPDATE SET "
                                           "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
                                           "updated_at = excluded.updated_at",
                                           {state.mailbox, state.uidvalidity, state.last_uid, to_unix_millis(now)}));
      (void)rows;
      return ok_status();
    });
  }

  Status link_crm_contact(ContactId contact, const std::string& source, const std::string& external_id,
                          SystemTime now) override {
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

  Result<std::vector<IdentityContact>> identity_contacts() override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<IdentityContact>> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT id, first_name, last_name, full_name, email, phone, address, city, "
                                           "state, postal_code FROM contacts WHERE merged_into IS NULL ORDER BY id"));
      std::vector<IdentityContact> contacts;
      contacts.reserve(rows.rows.size());
      for (const auto& r : rows.rows)
        contacts.push_back({to_int(r[0]), to_text(r[1]), to_text(r[2]), to_text(r[3]), to_text(r[4]), to_text(r[5]),
                            to_text(r[6]), to_text(r[7]), to_text(r[8]), to_text(r[9])});
      return contacts;
    });
  }

  Result<int64_t> merge_contacts(ContactId kept, ContactId merged, double probability, const std::string& evidence_json,
                                 const std::string& decided_by, SystemTime now) override {
    return in_transaction<int64_t>([&](SqlSession& session) {
      return apply_merge(session, kept, merged, probability, evidence_json, decided_by, to_unix_millis(now));
    });
  }

  Result<MergeRecord> unmerge_contact(ContactId contact, SystemTime now) override {
    return in_transaction<MergeRecord>(
        [&](SqlSession& session) { return apply_unmerge(session, contact, to_unix_millis(now)); });
  }

  Result<std::vector<MergeRecord>> merges_of(ContactId contact) override {
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

  Status add_review(ContactId a, ContactId b, double probability, const std::string& evidence_json,
                    SystemTime now) override {
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

  static IdentityReview review_from(const SqlRow& r) {
    return {to_int(r[0]), to_int(r[1]), to_int(r[2]), std::stod(to_text(r[3])), to_text(r[4]), to_text(r[5]),
            from_unix_millis(to_int(r[6]))};
  }

  Result<std::vector<IdentityReview>> open_reviews(int limit) override {
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

  Result<std::optional<IdentityReview>> identity_review(int64_t id) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::optional<IdentityReview>> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT id, contact_a, contact_b, probability, evidence, state, created_at "
                                           "FROM identity_reviews WHERE id = $1",
                                           {id}));
      if (rows.rows.empty()) return std::optional<IdentityReview>();
      return std::optional<IdentityReview>(review_from(rows.rows[0]));
    });
  }

  Result<std::vector<IdentityReview>> decided_reviews(int limit) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<IdentityReview>> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT id, contact_a, contact_b, probability, evidence, state, created_at "
                                           "FROM identity_reviews WHERE state <> 'open' ORDER BY decided_at DESC LIMIT $1",
                                           {int64_t{limit}}));
      std::vector<IdentityReview> reviews;
      for (const auto& r : rows.rows) reviews.push_back(review_from(r));
      return reviews;
    });
  }

  Result<std::vector<MergeRecord>> active_merges(const std::string& decided_by) override {
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

  Result<IdentityReview> decide_review(int64_t id, const std::string& decision, SystemTime now) override {
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

  Result<std::vector<SourceSummary>> source_summaries() override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<SourceSummary>> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT source, COUNT(*), COUNT(DISTINCT contact_id), MIN(received_at), "
                                           "MAX(received_at) FROM leads WHERE raw_event_id <> 0 GROUP BY source ORDER BY source"));
      std::vector<SourceSummary> sources;
      for (const auto& row : rows.rows) {
        SourceSummary summary;
        summary.source = row[0].value_or("");
        summary.leads = std::stoll(row[1].value_or("0"));
        summary.contacts = std::stoll(row[2].value_or("0"));
        summary.first_lead_at = from_unix_millis(std::stoll(row[3].value_or("0")));
        summary.last_lead_at = from_unix_millis(std::stoll(row[4].value_or("0")));
        sources.push_back(std::move(summary));
      }
      return sources;
    });
  }

  Result<std::vector<Job>> claim_jobs(const std::string& owner, SystemTime now, SystemTime lease_until,
                                      int max_jobs, std::string_view kind = "process_event") override {
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
                                                 std::string(kind)}));
      std::vector<Job> jobs = jobs_from(rows);
      std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
        return std::tie(a.priority, a.run_at, a.id) < std::tie(b.priority, b.run_at, b.id);
      });
      return jobs;
    });
  }

  Status complete_job(int64_t id, const std::string& owner, SystemTime now) override {
    return leased_update("UPDATE jobs SET state = 'done', lease_owner = NULL, completed_at = $3 "
                         "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                         {id, owner, to_unix_millis(now)});
  }

  Status retry_job(int64_t id, const std::string& owner, SystemTime run_at, const std::string& error) override {
    return leased_update("UPDATE jobs SET state = 'ready', lease_owner = NULL, run_at = $3, last_error = $4 "
                         "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                         {id, owner, to_unix_millis(run_at), error});
  }

  Status bury_job(int64_t id, const std::string& owner, SystemTime now, const std::string& error) override {
    return leased_update("UPDATE jobs SET state = 'dead', lease_owner = NULL, completed_at = $3, last_error = $4 "
                         "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                         {id, owner, to_unix_millis(now), error});
  }

  Result<std::vector<Job>> dead_jobs(int limit) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<Job>> {
      JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kJobColumns +
                                               " FROM jobs WHERE state = 'dead' ORDER BY id LIMIT $1",
                                           {int64_t{limit}}));
      return jobs_from(rows);
    });
  }

  Status revive_job(int64_t id, SystemTime now) override {
    return readers_.with_session([&](SqlSession& session) -> Status {
      JORGE_TRY(SqlRows rows, session.exec("UPDATE jobs SET state = 'ready', attempts = 0, run_at = $2, "
                                           "completed_at = NULL WHERE id = $1 AND state = 'dead'",
                                           {id, to_unix_millis(now)}));
      if (rows.affected == 0) return Error{ErrorCode::kNotFound, "no dead job " + std::to_string(id)};
      return ok_status();
    });
  }

  Result<QueueCounts> queue_counts(SystemTime window_start) override {
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
                                    "SELECT state, CASE WHEN last_error = 'quiet hours' THEN 'quiet_hours' "
                                    "WHEN last_error = 'opted out' THEN 'opted_out' "
                                    "WHEN last_error = 'do not disturb' THEN 'dnd' "
                                    "WHEN last_error LIKE 'Florida%' THEN 'florida_limit' "
                                    "WHEN last_error LIKE 'time zone unknown%' THEN 'time_zone_unknown' "
                                    "WHEN last_error LIKE 'no hour is allowed%' THEN 'no_common_window' "
                                    "WHEN last_error LIKE 'merged into%' OR last_error LIKE 'already sent to contact%' "
                                    "THEN 'merged_duplicate' ELSE '' END AS rule, COUNT(*) FROM outbox "
                                    "WHERE state IN ('pending', 'sending', 'blocked', 'cancelled', 'dead') "
                                    "GROUP BY state, rule"));
      for (const SqlRow& row : outbox.rows) {
        const std::string state = to_text(row[0]), rule = to_text(row[1]);
        const int64_t count = to_int(row[2]);
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

  Result<std::vector<bool>> complete_jobs_with(const std::string& owner, SystemTime now,
                                              const std::vector<std::pair<int64_t, JobEffects>>& jobs) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<bool>> {
      JORGE_TRY_STATUS(session.begin());
      // #16: a merge of any of these people waits for this batch, or this batch for it.
      std::vector<ContactId> people;
      for (const auto& [job_id, effects] : jobs)
        for (const OutboxMessage& message : effects.messages) people.push_back(message.contact_id);
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

  Result<OutreachFacts> outreach_facts(ContactId contact, const std::string& crm_source) override {
    return readers_.with_session([&](SqlSession& session) -> Result<OutreachFacts> {
      // One round trip. Every subquery goes through a contact_id index only: a predicate on
      // source would tempt PostgreSQL into scanning the (source, external_id) index, which
      // grows with leads. Texts and custom fields come aggregated, separated by control
      // characters that cannot occur in them (\x1e between items, \x1f between parts).
      const bool postgres = backend_ == Backend::kPostgres;
      const std::string aggregate = postgres ? "string_agg" : "group_concat";
      const std::string character = postgres ? "CHR" : "CHAR";
      // SQLite 3.40 keeps a subquery's order in group_concat; PostgreSQL is told the order.
      const std::string texts =
          postgres ? "(SELECT string_agg(body, ' ' ORDER BY occurred_at, id) FROM interactions WHERE contact_id = c.id "
                     "AND direction = 'inbound' AND body <> '')"
                   : "(SELECT group_concat(body, ' ') FROM (SELECT body FROM interactions WHERE contact_id = c.id "
                     "AND direction = 'inbound' AND body <> '' ORDER BY occurred_at, id) inbound)";
      const std::string sql =
          "SELECT c.id, c.first_name, c.phone, c.state, c.lead_source, c.do_not_disturb, "
          + std::string(kOptedOutByContactOrNumber) + ", (SELECT external_id FROM leads WHERE contact_id = c.id AND "
          "source || '' = $2 ORDER BY received_at, id LIMIT 1), (SELECT body FROM interactions WHERE "
          "contact_id = c.id AND direction = 'inbound' ORDER BY occurred_at DESC LIMIT 1), "
          "CASE WHEN EXISTS (SELECT 1 FROM outbox WHERE contact_id = c.id AND kind = 'sms') OR EXISTS (SELECT 1 "
          "FROM interactions WHERE contact_id = c.id AND direction = 'outbound') THEN 1 ELSE 0 END, c.created_at, "
          "(SELECT COUNT(*) FROM interactions WHERE contact_id = c.id), "
          "(SELECT COUNT(DISTINCT source) FROM leads WHERE contact_id = c.id AND raw_event_id <> 0), "
          "(SELECT MIN(r.occurred_at) - o.first_out FROM interactions r, (SELECT MIN(occurred_at) AS first_out "
          "FROM interactions WHERE contact_id = c.id AND direction = 'outbound') o WHERE r.contact_id = c.id AND "
          "r.direction = 'inbound' AND r.occurred_at > o.first_out GROUP BY o.first_out), " +
          texts + ", (SELECT " + aggregate + "(field_key || " + character + "(31) || value_type || " + character +
          "(31) || value, " + character + "(30)) "
          "FROM custom_fields WHERE contact_id = c.id), c.merged_into, c.postal_code, "
          "(SELECT sent_at FROM outbox WHERE contact_id = c.id AND kind = 'sms' AND state = 'sent' "
          "ORDER BY sent_at DESC LIMIT 1 OFFSET 2) "
          "FROM contacts c WHERE c.id = $1";
      JORGE_TRY(SqlRows rows, session.exec(sql, {contact, crm_source}));
      // A contact merged away speaks for its person: the facts are those of where it was merged.
      for (int hop = 0; hop < 64 && !rows.rows.empty() && rows.rows[0][16]; ++hop) {
        JORGE_TRY(rows, session.exec(sql, {to_int(rows.rows[0][16]), crm_source}));
      }
      if (rows.rows.empty()) return Error{ErrorCode::kNotFound, "no lead " + std::to_string(contact)};
      const SqlRow& row = rows.rows[0];
      OutreachFacts facts;
      facts.id = to_int(row[0]);
      facts.first_name = to_text(row[1]);
      facts.phone = to_text(row[2]);
      facts.state = to_text(row[3]);
      facts.postal_code = to_text(row[17]);
      if (row[18]) facts.third_last_text_at = from_unix_millis(to_int(row[18]));
      facts.lead_source = to_text(row[4]);
      facts.do_not_disturb = to_int(row[5]) != 0;
      facts.sms_opt_out = to_int(row[6]) != 0;
      facts.crm_contact_id = to_text(row[7]);
      facts.last_inbound_text = to_text(row[8]);
      facts.already_texted = to_int(row[9]) > 0;
      facts.created_at = from_unix_millis(to_int(row[10]));
      facts.interactions = to_int(row[11]);
      facts.distinct_sources = std::max<int64_t>(1, to_int(row[12]));
      if (row[13]) facts.response_hours = static_cast<double>(to_int(row[13])) / 3'600'000.0;
      facts.inbound_texts = to_text(row[14]);
      const std::string fields = to_text(row[15]);
      for (size_t start = 0; start < fields.size();) {
        size_t end = fields.find('\x1e', start);
        if (end == std::string::npos) end = fields.size();
        std::string item = fields.substr(start, end - start);
        size_t first = item.find('\x1f'), second = first == std::string::npos ? first : item.find('\x1f', first + 1);
        if (second != std::string::npos)
          facts.custom_fields.push_back({item.substr(0, first),
                                         decode_field_value(item.substr(first + 1, second - first - 1), item.substr(second + 1))});
        start = end + 1;
      }
      return facts;
    });
  }

  Result<std::vector<OutboxMessage>> claim_outbox(const std::string& owner, SystemTime now, SystemTime lease_until,
                                                  int max_messages) override {
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

  Status mark_outbox_attempt(int64_t id, const std::string& owner, SystemTime now, SystemTime lease_until) override {
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

  Status finish_outbox(int64_t id, const std::string& owner, OutboxOutcome outcome, SystemTime now,
                       const std::string& remote_id, const std::string& conversation_id,
                       const std::string& note) override {
    const char* state = outcome == OutboxOutcome::kSent ? "sent" : (outcome == OutboxOutcome::kDead ? "dead" : "blocked");
    return leased_update("UPDATE outbox SET state = $3, lease_owner = NULL, sent_at = $4, remote_id = $5, "
                         "conversation_id = COALESCE(CAST($6 AS TEXT), conversation_id), last_error = $7 "
                         "WHERE id = $1 AND state = 'sending' AND lease_owner = $2",
                         {id, owner, std::string(state), to_unix_millis(now), remote_id,
                          conversation_id.empty() ? SqlValue{} : SqlValue{conversation_id}, note});
  }

  Status postpone_outbox(int64_t id, const std::string& owner, SystemTime due_at, bool counts_as_attempt,
                         const std::string& note) override {
    return leased_update(counts_as_attempt
                             ? "UPDATE outbox SET state = 'pending', lease_owner = NULL, due_at = $3, last_error = $4 "
                               "WHERE id = $1 AND state = 'sending' AND lease_owner = $2"
                             : "UPDATE outbox SET state = 'pending', lease_owner = NULL, due_at = $3, last_error = $4, "
                               "attempts = attempts - 1 WHERE id = $1 AND state = 'sending' AND lease_owner = $2",
                         {id, owner, to_unix_millis(due_at), note});
  }

  Result<std::vector<OutboxMessage>> outbox_for_contact(ContactId contact) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<OutboxMessage>> {
      JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kOutboxColumns +
                                               ", 0 FROM outbox WHERE contact_id = $1 ORDER BY id",
                                           {contact}));
      return outbox_from(rows);
    });
  }

  Status add_model(const ModelRecord& model) override {
    return readers_.with_session([&](SqlSession& session) -> Status {
      JORGE_TRY(SqlRows existing, session.exec("SELECT body FROM models WHERE version = $1", {model.version}));
      if (!existing.rows.empty()) {
        if (to_text(existing.rows[0][0]) == model.body) return ok_status();
        return Error{ErrorCode::kAlreadyExists, "a different model is registered as " + model.version};
      }
      JORGE_TRY(SqlRows inserted,
                session.exec("INSERT INTO models (version, kind, created_at, data_sha256, metrics, body, active) "
                             "VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (version) DO NOTHING",
                             {model.version, model.kind, to_unix_millis(model.created_at), model.data_sha256,
                              model.metrics_json, model.body}));
      (void)inserted;
      return ok_status();
    });
  }

  Result<std::vector<ModelRecord>> list_models() override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<ModelRecord>> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT version, kind, created_at, data_sha256, metrics, active FROM models "
                                           "ORDER BY created_at DESC, version"));
      std::vector<ModelRecord> models;
      for (const SqlRow& row : rows.rows) {
        ModelRecord model;
        model.version = to_text(row[0]);
        model.kind = to_text(row[1]);
        model.created_at = from_unix_millis(to_int(row[2]));
        model.data_sha256 = to_text(row[3]);
        model.metrics_json = to_text(row[4]);
        model.active = to_int(row[5]) != 0;
        models.push_back(std::move(model));
      }
      return models;
    });
  }

  Status activate_model(const std::string& version, SystemTime now) override {
    return readers_.with_session([&](SqlSession& session) -> Status {
      JORGE_TRY_STATUS(session.begin());
      auto change = [&]() -> Status {
        JORGE_TRY(SqlRows found, session.exec("SELECT 1 FROM models WHERE version = $1", {version}));
        if (found.rows.empty()) return Error{ErrorCode::kNotFound, "no model " + version + " (jorge models list)"};
        JORGE_TRY(SqlRows off, session.exec("UPDATE models SET active = 0 WHERE active = 1 AND version <> $1", {version}));
        JORGE_TRY(SqlRows on, session.exec("UPDATE models SET active = 1 WHERE version = $1", {version}));
        JORGE_TRY(SqlRows logged, session.exec("INSERT INTO model_activations (version, activated_at) VALUES ($1, $2)",
                                               {version, to_unix_millis(now)}));
        (void)off, (void)on, (void)logged;
        return ok_status();
      };
      Status changed = change();
      if (!changed.ok()) {
        session.rollback();
        return changed;
      }
      return session.commit();
    });
  }

  Result<std::string> rollback_model(SystemTime now) override {
    JORGE_TRY(std::string current, active_model_version());
    JORGE_TRY(std::string previous, readers_.with_session([&](SqlSession& session) -> Result<std::string> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT version FROM model_activations WHERE version <> $1 "
                                           "ORDER BY id DESC LIMIT 1",
                                           {current}));
      if (rows.rows.empty())
        return Error{ErrorCode::kFailedPrecondition, "no earlier model to roll back to (jorge models list)"};
      return to_text(rows.rows[0][0]);
    }));
    JORGE_TRY_STATUS(activate_model(previous, now));
    return previous;
  }

  Result<std::optional<ModelRecord>> active_model() override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::optional<ModelRecord>> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT version, kind, created_at, data_sha256, metrics, body FROM models "
                                           "WHERE active = 1"));
      if (rows.rows.empty()) return std::optional<ModelRecord>();
      const SqlRow& row = rows.rows[0];
      ModelRecord model{to_text(row[0]), to_text(row[1]), to_text(row[3]), to_text(row[4]), to_text(row[5]),
                        from_unix_millis(to_int(row[2])), true};
      return std::optional<ModelRecord>(std::move(model));
    });
  }

  Result<std::string> active_model_version() override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::string> {
      JORGE_TRY(SqlRows rows, session.exec("SELECT version FROM models WHERE active = 1"));
      return rows.rows.empty() ? std::string() : to_text(rows.rows[0][0]);
    });
  }

  Status save_lead_score(const LeadScoreRecord& score) override {
    return readers_.with_session([&](SqlSession& session) -> Status { return insert_lead_score(session, score); });
  }

  Result<std::optional<LeadScoreRecord>> latest_lead_score(ContactId contact) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::optional<LeadScoreRecord>> {
      JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kScoreColumns +
                                               " FROM lead_scores WHERE contact_id = $1 ORDER BY scored_at DESC, id DESC "
                                               "LIMIT 1",
                                           {contact}));
      if (rows.rows.empty()) return std::optional<LeadScoreRecord>();
      return std::optional<LeadScoreRecord>(score_from(rows.rows[0]));
    });
  }

  Result<std::vector<LeadScoreRecord>> lead_scores_since(SystemTime since, int limit) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<LeadScoreRecord>> {
      JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kScoreColumns +
                                               " FROM lead_scores WHERE scored_at >= $1 ORDER BY scored_at DESC LIMIT $2",
                                           {to_unix_millis(since), int64_t{limit}}));
      std::vector<LeadScoreRecord> scores;
      for (const SqlRow& row : rows.rows) scores.push_back(score_from(row));
      return scores;
    });
  }

  Result<std::vector<OutboxMessage>> dead_outbox(int limit) override {
    return readers_.with_session([&](SqlSession& session) -> Result<std::vector<OutboxMessage>> {
      JORGE_TRY(SqlRows rows, session.exec(std::string("SELECT ") + kOutboxColumns +
                                               ", 0 FROM outbox WHERE state = 'dead' ORDER BY id LIMIT $1",
                                           {int64_t{limit}}));
      return outbox_from(rows);
    });
  }

  Status revive_outbox(int64_t id, SystemTime now) override {
    return readers_.with_session([&](SqlSession& session) -> Status {
      JORGE_TRY(SqlRows rows, session.exec("UPDATE outbox SET state = 'pending', attempts = 0, due_at = $2 "
                                           "WHERE id = $1 AND state = 'dead'",
                                           {id, to_unix_millis(now)}));
      if (rows.affected == 0) return Error{ErrorCode::kNotFound, "no dead message " + std::to_string(id)};
      return ok_status();
    });
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (closing_) return;
      closing_ = true;
      wake_.notify_all();
      wake_maintainer_.notify_all();
    }
    for (auto& writer : writers_) writer.join();
    writers_.clear();
    if (maintainer_.joinable()) maintainer_.join();
  }

 private:
  static constexpr const char* kOutboxColumns =
      "id, kind, contact_id, external_contact_id, priority, payload, due_at, attempts, conversation_id, state, "
      "last_error";

  static Status insert_lead_score(SqlSession& session, const LeadScoreRecord& score) {
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

  static constexpr const char* kScoreColumns =
      "contact_id, model_version, score, quality, reasons, features, scored_at";
  static LeadScoreRecord score_from(const SqlRow& row) {
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

  static std::vector<OutboxMessage> outbox_from(const SqlRows& rows) {
    std::vector<OutboxMessage> messages;
    for (const SqlRow& row : rows.rows) {
      OutboxMessage message;
      message.id = to_int(row[0]);
      std::string kind = to_text(row[1]);
      message.kind = kind == "tags"             ? OutboxKind::kTags
                     : kind == "upsert_contact" ? OutboxKind::kUpsertContact
                     : kind == "compliance_sms" ? OutboxKind::kComplianceSms
                     : kind == "task"           ? OutboxKind::kTask
                                                : OutboxKind::kSms;
      message.contact_id = to_int(row[2]);
      message.external_contact_id = to_text(row[3]);
      message.priority = static_cast<int>(to_int(row[4]));
      message.payload = to_text(row[5]);
      message.due_at = from_unix_millis(to_int(row[6]));
      message.attempts = static_cast<int>(to_int(row[7]));
      message.conversation_id = to_text(row[8]);
      message.state = to_text(row[9]);
      message.last_error = to_text(row[10]);
      message.attempted_before = to_int(row[11]) != 0;
      messages.push_back(std::move(message));
    }
    return messages;
  }

  // REQUIRES: inside a transaction on `session`.
  static Status apply_job_effects(SqlSession& session, int64_t job_id, const std::string& owner, int64_t now,
                                  const JobEffects& effects) {
    JORGE_TRY(SqlRows done, session.exec("UPDATE jobs SET state = 'done', lease_owner = NULL, completed_at = $3 "
                                         "WHERE id = $1 AND state = 'running' AND lease_owner = $2",
                                         {job_id, owner, now}));
    if (done.affected == 0)
      return Error{ErrorCode::kAborted, "job lease lost: it expired and the job went to another worker"};
    if (effects.score) JORGE_TRY_STATUS(insert_lead_score(session, *effects.score));
    if (!effects.messages.empty()) {
      // All of the job's messages in one statement: one round trip however many there are.
      // Each goes to its person: a contact merged since the job read it stands for the one it
      // was merged into (the caller holds the people's locks, so no merge runs meanwhile).
      std::string sql = "INSERT INTO outbox (job_id, contact_id, kind, external_contact_id, priority, payload, due_at, "
                        "created_at, dedup_key) VALUES ";
      std::vector<SqlValue> values;
      for (const OutboxMessage& message : effects.messages) {
        JORGE_TRY(ContactId person, person_of(session, message.contact_id));
        if (person != message.contact_id) JORGE_TRY_STATUS(lock_people(session, {person}));
        const size_t base = values.size();
        sql += std::string(base ? ", " : "") + "(";
        for (size_t k = 1; k <= 9; ++k) sql += "$" + std::to_string(base + k) + (k < 9 ? ", " : ")");
        for (SqlValue value : {SqlValue{job_id}, SqlValue{person}, SqlValue{std::string(outbox_kind_name(message.kind))},
                               SqlValue{person == message.contact_id ? message.external_contact_id : std::string()},
                               SqlValue{int64_t{message.priority}}, SqlValue{message.payload},
                               SqlValue{std::max(now, to_unix_millis(message.due_at))}, SqlValue{now},
                               message.purpose.empty() ? SqlValue{} : SqlValue{outbox_dedup_key(message.purpose, person)}})
          values.push_back(std::move(value));
      }
      // A message whose key is taken (another job of the same person got there first) is
      // left out; the rest of the job's effects still apply.
      sql += " ON CONFLICT DO NOTHING";
      JORGE_TRY(SqlRows inserted, session.exec(sql, values));
      (void)inserted;
    }
    return ok_status();
  }

  static constexpr const char* kJobColumns =
      "id, kind, contact_id, raw_event_id, priority, attempts, created_at, run_at, last_error, event, interaction_id";

  static std::vector<Job> jobs_from(const SqlRows& rows) {
    std::vector<Job> jobs;
    for (const SqlRow& row : rows.rows) {
      Job job;
      job.id = to_int(row[0]);
      job.kind = to_text(row[1]);
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
  Status leased_update(const char* sql, std::vector<SqlValue> params) {
    return readers_.with_session([&](SqlSession& session) -> Status {
      JORGE_TRY(SqlRows rows, session.exec(sql, params));
      if (rows.affected == 0)
        return Error{ErrorCode::kAborted, "job lease lost: it expired and the job went to another worker"};
      return ok_status();
    });
  }

  static LeadSummary summary_from(const SqlRow& row) {
    LeadSummary summary;
    summary.id = to_int(row[0]);
    summary.full_name = to_text(row[1]);
    summary.phone = to_text(row[2]);
    summary.email = to_text(row[3]);
    summary.stage = parse_stage(to_text(row[4])).value_or(Stage::kNew);
    summary.created_at = from_unix_millis(to_int(row[5]));
    summary.updated_at = from_unix_millis(to_int(row[6]));
    return summary;
  }

  Status attach_sources(SqlSession& session, std::vector<LeadSummary>& leads) {
    if (leads.empty()) return ok_status();
    JORGE_TRY(SqlRows rows, session.exec("SELECT DISTINCT contact_id, source FROM leads WHERE contact_id >= $1 AND "
                                         "contact_id <= $2 ORDER BY contact_id, source",
                                         {leads.front().id, leads.back().id}));
    size_t at = 0;
    for (const SqlRow& row : rows.rows) {
      ContactId contact = to_int(row[0]);
      while (at < leads.size() && leads[at].id < contact) ++at;
      if (at < leads.size() && leads[at].id == contact) leads[at].sources.push_back(to_text(row[1]));
    }
    return ok_status();
  }

  void maintain_loop(std::unique_ptr<SqlSession> session) {
    std::unique_lock lock(mutex_);
    while (!closing_) {
      wake_maintainer_.wait_for(lock, std::chrono::milliseconds(500));
      if (closing_) break;
      lock.unlock();
      Status done = session->maintain();
      (void)done;  // a busy database simply waits for the next round
      lock.lock();
    }
    lock.unlock();
    (void)session->maintain();  // leave a checkpointed database behind
  }

  void write_loop(std::unique_ptr<SqlSession> session) {
    std::vector<PendingWrite> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing and drained
        while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      commit_batch(*session, batch);
      batch.clear();
    }
  }

  // One transaction for the whole batch (one fsync). If one event fails, the batch is rolled
  // back and each event retried in its own transaction, so one bad event cannot sink the rest.
  void commit_batch(SqlSession& session, std::vector<PendingWrite>& batch) {
    constexpr int kAttempts = 3;  // a serialization failure or deadlock: rerun the transaction
    for (int attempt = 1;; ++attempt) {
      Status status = try_commit_batch(session, batch);
      if (status.ok()) return;
      if (status.error().code == ErrorCode::kAborted && attempt < kAttempts) continue;
      // A connection the server dropped while it sat idle shows up on first use: retry once on
      // a fresh one before telling senders to come back (if the server is really down, the
      // reconnect fails at once).
      if (status.error().code == ErrorCode::kUnavailable && attempt == 1 && session.reconnects()) continue;
      if (batch.size() == 1 || status.error().code == ErrorCode::kUnavailable ||
          status.error().code == ErrorCode::kAborted) {
        // The database itself is failing: nobody is acknowledged, senders retry.
        for (PendingWrite& write : batch) write.done(unavailable(status.error()));
        return;
      }
      // One event is bad: commit the others without it.
      for (PendingWrite& write : batch) {
        std::vector<PendingWrite> one;
        one.push_back(std::move(write));
        commit_batch(session, one);
      }
      return;
    }
  }

  // On success runs every callback; on failure rolls back and runs none.
  Status try_commit_batch(SqlSession& session, std::vector<PendingWrite>& batch) {
    int64_t now = to_unix_millis(clock_.now());
    std::vector<Result<IngestOutcome>> outcomes;
    outcomes.reserve(batch.size());
    Status status = session.begin();
    if (status.ok()) {
      std::vector<const InboundEvent*> events;
      for (const PendingWrite& write : batch) events.push_back(&write.event);
      status = lock_identities(session, events);
    }
    if (status.ok()) {
      for (PendingWrite& write : batch) {
        outcomes.push_back(apply_event(session, write.event, write.raw_body, write.plan, now, options_));
        if (!outcomes.back().ok()) {
          status = outcomes.back().error();
          break;
        }
      }
    }
    if (status.ok()) status = session.commit();
    if (status.ok()) {
      for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(outcomes[i]));
      return ok_status();
    }
    session.rollback();
    return status;
  }

  static Error unavailable(const Error& cause) {
    if (cause.code == ErrorCode::kUnavailable || cause.code == ErrorCode::kAborted)
      return Error{ErrorCode::kUnavailable, cause.message};
    return cause;
  }

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

}  // namespace

Result<std::unique_ptr<Store>> open_sql_store(Backend backend, SessionFactory factory, Clock& clock,
                                              const StoreOptions& options) {
  auto store = std::make_unique<SqlStore>(backend, std::move(factory), clock, options);
  JORGE_TRY_STATUS(store->start());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace jorge::store::internal
