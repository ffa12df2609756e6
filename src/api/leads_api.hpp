#pragma once
// REST under /api/v1/leads: list with filters and a cursor, one lead in full, manual entry.
#include "api/auth.hpp"
#include "http/router.hpp"
#include "queue/job_queue.hpp"
#include "scoring/active_model.hpp"
#include "store/store.hpp"

namespace jorge::api {

class LeadsApi {
 public:
  LeadsApi(store::Store& store, const queue::JobQueue& jobs, const BearerAuth& auth,
           const scoring::ActiveLeadModel& model)
      : store_(store), jobs_(jobs), auth_(auth), model_(model) {}
  void add_routes(http::Router& router);

 private:
  void list(http::Request& request, http::Respond respond);
  void get(http::Request& request, http::Respond respond);
  void create(http::Request& request, http::Respond respond);

  store::Store& store_;
  const queue::JobQueue& jobs_;
  const BearerAuth& auth_;
  const scoring::ActiveLeadModel& model_;
};

}  // namespace jorge::api
