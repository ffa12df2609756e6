#include "pipeline/drift_check.hpp"

#include <cmath>

#include "core/json_parse.hpp"
#include "scoring/drift.hpp"
#include "scoring/lead_features.hpp"

namespace jorge::pipeline {
namespace {
constexpr int kMaxLeads = 5000;
constexpr size_t kMinLeads = 30;
}  // namespace

DriftReport drift_report(const scoring::LeadModel& model, const std::vector<store::LeadScoreRecord>& scores) {
  DriftReport report;
  report.model_version = model.version();
  if (!model.drift_reference()) {
    report.note = "this model carries no training distribution (only models made by jorge train do)";
    return report;
  }
  // The 30 lead features each score was computed from, by name.
  const auto& names = scoring::lead_feature_names();
  std::vector<std::vector<double>> columns(names.size());
  for (const auto& score : scores) {
    if (score.model_version != model.version()) continue;
    auto features = parse_json(score.features_json);
    if (!features.is_array() || features.size() != names.size()) continue;
    ++report.leads;
    for (size_t i = 0; i < names.size(); ++i)
      columns[i].push_back(features[i].is_number() ? features[i].get<double>() : NAN);
  }
  if (report.leads < kMinLeads) {
    report.note = "too few leads scored by this model in the window (" + std::to_string(report.leads) + " of " +
                  std::to_string(kMinLeads) + " needed)";
    return report;
  }
  double max_psi = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    auto reference = model.drift_reference()->find(std::string(names[i]));
    if (reference == model.drift_reference()->end()) continue;
    const double psi = scoring::population_stability(reference->second, columns[i]);
    max_psi = std::max(max_psi, psi);
    report.features.push_back({std::string(names[i]), psi, std::string(scoring::drift_status(psi))});
  }
  report.max_psi = max_psi;
  if (report.features.empty()) report.note = "none of the model's inputs is one of the 30 lead features";
  return report;
}

Result<DriftReport> check_drift(store::ScoreStore& scores, const scoring::LeadModel& model, SystemTime now) {
  // A model without a training distribution has nothing to compare: no need to read a week of scores.
  if (!model.drift_reference()) return drift_report(model, {});
  JORGE_TRY(std::vector<store::LeadScoreRecord> recent,
            scores.lead_scores_since(now - std::chrono::hours(24 * kDriftWindowDays), kMaxLeads));
  return drift_report(model, recent);
}

}  // namespace jorge::pipeline
