#pragma once
// Identity over the store: the thresholds reviewers' decisions have tuned, and `apply_dedup`
// (what `jorge dedup --apply` runs: merges above the merge threshold, reviews between the
// thresholds). The decisions themselves are identity's (identity/dedup_plan.hpp).
#include <cstddef>
#include <functional>

#include "core/clock.hpp"
#include "identity/dedup_plan.hpp"
#include "store/identity_store.hpp"

namespace jorge::pipeline {

struct DedupSummary {
  size_t contacts = 0, candidate_pairs = 0, merged = 0, queued_for_review = 0;
  double merge_threshold = 0;
};

// The merge threshold after people's decisions so far (at least `configured.review`).
Result<identity::Thresholds> current_thresholds(store::IdentityStore& store, const identity::Thresholds& configured);

Result<DedupSummary> apply_dedup(store::IdentityStore& store, Clock& clock, const identity::Thresholds& configured,
                                 const std::function<void(size_t done, size_t total)>& progress = {});

}  // namespace jorge::pipeline
