#pragma once
// The durable priority queue's policy over the Store: tier delays (hot before warm before
// cold), leases, retries with exponential backoff and jitter, dead letters after
// max_attempts, and the status that tells how many workers are needed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/work.hpp"
#include "store/jobs.hpp"

namespace jorge::queue {

struct QueueOptions {
  std::chrono::seconds hot_delay{0}, warm_delay{60}, cold_delay{300};  // queue.hot_delay, ...
  int max_attempts = 8;
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds backoff_base{1'000}, backoff_max{600'000};
  std::chrono::milliseconds target_latency{1'000};  // how fast a due job should start
  int min_workers = 1, max_workers = 16;
  std::chrono::seconds rate_window{60};  // jobs/s and service time are measured over this
};

struct TierStatus {
  std::string tier;  // "hot", "warm", "cold"
  int64_t depth = 0;
  double oldest_age_seconds = 0;
};

struct QueueStatus {
  std::vector<TierStatus> tiers;
  double jobs_per_second = 0;
  double mean_service_seconds = 0;
  int recommended_workers = 1;
  int64_t dead = 0;
  int64_t outbox_pending = 0, outbox_held_quiet_hours = 0, outbox_blocked = 0;  // queue::QueueCounts
  int64_t outbox_follow_ups = 0;  // the bots' follow-ups scheduled for a later day (#19)
};

// The one retry policy of jobs and outbox messages (#17): these errors say trying again cannot
// help until a person fixes something (bad input, wrong credentials, a state that forbids it,
// a body over a limit): a dead letter at once. Everything else retries with backoff.
bool retry_cannot_help(ErrorCode code);

// ceil(depth × service_time / target_latency), clamped to [min, max].
int recommended_workers(int64_t depth, double service_seconds, double target_latency_seconds, int min_workers,
                        int max_workers);

class JobQueue {
 public:
  // `random01` returns a uniform number in [0, 1): injected so backoff jitter is testable.
  JobQueue(store::JobStore& store, Clock& clock, QueueOptions options, std::function<double()> random01);

  // The plan for the job of a lead with this pre-score: priority and start delay by tier.
  queue::JobPlan plan(Tier tier) const;
  Result<std::vector<queue::Job>> claim(const std::string& worker, int max_jobs,
                                        JobKind kind = JobKind::kProcessEvent);
  Status complete(const queue::Job& job, const std::string& worker);
  // Retries later with backoff, or buries the job once it has had max_attempts. Errors whose
  // code says retrying cannot help (retry_cannot_help) bury it at once.
  Status fail(const queue::Job& job, const std::string& worker, const Error& error);
  std::chrono::milliseconds backoff(int attempts) const;
  Result<QueueStatus> status();

  // In-process wake-ups: a webhook that stored a job, or a worker that queued a text, wakes the
  // thread that takes it rather than letting it sleep out its poll (#19: a reply within tens
  // of milliseconds). Other instances still find the work at their next poll.
  void notify_jobs() const;
  void notify_outbox() const;
  // How many notifications so far: taken before looking for work, so that a notification that
  // arrives while the thread looks is not slept through.
  uint64_t jobs_notified() const;
  uint64_t outbox_notified() const;
  // Returns at once if notified since `seen`, else when notified or after `timeout`.
  void wait_for_jobs(uint64_t seen, std::chrono::milliseconds timeout) const;
  void wait_for_outbox(uint64_t seen, std::chrono::milliseconds timeout) const;

 private:
  store::JobStore& store_;
  Clock& clock_;
  QueueOptions options_;
  std::function<double()> random01_;
  mutable std::mutex wake_mutex_;
  mutable std::condition_variable jobs_ready_, outbox_ready_;
  mutable uint64_t jobs_notified_ = 0, outbox_notified_ = 0;
};

}  // namespace jorge::queue
