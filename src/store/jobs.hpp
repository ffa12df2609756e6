#pragma once
// The jobs role of the store: a durable priority queue with leases.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "queue/types.hpp"
#include "store/conversations.hpp"
#include "store/scores.hpp"

namespace jorge::store {

// The queue's values, as this role stores them.
using queue::Job;
using queue::JobPlan;
using queue::OutboxKind;
using queue::OutboxMessage;
using queue::QueueCounts;

// What finishing a job changes, in the same transaction as the job's completion.
struct JobEffects {
  std::vector<OutboxMessage> messages;  // id, attempts ignored
  ContactId contact = 0;                // whose opt-out changes
  std::optional<LeadScoreRecord> score;  // the lead's score from this job
  // The bots' conversation after this job, written before the messages (its cancellations
  // first, so a new reply is never the one cancelled). A stale version: the job is not
  // completed (as for a lost lease) and runs again.
  std::optional<ConversationWrite> conversation;
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Jobs: a durable priority queue with leases. Claims take due ready jobs, lowest priority
  // value first, then oldest run_at; a claim is a lease that expires at `lease_until`, after
  // which the job is claimed again (its worker is presumed dead). Several processes may claim
  // at once (PostgreSQL: FOR UPDATE SKIP LOCKED): no job is handed to two live leases.
  // Only jobs of `kind`.
  virtual Result<std::vector<Job>> claim_jobs(const std::string& owner, SystemTime now, SystemTime lease_until,
                                              int max_jobs, JobKind kind = JobKind::kProcessEvent) = 0;

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
};

}  // namespace jorge::store
