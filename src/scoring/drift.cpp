#include "scoring/drift.hpp"

#include "core/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace jorge::scoring {
namespace {

std::vector<double> shares_in(const std::vector<double>& cuts, std::span<const double> values) {
  std::vector<double> counts(cuts.size() + 2, 0.0);
  for (double value : values) {
    if (std::isnan(value)) ++counts.back();
    else ++counts[static_cast<size_t>(std::lower_bound(cuts.begin(), cuts.end(), value) - cuts.begin())];
  }
  for (double& count : counts) count = values.empty() ? 0 : count / static_cast<double>(values.size());
  return counts;
}

}  // namespace

FeatureBins bins_of(std::span<const double> values, int bins) {
  std::vector<double> present;
  for (double value : values)
    if (!std::isnan(value)) present.push_back(value);
  std::sort(present.begin(), present.end());
  FeatureBins result;
  for (int q = 1; q < bins && !present.empty(); ++q) {
    double cut = present[present.size() * static_cast<size_t>(q) / static_cast<size_t>(bins)];
    if (result.cuts.empty() || cut > result.cuts.back()) result.cuts.push_back(cut);  // ties make fewer bins
  }
  result.shares = shares_in(result.cuts, values);
  return result;
}

double population_stability(const FeatureBins& reference, std::span<const double> values) {
  const std::vector<double> now = shares_in(reference.cuts, values);
  constexpr double kFloor = 1e-4;  // an empty bin on either side must not make the index infinite
  double psi = 0;
  for (size_t i = 0; i < now.size() && i < reference.shares.size(); ++i) {
    const double then = std::max(reference.shares[i], kFloor), current = std::max(now[i], kFloor);
    psi += (current - then) * std::log(current / then);
  }
  return psi;
}

std::string drift_status(double psi) { return psi > 0.2 ? "drifted" : psi > 0.1 ? "moving" : "stable"; }

std::string drift_reference_json(const DriftReference& reference) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, bins] : reference) out[name] = {{"cuts", bins.cuts}, {"shares", bins.shares}};
  return out.dump();
}

Result<DriftReference> parse_drift_reference(const std::string& json) {
  auto root = parse_json(json);
  if (!root.is_object()) return Error{ErrorCode::kInvalidArgument, "drift reference: not a JSON object"};
  DriftReference reference;
  try {
    for (const auto& [name, bins] : root.items())
      reference[name] = {bins.at("cuts").get<std::vector<double>>(), bins.at("shares").get<std::vector<double>>()};
  } catch (const std::exception& error) {
    return Error{ErrorCode::kInvalidArgument, std::string("drift reference: ") + error.what()};
  }
  return reference;
}

}  // namespace jorge::scoring
