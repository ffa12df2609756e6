#pragma once
// The outbox role of the store: messages and CRM updates waiting to go out, with leases.
#include <string>
#include <vector>

#include "core/result.hpp"
#include "queue/types.hpp"

namespace jorge::store {

// The queue's values, as this role stores them.
using queue::OutboxKind;
using queue::OutboxMessage;

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

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
};

}  // namespace jorge::store
