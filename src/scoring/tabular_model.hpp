#pragma once
// A model made by `jorge train` from any table: how to encode the table's columns, the trees,
// the calibration, and what the training measured — one JSON file. Scoring gives a calibrated
// probability, its interval, a tier and the reasons: exact TreeSHAP values summed back to each
// source column and scaled into score points so that they add up to the score.
#include <cmath>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/work.hpp"
#include "scoring/calibration.hpp"
#include "scoring/forest.hpp"
#include "scoring/table_encoder.hpp"

namespace jorge::scoring {

struct Reason {
  std::string field;  // the source column
  std::string value;  // its value in this row ("" when missing)
  double points = 0;  // share of the score, signed
  std::string text;   // "Lead Source is Reference: +18 points"
};

struct TableScore {
  double probability = 0;       // calibrated
  double low = 0, high = 0;     // its 95 % interval
  double score = 0;             // 0..100
  double base_points = 0;       // the score of an average row; base + Σ points = score
  Tier tier = Tier::kCold;
  std::vector<Reason> reasons;  // largest |points| first
};

struct TierThresholds {
  double hot = 70, warm = 40;  // score at or above
};
Tier tier_for(double score, const TierThresholds& thresholds);

// Splits `score - base` over contributions in proportion: points[i] = contribution[i] ×
// (score − base) / Σ contributions, so base + Σ points = score exactly.
std::vector<double> share_in_points(std::span<const double> contributions, double score, double base);
// "+18 points", "-1 point".
std::string points_text(double points);
void append_points(std::string& out, double points);  // the same, added to `out`
// The order every list of reasons is in: the larger share of the score first, whichever its sign.
inline bool weighs_more(double points, double than) { return std::abs(points) > std::abs(than); }

class TabularModel {
 public:
  // From training: `metadata` holds version, target, metrics and the rest, as a JSON object.
  static Result<TabularModel> assemble(TableEncoder encoder, const std::string& xgboost_json,
                                       IsotonicCalibration calibration, const std::string& metadata_json);
  static Result<TabularModel> from_json(const std::string& json);
  static Result<TabularModel> from_file(const std::string& path);
  Result<std::string> to_json() const;

  const std::string& version() const { return version_; }
  const std::string& id_column() const { return id_column_; }
  const TableEncoder& encoder() const { return encoder_; }
  const Forest& forest() const { return forest_; }
  const std::string& metadata_json() const { return metadata_json_; }

  // Scores one encoded row; `value_of(source)` gives the raw text of a source column for the
  // reasons. Reasons cover every source column that moved the score.
  TableScore score(std::span<const float> features, const std::function<std::string(size_t)>& value_of) const;
  // The calibrated probability alone.
  double probability(std::span<const float> features) const { return calibration_.apply(forest_.probability(features)); }

 private:
  TableEncoder encoder_;
  Forest forest_;
  IsotonicCalibration calibration_;
  TierThresholds tiers_;
  std::string version_, id_column_, xgboost_json_, metadata_json_;
};

}  // namespace jorge::scoring
