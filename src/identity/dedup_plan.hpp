#pragma once
// What to do with a database's contacts: which pairs to merge (probability at or above the
// merge threshold), which to put before a person (between the review and merge thresholds),
// with each pair's field-by-field evidence. Chains of merges keep the oldest contact. Pure.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/identity_types.hpp"
#include "identity/matcher.hpp"

namespace jorge::identity {

struct PlannedPair {
  int64_t kept = 0, other = 0;  // kept: the older contact (smaller id)
  double probability = 0;
  std::string evidence_json;  // {"field": {"a": ..., "b": ..., "agreement": "agree|close|disagree|missing"}, ...}
};

struct DedupPlan {
  std::vector<PlannedPair> merges;   // in an order that can be applied one by one
  std::vector<PlannedPair> reviews;
  size_t contacts = 0, candidate_pairs = 0;
  LinkageModel model;
};

struct Thresholds {
  double merge = 0.95, review = 0.5;  // merge = 1: no automatic merges, every pair is reviewed
};

DedupPlan plan_dedup(const std::vector<ContactFields>& contacts, const Thresholds& thresholds);

// Online: is `incoming` one of `candidates` (contacts with the same last name and ZIP, found by
// an index)? Fixed weights (documented in docs/identity.md) because one new lead is no sample
// for EM: agreeing first names and street addresses count for, different first names strongly
// against (a household shares name and address), different phones and e-mails only a little
// (people use several). The best candidate's probability, `same` at or above the merge
// threshold; nothing below the review threshold.
std::optional<OnlineMatch> match_online(const ContactFields& incoming, const std::vector<ContactFields>& candidates,
                                        const Thresholds& thresholds,
                                        CandidateBlock block = CandidateBlock::kLastNameAndZip);

// The matcher the store runs for each new person no exact key finds (serve, import and backfill
// alike): match_online at `thresholds`, with the merge threshold read from `tuned_merge` at each
// call when given (reviewers' decisions move it while the server runs).
OnlineMatcher make_online_matcher(Thresholds thresholds, std::shared_ptr<const std::atomic<double>> tuned_merge = nullptr);

// names_clearly_differ over a delivery and a stored contact: a shared phone or e-mail alone
// never joins two people whose names clearly differ (#14).
NameConflict make_name_conflict();

// Decisions people made on reviewed pairs tune the merge threshold: the lowest probability at
// and above which every decided pair was judged the same person (at least `min_decisions`
// decisions; otherwise `current` stays). Never below the review threshold.
struct Decision {
  double probability = 0;
  bool same = false;
};
double tuned_merge_threshold(const std::vector<Decision>& decisions, const Thresholds& current, size_t min_decisions = 5);

}  // namespace jorge::identity
