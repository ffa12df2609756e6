#pragma once
// A pipeline worker: claims jobs (hot first), and for each one decides what follows from
// the event (a first-touch SMS for a new lead, an opt-out for a STOP), writing the job's
// completion and every resulting message in ONE transaction (the outbox). Nothing is sent
// here; the outbox sender does that.
#include <string>

#include "bots/first_touch.hpp"
#include "pipeline/bot_turn.hpp"
#include "pipeline/error_reporter.hpp"
#include "queue/job_queue.hpp"
#include "scoring/active_model.hpp"
#include "store/store.hpp"

namespace jorge::pipeline {

class Worker {
 public:
  // With `model`, each job also scores its lead (reasons included) and stores the score in
  // the job's transaction.
  // With `bots`, a message job also runs the conversation (pipeline/bot_turn.hpp).
  Worker(store::Store& store, queue::JobQueue& jobs, Clock& clock, bots::FirstTouchTemplates templates,
         const scoring::ActiveLeadModel* model = nullptr, ErrorReporter report = {}, const BotOptions* bots = nullptr);
  // Claims up to `max_jobs` and processes them; returns how many were processed.
  Result<int> run_once(const std::string& worker_id, int max_jobs);

 private:
  Result<store::JobEffects> effects_of(const queue::Job& job);

  store::Store& store_;
  queue::JobQueue& jobs_;
  Clock& clock_;
  bots::FirstTouchTemplates templates_;
  const scoring::ActiveLeadModel* model_;
  ErrorReporter report_;
  const BotOptions* bots_;
};

}  // namespace jorge::pipeline
