#pragma once
// Population stability index (PSI) of a feature between the data a model was trained on and
// the leads it scores now: Σ (now − then) × ln(now / then) over ten quantile bins of the
// training values plus a bin for missing. Under 0.1 stable, 0.1–0.2 moving, over 0.2 drifted
// (the usual reading; a warning is logged past 0.2).
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace jorge::scoring {

struct FeatureBins {
  std::vector<double> cuts;    // upper bounds of all bins but the last
  std::vector<double> shares;  // cuts.size() + 1 value bins, then the missing bin
};
using DriftReference = std::map<std::string, FeatureBins>;

// NaN counts as missing.
FeatureBins bins_of(std::span<const double> values, int bins = 10);
double population_stability(const FeatureBins& reference, std::span<const double> values);
std::string drift_status(double psi);  // "stable", "moving", "drifted"

std::string drift_reference_json(const DriftReference& reference);
Result<DriftReference> parse_drift_reference(const std::string& json);

}  // namespace jorge::scoring
