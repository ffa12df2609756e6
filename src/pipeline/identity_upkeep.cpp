#include "pipeline/identity_upkeep.hpp"

namespace jorge::pipeline {

Result<identity::Thresholds> current_thresholds(store::IdentityStore& store, const identity::Thresholds& configured) {
  JORGE_TRY(std::vector<store::IdentityReview> decided, store.decided_reviews(1000));
  std::vector<identity::Decision> decisions;
  for (const auto& review : decided) decisions.push_back({review.probability, review.state == "merged"});
  identity::Thresholds thresholds = configured;
  thresholds.merge = identity::tuned_merge_threshold(decisions, configured);
  return thresholds;
}

Result<DedupSummary> apply_dedup(store::IdentityStore& store, Clock& clock, const identity::Thresholds& configured,
                                 const std::function<void(size_t, size_t)>& progress) {
  JORGE_TRY(identity::Thresholds thresholds, current_thresholds(store, configured));
  JORGE_TRY(std::vector<ContactFields> contacts, store.identity_contacts());
  identity::DedupPlan plan = identity::plan_dedup(contacts, thresholds);
  DedupSummary summary{plan.contacts, plan.candidate_pairs, 0, 0, thresholds.merge};
  size_t done = 0, total = plan.merges.size() + plan.reviews.size();
  for (const auto& merge : plan.merges) {
    auto merged = store.merge_contacts(merge.kept, merge.other, merge.probability, merge.evidence_json, "dedup", clock.now());
    if (merged.ok()) ++summary.merged;
    else if (merged.error().code != ErrorCode::kFailedPrecondition) return merged.error();
    if (progress && ++done % 100 == 0) progress(done, total);
  }
  for (const auto& review : plan.reviews) {
    JORGE_TRY_STATUS(store.add_review(review.kept, review.other, review.probability, review.evidence_json, clock.now()));
    ++summary.queued_for_review;
    if (progress && ++done % 100 == 0) progress(done, total);
  }
  if (progress) progress(total, total);
  return summary;
}

}  // namespace jorge::pipeline
