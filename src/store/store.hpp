#pragma once
// The durable truth: raw events, contacts and their source records, interactions,
// opportunities, jobs and the outbox. Safe to call from any thread. Two backends behind one
// interface: SQLite (sqlite://path, the embedded default) and PostgreSQL (postgresql://...).
//
// The store is small interfaces by role, each with its contract in its header; a module takes
// the roles it uses, not the whole store:
//   event_log.hpp       deliveries in, exactly once (ingest)
//   jobs.hpp            the durable job queue with leases, and what finishing a job writes
//   outbox.hpp          messages and CRM updates waiting to go out
//   model_registry.hpp  model versions, activation, rollback
//   scores.hpp          every score given
//   lead_reads.hpp      leads as the API, the pipeline and the CLI read them
//   identity_store.hpp  merges, unmerges, the review queue, CRM links
//   mailboxes.hpp       how far each lead mailbox has been read
//   conversations.hpp   the bots' state per person and the turns they took
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/identity_types.hpp"
#include "core/lead.hpp"
#include "core/result.hpp"
#include "store/conversations.hpp"
#include "store/event_log.hpp"
#include "store/identity_store.hpp"
#include "store/jobs.hpp"
#include "store/lead_reads.hpp"
#include "store/mailboxes.hpp"
#include "store/model_registry.hpp"
#include "store/outbox.hpp"
#include "store/scores.hpp"

namespace jorge::store {

// Every role over one database.
class Store : public EventLog,
              public JobStore,
              public OutboxStore,
              public ModelRegistry,
              public ScoreStore,
              public LeadReads,
              public IdentityStore,
              public Mailboxes,
              public ConversationStore {
 public:
  ~Store() override = default;
  // Database reachable and migrations current; kUnavailable / kFailedPrecondition otherwise.
  virtual Status check_ready() = 0;
  // Waits for queued writes to finish and their callbacks to run; later writes fail kUnavailable.
  virtual void close() = 0;
};

// Online identity: for a person no exact key (source id, phone, e-mail) finds, the store reads
// the contacts sharing the person's last name and ZIP (an index), or else its full name, and
// asks the OnlineMatcher (core/identity_types.hpp, made by identity::make_online_matcher)
// whether one of them is the same person.
// What an inbound text says about texting itself (bots::classify_inbound, given by the caller).
enum class ConsentKeyword { kNone, kOptOut, kHelp, kOptIn };
using ConsentClassifier = std::function<ConsentKeyword(std::string_view body)>;

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
