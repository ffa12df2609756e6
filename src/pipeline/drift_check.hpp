#pragma once
// Has what the model sees moved since it was trained? The population stability index of each
// of its lead features, between its training data and the leads it scored in the last week
// (scoring/drift.hpp), read from the scores the store keeps.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "scoring/lead_scorer.hpp"
#include "store/scores.hpp"

namespace jorge::pipeline {

inline constexpr int kDriftWindowDays = 7;

struct FeatureDrift {
  std::string name;
  double psi = 0;
  std::string status;  // scoring::drift_status: "stable", "moving", "drifted"
};

struct DriftReport {
  std::string model_version;
  size_t leads = 0;  // leads this model scored in the window
  std::vector<FeatureDrift> features;
  std::optional<double> max_psi;  // none when there was nothing to compare
  std::string note;               // why there is no comparison, when there is none
};

DriftReport drift_report(const scoring::LeadModel& model, const std::vector<store::LeadScoreRecord>& scores);

// The report for `model` over the last kDriftWindowDays of scores.
Result<DriftReport> check_drift(store::ScoreStore& scores, const scoring::LeadModel& model, SystemTime now);

}  // namespace jorge::pipeline
