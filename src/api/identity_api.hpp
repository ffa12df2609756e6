#pragma once
// Identity over HTTP, the routes
//   GET  /api/v1/identity/review           uncertain pairs with field-by-field evidence
//   POST /api/v1/identity/review/{id}      {"decision": "same" | "different"}
//   POST /api/v1/contacts/{id}/unmerge     undo the contact's latest merge exactly
//   GET  /api/v1/contacts/{id}/merges      its merges, with their evidence
// Decisions tune the merge threshold (identity/dedup_plan.hpp).
#include <functional>

#include "api/auth.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "identity/dedup_plan.hpp"
#include "store/identity_store.hpp"

namespace jorge::api {

class IdentityApi {
 public:
  // `tuned` hears the thresholds after every decision (the online matcher follows them).
  using TunedCallback = std::function<void(const identity::Thresholds&)>;
  IdentityApi(store::IdentityStore& store, Clock& clock, const BearerAuth& auth, identity::Thresholds thresholds,
              TunedCallback tuned = {})
      : store_(store), clock_(clock), auth_(auth), thresholds_(thresholds), tuned_(std::move(tuned)) {}
  void add_routes(http::Router& router);

 private:
  store::IdentityStore& store_;
  Clock& clock_;
  const BearerAuth& auth_;
  identity::Thresholds thresholds_;
  TunedCallback tuned_;
};

}  // namespace jorge::api
