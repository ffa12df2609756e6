#pragma once
// /api/v1/queue: status (depth, age, rate, service time, recommended workers) and dead letters.
#include "api/auth.hpp"
#include "http/router.hpp"
#include "queue/job_queue.hpp"

namespace jorge::api {

class QueueApi {
 public:
  QueueApi(queue::JobQueue& jobs, store::Store& store, Clock& clock, const BearerAuth& auth)
      : jobs_(jobs), store_(store), clock_(clock), auth_(auth) {}
  void add_routes(http::Router& router);

 private:
  queue::JobQueue& jobs_;
  store::Store& store_;
  Clock& clock_;
  const BearerAuth& auth_;
};

}  // namespace jorge::api
