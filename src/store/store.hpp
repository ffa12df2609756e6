#pragma once
// The durable truth: raw events, contacts and their source records, interactions,
// opportunities and jobs. Safe to call from any thread. Two backends behind one interface:
// SQLite (sqlite://path, the embedded default) and PostgreSQL (postgresql://...).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/lead.hpp"
#include "core/result.hpp"

namespace jorge::store {

struct IngestOutcome {
  EventId event_id = 0;
  bool duplicate = false;              // the same delivery was stored before: nothing changed
  std::optional<ContactId> contact_id;  // the person it concerns, when it names one
};
// Called exactly once, on a store thread, after the outcome is durable (or known to have failed).
using IngestCallback = std::function<void(Result<IngestOutcome>)>;

// When and how urgently the job an event creates runs. Priority 0 is hot, 1 warm, 2 cold:
// lower runs first.
struct JobPlan {
  int priority = 2;
  SystemTime run_at{};  // epoch: as soon as possible
};

enum class JobState { kReady, kRunning, kDone, kDead };

struct Job {
  int64_t id = 0;
  std::string kind;
  JobEvent event = JobEvent::kContact;     // what it is about (#17)
  std::optional<int64_t> interaction_id;  // the message it concerns, for message events
  std::optional<ContactId> contact_id;
  EventId raw_event_id = 0;
  int priority = 2;
  int attempts = 0;  // claims so far, this one included
  SystemTime created_at{}, run_at{};
  std::string last_error;
};

// A message or CRM update waiting to go out (the transactional outbox).
// kUpsertContact: create or find a person in GoHighLevel who came from another source, so that
// the texts after it (queued with no CRM id yet) have someone to go to.
// kComplianceSms: a text the law or the carriers require (the STOP confirmation, the HELP
// answer): sent at once, whatever the quiet hours, to a number that just opted out too.
// kTask: a task for a person of the team in GoHighLevel (§2.4c); payload {"title", "body",
// "due_minutes"}.
enum class OutboxKind { kSms, kTags, kUpsertContact, kComplianceSms, kTask };
struct OutboxMessage {
  int64_t id = 0;
  OutboxKind kind = OutboxKind::kSms;
  ContactId contact_id = 0;
  std::string external_contact_id;  // the CRM's contact id
  int priority = 2;                 // 0 hot .. 2 cold
  std::string payload;              // SMS text, or tags one per line
  SystemTime due_at{};
  int attempts = 0;                 // claims so far, this one included
  bool attempted_before = false;    // an earlier claim may have sent it (crash mid-send)
  std::string conversation_id;
  std::string state;  // pending, sending, sent, dead, blocked
  std::string last_error;  // why it was postponed, blocked or given up
  // Which logical message this is for its person ("first-touch", "reply:<message>",
  // "follow-up:3"). The store keys the row "<purpose>:<person>", the person being the contact
  // after every merge, and the database keeps one row per key: deliveries, retries, two
  // workers or two instances racing for one person write one text (#16). Empty: no key.
  std::string purpose;
};
std::string_view outbox_kind_name(OutboxKind kind);

struct OutreachFacts {
  ContactId id = 0;
  std::string first_name, phone, state, postal_code, lead_source;
  bool do_not_disturb = false, sms_opt_out = false;
  // The CRM's id for the person, empty when the CRM never sent it. One person may have several
  // (GoHighLevel holds duplicates): every send, tag and task uses the oldest Jorge knows of,
  // the first one it received or the one its upsert returned (#16).
  std::string crm_contact_id;
  std::string last_inbound_text;  // the person's latest message to us
  bool already_texted = false;    // an SMS to them is queued or sent, by Jorge or a person of the team
  // When the third most recent automated text to them went out: Florida allows 3 a day.
  std::optional<SystemTime> third_last_text_at;
  // For scoring the lead:
  SystemTime created_at{};
  int64_t interactions = 0;                 // messages either way
  int64_t distinct_sources = 1;             // sources that sent us this person
  std::optional<double> response_hours;     // from our first message to their first reply after it
  std::string inbound_texts;                // everything they wrote, oldest first, one space apart
  std::vector<CustomField> custom_fields;
};

// A model in the registry. `body` is the model file itself (listings leave it empty).
struct ModelRecord {
  std::string version, kind, data_sha256, metrics_json, body;
  SystemTime created_at{};
  bool active = false;
};

// A score given to a lead, kept with the model version that gave it.
struct LeadScoreRecord {
  ContactId contact_id = 0;
  std::string model_version, quality;
  double score = 0;
  std::string reasons_json;   // [{"field","value","points","text"}]
  std::string features_json;  // the model's inputs, for drift
  SystemTime scored_at{};
};

// What finishing a job changes, in the same transaction as the job's completion.
struct JobEffects {
  std::vector<OutboxMessage> messages;  // id, attempts ignored
  ContactId contact = 0;                // whose opt-out changes
  std::optional<LeadScoreRecord> score;  // the lead's score from this job
};

struct TierCounts {
  int64_t depth = 0;               // ready or running
  std::optional<SystemTime> oldest;  // creation time of the oldest of them
};

struct QueueCounts {
  TierCounts by_priority[3];
  int64_t completed_in_window = 0;
  double mean_service_seconds = 0;  // claim to completion, over the window
  int64_t dead = 0;
  // Outbox messages waiting, and why (#15): due now or later or being sent, held for quiet
  // hours, blocked for good (opted out, DND).
  int64_t outbox_pending = 0, outbox_held_quiet_hours = 0, outbox_blocked = 0;
  // Messages held or stopped, by the rule that did it (#15, #16): "opted_out", "dnd",
  // "quiet_hours", "florida_limit", "time_zone_unknown", "no_common_window", "merged_duplicate".
  std::map<std::string, int64_t> outbox_held_by_rule;
};

struct LeadFilter {
  std::string source;                       // only contacts with a record from this source
  std::optional<Stage> stage;
  std::optional<SystemTime> updated_since;  // updated at or after
  ContactId after_id = 0;                   // cursor: contacts with a larger id
  int limit = 50;                           // 1..500
};

// What identity matching reads of a contact (merged contacts are left out).
struct IdentityContact {
  ContactId id = 0;
  std::string first_name, last_name, full_name, email, phone, address, city, state, postal_code;
};

struct MergeRecord {
  int64_t id = 0;
  ContactId kept = 0, merged = 0;
  double probability = 0;
  std::string evidence, decided_by;  // evidence: JSON, field by field
  SystemTime merged_at{};
  std::optional<SystemTime> undone_at;
};

struct IdentityReview {
  int64_t id = 0;
  ContactId contact_a = 0, contact_b = 0;
  double probability = 0;
  std::string evidence;  // JSON, field by field
  std::string state;     // open, merged, distinct
  SystemTime created_at{};
};

struct MailboxState {
  std::string mailbox;  // the source and account it belongs to ("email:leads@imap.example.com/INBOX")
  int64_t uidvalidity = 0, last_uid = 0;
};

struct SourceSummary {
  std::string source;
  int64_t leads = 0, contacts = 0;
  SystemTime first_lead_at{}, last_lead_at{};
};

struct LeadSummary {
  ContactId id = 0;
  std::string full_name, phone, email;
  Stage stage = Stage::kNew;
  std::vector<std::string> sources;
  SystemTime created_at{}, updated_at{};
};

struct LeadPage {
  std::vector<LeadSummary> leads;
  std::optional<ContactId> next_after_id;  // set when more leads follow
};

struct SourceRecord {
  std::string source, external_id;
  SystemTime received_at{};
  std::string payload;  // the raw body as the source sent it
  LeadOrigin origin;    // campaign, ad, form, kind of request
  std::string facts;    // JSON: the contact fields this record gave, normalised
};

struct StoredInteraction {
  std::string source;
  InteractionRecord record;
};

struct StoredOpportunity {
  std::string source;
  OpportunityRecord record;
  SystemTime updated_at{};
};

struct LeadDetail {
  LeadSummary summary;
  std::string first_name, last_name, address, city, state, postal_code, country, lead_source;
  std::vector<std::string> tags;
  bool do_not_disturb = false;
  bool sms_opt_out = false;  // the person texted STOP (or similar) to Jorge
  std::vector<CustomField> custom_fields;
  std::vector<SourceRecord> records;
  std::vector<StoredInteraction> interactions;
  std::vector<StoredOpportunity> opportunities;
  // Automated messages not sent (yet), newest first, with why (#15): pending ones with their
  // due time ("quiet hours", "rate limit", …), blocked ones ("opted out", "do not disturb") and
  // duplicates a merge cancelled ("merged into N", #16).
  struct WaitingMessage {
    int64_t id = 0;
    std::string kind, state, reason;
    SystemTime due_at{};
  };
  std::vector<WaitingMessage> waiting_messages;
  // Every change of the contact's stage and of its opportunities, oldest first (#17).
  struct StageChange {
    std::string kind;     // contact_stage, opportunity_status, opportunity_stage
    std::string subject;  // the opportunity ("ghl/<id>"); empty for the contact
    std::string from, to, reason;
    SystemTime at{};
  };
  std::vector<StageChange> stage_history;
};

struct StoreCounts {
  int64_t events = 0, contacts = 0, leads = 0, interactions = 0, jobs = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores `event` in ONE transaction: the raw event with its idempotency key, the contact
  // upsert (by the source's contact id, then phone, then e-mail), its source record, custom
  // fields, the interaction or opportunity, and a processing job. Concurrent calls share
  // commits (group commit); `done` runs only after the commit. A repeated (source,
  // idempotency_key) changes nothing and reports duplicate. kUnavailable when the database
  // cannot commit, kResourceExhausted when too many writes are already waiting: both mean
  // "nothing stored, ask the sender to retry".
  virtual void ingest_async(InboundEvent event, std::string raw_body, JobPlan plan, IngestCallback done) = 0;
  // The same, waiting for the outcome.
  Result<IngestOutcome> ingest(InboundEvent event, std::string raw_body, JobPlan plan = {});

  // Jobs: a durable priority queue with leases. Claims take due ready jobs, lowest priority
  // value first, then oldest run_at; a claim is a lease that expires at `lease_until`, after
  // which the job is claimed again (its worker is presumed dead). Several processes may claim
  // at once (PostgreSQL: FOR UPDATE SKIP LOCKED): no job is handed to two live leases.
  // Only jobs of `kind` ("process_event" for the pipeline, "fetch_facebook_lead", ...).
  virtual Result<std::vector<Job>> claim_jobs(const std::string& owner, SystemTime now, SystemTime lease_until,
                                              int max_jobs, std::string_view kind = "process_event") = 0;
  // kAborted when `owner` no longer holds the lease (it expired and someone else took it).
  virtual Status complete_job(int64_t id, const std::string& owner, SystemTime now) = 0;
  virtual Status retry_job(int64_t id, const std::string& owner, SystemTime run_at, const std::string& error) = 0;
  virtual Status bury_job(int64_t id, const std::string& owner, SystemTime now, const std::string& error) = 0;
  virtual Result<std::vector<Job>> dead_jobs(int limit) = 0;
  // Back to ready with its attempts reset; kNotFound when no dead job has this id.
  virtual Status revive_job(int64_t id, SystemTime now) = 0;
  // Depth and oldest per priority; completions and mean service time since `window_start`.
  virtual Result<QueueCounts> queue_counts(SystemTime window_start) = 0;
  // Marks the job done and applies `effects` (outbox rows, opt-out) in ONE transaction; a
  // crash leaves either both or neither. An opt-out also blocks the contact's pending SMS.
  // kAborted when the lease was lost.
  Status complete_job_with(int64_t job_id, const std::string& owner, SystemTime now, const JobEffects& effects) {
    JORGE_TRY(std::vector<bool> done, complete_jobs_with(owner, now, {{job_id, effects}}));
    if (!done.front()) return Error{ErrorCode::kAborted, "job lease lost: it expired and the job went to another worker"};
    return ok_status();
  }
  // The same for several jobs in ONE transaction (one commit, one flush, for a worker's whole
  // batch): returns, per job, whether it was completed (false: its lease was lost, nothing of
  // it was applied). Any other failure applies nothing at all.
  virtual Result<std::vector<bool>> complete_jobs_with(const std::string& owner, SystemTime now,
                                                      const std::vector<std::pair<int64_t, JobEffects>>& jobs) = 0;
  // What the pipeline needs to decide and send a text, in one query. kNotFound if no contact.
  virtual Result<OutreachFacts> outreach_facts(ContactId contact, const std::string& crm_source) = 0;

  // Outbox: claims due messages (lowest priority value first). A message whose earlier claim
  // marked an attempt (mark_outbox_attempt) comes back with attempted_before = true: its
  // outcome is unknown, so the sender must check the CRM before sending again.
  virtual Result<std::vector<OutboxMessage>> claim_outbox(const std::string& owner, SystemTime now,
                                                          SystemTime lease_until, int max_messages) = 0;
  // Records, durably, that the message is about to be sent: called right before the CRM call.
  // Renews the lease to `lease_until`, so no other sender can take the message while the call
  // is in flight (the call's timeout must be shorter than the lease).
  virtual Status mark_outbox_attempt(int64_t id, const std::string& owner, SystemTime now, SystemTime lease_until) = 0;
  enum class OutboxOutcome { kSent, kDead, kBlocked };
  // Final: sent (with the CRM's ids), dead (gave up) or blocked (compliance). kAborted when the
  // lease was lost.
  virtual Status finish_outbox(int64_t id, const std::string& owner, OutboxOutcome outcome, SystemTime now,
                               const std::string& remote_id, const std::string& conversation_id,
                               const std::string& note) = 0;
  // Back to pending until `due_at` (quiet hours, rate limit, retry). `counts_as_attempt` false
  // undoes this claim's attempt (nothing was sent).
  virtual Status postpone_outbox(int64_t id, const std::string& owner, SystemTime due_at, bool counts_as_attempt,
                                 const std::string& note) = 0;
  virtual Result<std::vector<OutboxMessage>> outbox_for_contact(ContactId contact) = 0;
  // Messages given up on (past max attempts, or refused by the CRM), oldest first.
  virtual Result<std::vector<OutboxMessage>> dead_outbox(int limit) = 0;
  // Back to pending, due now, attempts reset; an earlier unconfirmed attempt is still
  // reconciled before sending. kNotFound when no dead message has this id.
  virtual Status revive_outbox(int64_t id, SystemTime now) = 0;

  // Model registry. Adding a version already there with the same body changes nothing;
  // with another body it is kAlreadyExists.
  virtual Status add_model(const ModelRecord& model) = 0;
  virtual Result<std::vector<ModelRecord>> list_models() = 0;  // newest first, without bodies
  // Makes `version` the one active model and records the activation. kNotFound if unknown.
  virtual Status activate_model(const std::string& version, SystemTime now) = 0;
  // Activates the model active before the current one; returns its version.
  // kFailedPrecondition when there is none.
  virtual Result<std::string> rollback_model(SystemTime now) = 0;
  // The active model with its body, or nullopt when none is active.
  virtual Result<std::optional<ModelRecord>> active_model() = 0;
  // Just the active version ("" when none): cheap, for instances polling for a change.
  virtual Result<std::string> active_model_version() = 0;

  virtual Status save_lead_score(const LeadScoreRecord& score) = 0;
  virtual Result<std::optional<LeadScoreRecord>> latest_lead_score(ContactId contact) = 0;
  // Scores given since `since` (features for drift), newest first.
  virtual Result<std::vector<LeadScoreRecord>> lead_scores_since(SystemTime since, int limit) = 0;

  virtual Result<LeadPage> list_leads(const LeadFilter& filter) = 0;
  // kNotFound when there is no such contact.
  virtual Result<LeadDetail> get_lead(ContactId id) = 0;
  // Database reachable and migrations current; kUnavailable / kFailedPrecondition otherwise.
  virtual Status check_ready() = 0;
  virtual Result<StoreCounts> counts() = 0;
  // Whether the delivery with this key was committed (crash tests, reconciliation).
  virtual Result<bool> has_event(const std::string& source, const std::string& idempotency_key) = 0;
  // The idempotency key of a stored delivery (a Facebook notification's leadgen id); kNotFound.
  virtual Result<std::string> event_key(EventId id) = 0;
  // How far a lead mailbox has been read: its UIDVALIDITY and the last UID imported.
  virtual Result<std::optional<MailboxState>> mailbox_state(const std::string& mailbox) = 0;
  virtual Status save_mailbox_state(const MailboxState& state, SystemTime now) = 0;
  // Records `external_id` as the person's id in `source` (the CRM), so later texts and
  // deliveries about that id find this contact. Idempotent.
  virtual Status link_crm_contact(ContactId contact, const std::string& source, const std::string& external_id,
                                  SystemTime now) = 0;
  // Identity: contacts to match, merges with everything they moved (so they can be undone), and
  // the uncertain pairs for a person to judge.
  virtual Result<std::vector<IdentityContact>> identity_contacts() = 0;
  // Moves `merged`'s source records, messages, opportunities, custom fields, scores, jobs and
  // outbox rows to `kept`, fills `kept`'s empty fields from it, and hides it, in one
  // transaction; returns the merge's id. kFailedPrecondition when either is already merged.
  virtual Result<int64_t> merge_contacts(ContactId kept, ContactId merged, double probability,
                                         const std::string& evidence_json, const std::string& decided_by,
                                         SystemTime now) = 0;
  // Undoes the latest merge `contact` took part in (as kept or merged), restoring both contacts
  // exactly; returns the merge undone. kNotFound when there is none.
  virtual Result<MergeRecord> unmerge_contact(ContactId contact, SystemTime now) = 0;
  virtual Result<std::vector<MergeRecord>> merges_of(ContactId contact) = 0;
  // A pair to judge; a pair already queued is left as it is.
  virtual Status add_review(ContactId a, ContactId b, double probability, const std::string& evidence_json,
                            SystemTime now) = 0;
  virtual Result<std::vector<IdentityReview>> open_reviews(int limit) = 0;
  virtual Result<std::optional<IdentityReview>> identity_review(int64_t id) = 0;
  virtual Result<std::vector<IdentityReview>> decided_reviews(int limit) = 0;  // newest first
  // Merges not undone, made by `decided_by` ("dedup", "review"), newest first.
  virtual Result<std::vector<MergeRecord>> active_merges(const std::string& decided_by) = 0;
  // Records the decision ("merged" or "distinct"); kNotFound / kFailedPrecondition (decided before).
  virtual Result<IdentityReview> decide_review(int64_t id, const std::string& decision, SystemTime now) = 0;
  // Leads and distinct contacts per source so far, sources in name order.
  virtual Result<std::vector<SourceSummary>> source_summaries() = 0;
  // Waits for queued writes to finish and their callbacks to run; later writes fail kUnavailable.
  virtual void close() = 0;
};

// Online identity: for a person no exact key (source id, phone, e-mail) finds, the store reads
// the contacts sharing the person's last name and ZIP (an index) and asks this, given by the
// caller (identity), whether one of them is the same person. Pure; called inside the ingest
// transaction.
struct OnlineMatch {
  ContactId contact = 0;
  double probability = 0;
  bool same = false;         // at or above the merge threshold: the lead joins this contact
  std::string evidence_json;  // when not `same`: the pair goes to review
};
// How the candidates were found: they share the lead's last name and ZIP, or its first and
// last name anywhere (a lead without a ZIP, or with nobody at its ZIP). The matcher weighs
// them differently: namesakes across a city are far more often different people.
enum class CandidateBlock { kLastNameAndZip, kFullName };
using OnlineMatcher = std::function<std::optional<OnlineMatch>(
    const ContactFacts& incoming, const std::vector<IdentityContact>& candidates, CandidateBlock block)>;
// What an inbound text says about texting itself (bots::classify_inbound, given by the caller).
enum class ConsentKeyword { kNone, kOptOut, kHelp, kOptIn };
using ConsentClassifier = std::function<ConsentKeyword(std::string_view body)>;
// Whether the names of a delivery and of a known contact clearly belong to different people
// (identity::names_clearly_differ, given by the caller). Pure.
using NameConflict = std::function<bool(const ContactFacts& incoming, const IdentityContact& known)>;

struct StoreOptions {
  int writer_threads = 0;       // 0: the backend's default (SQLite 1, PostgreSQL 4)
  int max_batch = 512;          // events per group commit
  int max_pending = 20000;      // waiting writes before kResourceExhausted
  OnlineMatcher online_matcher;  // empty: exact keys only
  // Sources from most to least trusted (identity.source_trust): a delivery does not replace a
  // value that a more trusted source gave. Empty: the most recent source wins.
  std::vector<std::string> source_trust;
  // When set, a shared phone or e-mail alone never joins two people whose names clearly differ
  // (#14: families and offices share them): the delivery gets a contact of its own and the pair
  // goes to the review queue. A source's own contact id still finds its contact. Empty: exact
  // keys always join.
  NameConflict name_conflict;
  // When set, every inbound message is read for STOP/START in the transaction that stores it
  // (#15), before the webhook is answered: an opt-out is recorded for the sender's phone number
  // and every pending automated text to that number is blocked ("opted out"); START/UNSTOP
  // re-subscribes the number. Empty: consent is left to the pipeline.
  ConsentClassifier classify_inbound;
  // What the ingest transaction queues in answer (#15, bots.md §10.1-10.2); empty: nothing.
  // The confirmation goes once per opt-out (a second STOP gets none), with the `opted-out`
  // tag; the help text at most once a day per number.
  std::string stop_confirmation;
  std::string help_text;
};

// "sqlite://./jorge.db", "sqlite:///abs/path.db", "postgresql://user@host:port/db".
// Applies migrations. kInvalidArgument for an unknown scheme, kUnavailable when unreachable.
Result<std::unique_ptr<Store>> open_store(const std::string& url, Clock& clock, const StoreOptions& options = {});

}  // namespace jorge::store
