#pragma once
// The event log role of the store: deliveries in, exactly once.
#include <functional>
#include <optional>
#include <string>

#include "core/lead.hpp"
#include "core/result.hpp"
#include "queue/types.hpp"

namespace jorge::store {

using queue::JobPlan;

struct IngestOutcome {
  EventId event_id = 0;
  bool duplicate = false;              // the same delivery was stored before: nothing changed
  // It could never be stored as what it says (not a passing fault: the same statement would
  // fail again), so it was kept as it came, marked with the kind of error, and nothing else
  // changed. The source must not send it again; a person looks at it (queue status counts it).
  bool unprocessable = false;
  std::optional<ContactId> contact_id;  // the person it concerns, when it names one
};

// Called exactly once, on a store thread, after the outcome is durable (or known to have failed).
using IngestCallback = std::function<void(Result<IngestOutcome>)>;

// Every delivery from every source, stored once with what it says (the contact, its record,
// the message or opportunity, consent) and the job that processes it, in one transaction.
class EventLog {
 public:
  virtual ~EventLog() = default;

  // Stores `event` in ONE transaction: the raw event with its idempotency key, the contact
  // upsert (by the source's contact id, then phone, then e-mail), its source record, custom
  // fields, the interaction or opportunity, and a processing job. Concurrent calls share
  // commits (group commit); `done` runs only after the commit. A repeated (source,
  // idempotency_key) changes nothing and reports duplicate. kUnavailable when the database
  // cannot commit, kResourceExhausted when too many writes are already waiting: both mean
  // "nothing stored, ask the sender to retry". Any other failure of the event's transaction
  // keeps the raw delivery alone and reports it `unprocessable`.
  virtual void ingest_async(InboundEvent event, std::string raw_body, JobPlan plan, IngestCallback done) = 0;

  // The same, waiting for the outcome.
  Result<IngestOutcome> ingest(InboundEvent event, std::string raw_body, JobPlan plan = {});

  // Whether the delivery with this key was committed (crash tests, reconciliation).
  virtual Result<bool> has_event(const std::string& source, const std::string& idempotency_key) = 0;

  // The idempotency key of a stored delivery (a Facebook notification's leadgen id); kNotFound.
  virtual Result<std::string> event_key(EventId id) = 0;
};

}  // namespace jorge::store
