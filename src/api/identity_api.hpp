#pragma once
// Identity over the store: `apply_dedup` (what `jorge dedup --apply` runs: merges above the
// merge threshold, reviews between the thresholds), and the routes
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
#include "store/store.hpp"

namespace jorge::api {

struct DedupSummary {
  size_t contacts = 0, candidate_pairs = 0, merged = 0, queued_for_review = 0;
  double merge_threshold = 0;
};
// The merge threshold after people's decisions so far (at least `configured.review`).
Result<identity::Thresholds> current_thresholds(store::Store& store, const identity::Thresholds& configured);
Result<DedupSummary> apply_dedup(store::Store& store, Clock& clock, const identity::Thresholds& configured,
                                 const std::function<void(size_t done, size_t total)>& progress = {});

class IdentityApi {
 public:
  // `tuned` hears the thresholds after every decision (the online matcher follows them).
  using TunedCallback = std::function<void(const identity::Thresholds&)>;
  IdentityApi(store::Store& store, Clock& clock, const BearerAuth& auth, identity::Thresholds thresholds,
              TunedCallback tuned = {})
      : store_(store), clock_(clock), auth_(auth), thresholds_(thresholds), tuned_(std::move(tuned)) {}
  void add_routes(http::Router& router);

 private:
  store::Store& store_;
  Clock& clock_;
  const BearerAuth& auth_;
  identity::Thresholds thresholds_;
  TunedCallback tuned_;
};

}  // namespace jorge::api
