#pragma once
// GET /api/v1/models (the registry) and GET /api/v1/models/drift (PSI of each input between
// the active model's training data and the leads it scored in the last week).
#include "api/auth.hpp"
#include "core/clock.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "scoring/active_model.hpp"
#include "store/store.hpp"

namespace jorge::api {

class ModelsApi {
 public:
  ModelsApi(store::Store& store, const scoring::ActiveLeadModel& model, Clock& clock, const BearerAuth& auth,
            http::Metrics& metrics)
      : store_(store), model_(model), clock_(clock), auth_(auth), metrics_(metrics) {}
  void add_routes(http::Router& router);
  // Computes the drift report (JSON text), sets the jorge_model_drift_psi gauges and logs a
  // warning for every input past 0.2. The server also calls it on a schedule.
  Result<std::string> check_drift();

 private:
  store::Store& store_;
  const scoring::ActiveLeadModel& model_;
  Clock& clock_;
  const BearerAuth& auth_;
  http::Metrics& metrics_;
};

}  // namespace jorge::api
