#include "scoring/tabular_model.hpp"
#include "core/files.hpp"
#include "core/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace jorge::scoring {
namespace {
constexpr const char* kFormat = "jorge-model/1";

}  // namespace

std::vector<double> share_in_points(std::span<const double> contributions, double score, double base) {
  double total = 0;
  for (double value : contributions) total += value;
  const double scale = std::abs(total) > 1e-12 ? (score - base) / total : 0.0;
  std::vector<double> points(contributions.size());
  for (size_t i = 0; i < contributions.size(); ++i) points[i] = contributions[i] * scale;
  return points;
}

void append_points(std::string& out, double points) {
  const double rounded = std::round(points) == 0 ? 0.0 : std::round(points);  // no "-0"
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(rounded));
  if (rounded >= 0) out += '+';
  out.append(buffer, end).append(std::abs(rounded) == 1 ? " point" : " points");
}

std::string points_text(double points) {
  std::string text;
  append_points(text, points);
  return text;
}

Tier tier_for(double score, const TierThresholds& thresholds) {
  return score >= thresholds.hot ? Tier::kHot : score >= thresholds.warm ? Tier::kWarm : Tier::kCold;
}

Result<TabularModel> TabularModel::assemble(TableEncoder encoder, const std::string& xgboost_json,
                                            IsotonicCalibration calibration, const std::string& metadata_json) {
  TabularModel model;
  JORGE_TRY(model.forest_, Forest::from_xgboost_json(xgboost_json));
  if (model.forest_.feature_count() != encoder.feature_names().size())
    return Error{ErrorCode::kInvalidArgument, "the trees expect " + std::to_string(model.forest_.feature_count()) +
                                                  " features, the encoder makes " +
                                                  std::to_string(encoder.feature_names().size())};
  auto metadata = parse_json(metadata_json);
  if (!metadata.is_object()) return Error{ErrorCode::kInvalidArgument, "model metadata is not a JSON object"};
  model.encoder_ = std::move(encoder);
  model.calibration_ = std::move(calibration);
  model.xgboost_json_ = xgboost_json;
  model.metadata_json_ = metadata_json;
  model.version_ = metadata.value("version", "unversioned");
  model.id_column_ = metadata.value("id_column", "");
  if (metadata.contains("tiers")) {
    model.tiers_.hot = metadata["tiers"].value("hot", 70.0);
    model.tiers_.warm = metadata["tiers"].value("warm", 40.0);
  }
  return model;
}

Result<std::string> TabularModel::to_json() const {
  auto root = nlohmann::json::parse(metadata_json_);
  root["format"] = kFormat;
  JORGE_TRY(std::string encoder, encoder_.to_json());
  root["encoder"] = nlohmann::json::parse(encoder);
  root["calibration"] = nlohmann::json::parse(calibration_.to_json());
  root["xgboost"] = nlohmann::json::parse(xgboost_json_);
  return root.dump();
}

Result<TabularModel> TabularModel::from_json(const std::string& json) {
  auto root = parse_json(json);
  if (root.is_discarded() || !root.is_object() || root.value("format", "") != kFormat)
    return Error{ErrorCode::kInvalidArgument, std::string("not a Jorge model file (expected \"format\": \"") + kFormat +
                                                  "\"; make one with jorge train)"};
  try {
    JORGE_TRY(TableEncoder encoder, TableEncoder::from_json(root.at("encoder").dump()));
    JORGE_TRY(IsotonicCalibration calibration, IsotonicCalibration::from_json(root.at("calibration").dump()));
    std::string trees = root.at("xgboost").dump();
    for (const char* part : {"encoder", "calibration", "xgboost", "format"}) root.erase(part);
    return assemble(std::move(encoder), trees, std::move(calibration), root.dump());
  } catch (const std::exception& error) {
    return Error{ErrorCode::kInvalidArgument, std::string("model file: ") + error.what()};
  }
}

Result<TabularModel> TabularModel::from_file(const std::string& path) {
  JORGE_TRY(std::string contents, read_file(path));
  auto model = from_json(contents);
  if (!model.ok()) return Error{model.error().code, path + ": " + model.error().message};
  return model;
}

TableScore TabularModel::score(std::span<const float> features, const std::function<std::string(size_t)>& value_of) const {
  TableScore result;
  const size_t n = forest_.feature_count();
  thread_local std::vector<double> phi;
  phi.assign(n + 1, 0.0);
  forest_.shap(features, phi);
  double margin = 0;
  for (double value : phi) margin += value;
  const double raw = 1 / (1 + std::exp(-margin));
  result.probability = calibration_.apply(raw);
  std::tie(result.low, result.high) = calibration_.interval(raw);
  result.score = std::round(result.probability * 1000) / 10;
  result.base_points = 100 * calibration_.apply(1 / (1 + std::exp(-phi[n])));
  result.tier = tier_for(result.score, tiers_);
  // Log-odds contributions per source column, then shared out in score points.
  std::vector<double> per_source(encoder_.source_columns().size(), 0.0);
  for (size_t f = 0; f < n; ++f) per_source[encoder_.feature_source()[f]] += phi[f];
  const std::vector<double> points = share_in_points(per_source, result.score, result.base_points);
  for (size_t s = 0; s < per_source.size(); ++s) {
    if (per_source[s] == 0) continue;
    Reason reason;
    reason.field = encoder_.source_columns()[s];
    reason.value = value_of(s);
    reason.points = points[s];
    reason.text = (reason.value.empty() ? reason.field + " not given" : reason.field + " is " + reason.value) + ": " +
                  points_text(reason.points);
    result.reasons.push_back(std::move(reason));
  }
  std::sort(result.reasons.begin(), result.reasons.end(),
            [](const Reason& a, const Reason& b) { return weighs_more(a.points, b.points); });
  return result;
}

}  // namespace jorge::scoring
