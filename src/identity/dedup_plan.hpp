#pragma once
// What to do with a database's contacts: which pairs to merge (probability at or above the
// merge threshold), which to put before a person (between the review and merge thresholds),
// with each pair's field-by-field evidence. Chains of merges keep the oldest contact. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "identity/matcher.hpp"

namespace jorge::identity {

struct ContactFields {
  int64_t id = 0;
  std::string first_name, last_name, full_name, email, phone, address, city, state, postal_code;
};

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
struct OnlineVerdict {
  int64_t contact = 0;
  double probability = 0;
  bool same = false;
  std::string evidence_json;
};
// How the candidates were found, which decides what their agreement is worth.
enum class OnlineBlock {
  kLastNameAndZip,  // same last name and ZIP: first name, e-mail, phone, street, city, state weigh
  kFullName,        // same first and last name anywhere: e-mail, phone, street, city, state, ZIP weigh,
                    // from a far lower prior (namesakes across a city are mostly different people)
};
std::optional<OnlineVerdict> match_online(const ContactFields& incoming, const std::vector<ContactFields>& candidates,
                                          const Thresholds& thresholds,
                                          OnlineBlock block = OnlineBlock::kLastNameAndZip);

// Decisions people made on reviewed pairs tune the merge threshold: the lowest probability at
// and above which every decided pair was judged the same person (at least `min_decisions`
// decisions; otherwise `current` stays). Never below the review threshold.
struct Decision {
  double probability = 0;
  bool same = false;
};
double tuned_merge_threshold(const std::vector<Decision>& decisions, const Thresholds& current, size_t min_decisions = 5);

}  // namespace jorge::identity
