#pragma once
// /api/v1/queue: status (depth, age, rate, service time, recommended workers) and dead letters.
#include "api/auth.hpp"
#include "http/router.hpp"
#include "queue/job_queue.hpp"
#include "store/jobs.hpp"
#include "store/outbox.hpp"

namespace jorge::api {

class QueueApi {
 public:
  QueueApi(queue::JobQueue& jobs, store::JobStore& stored_jobs, store::OutboxStore& outbox, Clock& clock,
           const BearerAuth& auth)
      : jobs_(jobs), stored_jobs_(stored_jobs), outbox_(outbox), clock_(clock), auth_(auth) {}
  void add_routes(http::Router& router);

 private:
  queue::JobQueue& jobs_;
  store::JobStore& stored_jobs_;
  store::OutboxStore& outbox_;
  Clock& clock_;
  const BearerAuth& auth_;
};

}  // namespace jorge::api
