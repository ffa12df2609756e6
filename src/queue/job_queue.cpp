#include "queue/job_queue.hpp"

#include <algorithm>
#include <cmath>

namespace jorge::queue {

bool retry_cannot_help(ErrorCode code) {
  return code == ErrorCode::kInvalidArgument || code == ErrorCode::kUnauthenticated ||
         code == ErrorCode::kFailedPrecondition || code == ErrorCode::kPayloadTooLarge;
}

int recommended_workers(int64_t depth, double service_seconds, double target_latency_seconds, int min_workers,
                        int max_workers) {
  double needed = target_latency_seconds > 0 ? std::ceil(static_cast<double>(depth) * service_seconds /
                                                         target_latency_seconds)
                                             : max_workers;
  return static_cast<int>(std::clamp<double>(needed, min_workers, max_workers));
}

JobQueue::JobQueue(store::JobStore& store, Clock& clock, QueueOptions options, std::function<double()> random01)
    : store_(store), clock_(clock), options_(options), random01_(std::move(random01)) {}

queue::JobPlan JobQueue::plan(Tier tier) const {
  switch (tier) {
    case Tier::kHot: return {0, clock_.now() + options_.hot_delay};
    case Tier::kWarm: return {1, clock_.now() + options_.warm_delay};
    case Tier::kCold: return {2, clock_.now() + options_.cold_delay};
  }
  return {2, clock_.now() + options_.cold_delay};
}

Result<std::vector<queue::Job>> JobQueue::claim(const std::string& worker, int max_jobs, JobKind kind) {
  SystemTime now = clock_.now();
  return store_.claim_jobs(worker, now, now + options_.lease, max_jobs, kind);
}

Status JobQueue::complete(const queue::Job& job, const std::string& worker) {
  return store_.complete_job(job.id, worker, clock_.now());
}

std::chrono::milliseconds JobQueue::backoff(int attempts) const {
  // Exponential, capped, with "equal jitter": half fixed, half random, so retries of many
  // jobs that failed together spread out instead of returning as one wave.
  double exponential = static_cast<double>(options_.backoff_base.count()) * std::pow(2.0, std::max(0, attempts - 1));
  double capped = std::min(exponential, static_cast<double>(options_.backoff_max.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(capped / 2 + capped / 2 * random01_()));
}

Status JobQueue::fail(const queue::Job& job, const std::string& worker, const Error& error) {
  std::string reason = std::string(error_code_name(error.code)) + ": " + error.message.substr(0, 500);
  if (retry_cannot_help(error.code) || job.attempts >= options_.max_attempts)
    return store_.bury_job(job.id, worker, clock_.now(), reason);
  return store_.retry_job(job.id, worker, clock_.now() + backoff(job.attempts), reason);
}

Result<QueueStatus> JobQueue::status() {
  SystemTime now = clock_.now();
  JORGE_TRY(queue::QueueCounts counts, store_.queue_counts(now - options_.rate_window));
  QueueStatus status;
  int64_t depth = 0;
  for (int priority = 0; priority < 3; ++priority) {
    const queue::TierCounts& tier = counts.by_priority[priority];
    double age = tier.oldest ? std::max(0.0, std::chrono::duration<double>(now - *tier.oldest).count()) : 0.0;
    status.tiers.push_back({std::string(tier_name(static_cast<Tier>(priority))), tier.depth, age});
    depth += tier.depth;
  }
  status.jobs_per_second =
      static_cast<double>(counts.completed_in_window) / std::chrono::duration<double>(options_.rate_window).count();
  status.mean_service_seconds = counts.mean_service_seconds;
  status.recommended_workers =
      recommended_workers(depth, counts.mean_service_seconds,
                          std::chrono::duration<double>(options_.target_latency).count(), options_.min_workers,
                          options_.max_workers);
  status.dead = counts.dead;
  status.outbox_pending = counts.outbox_pending;
  status.outbox_follow_ups = counts.outbox_follow_ups;
  status.outbox_held_quiet_hours = counts.outbox_held_quiet_hours;
  status.outbox_blocked = counts.outbox_blocked;
  return status;
}

void JobQueue::notify_jobs() const {
  {
    std::lock_guard lock(wake_mutex_);
    ++jobs_notified_;
  }
  jobs_ready_.notify_all();
}

void JobQueue::notify_outbox() const {
  {
    std::lock_guard lock(wake_mutex_);
    ++outbox_notified_;
  }
  outbox_ready_.notify_all();
}

uint64_t JobQueue::jobs_notified() const {
  std::lock_guard lock(wake_mutex_);
  return jobs_notified_;
}

uint64_t JobQueue::outbox_notified() const {
  std::lock_guard lock(wake_mutex_);
  return outbox_notified_;
}

void JobQueue::wait_for_jobs(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(wake_mutex_);
  jobs_ready_.wait_for(lock, timeout, [&] { return jobs_notified_ != seen; });
}

void JobQueue::wait_for_outbox(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(wake_mutex_);
  outbox_ready_.wait_for(lock, timeout, [&] { return outbox_notified_ != seen; });
}

}  // namespace jorge::queue
