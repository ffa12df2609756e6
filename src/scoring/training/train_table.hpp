#pragma once
// `jorge train` on any table with a binary target: infer column types, encode, stratified
// k-fold cross-validation of XGBoost with early stopping (encodings fitted inside each fold),
// isotonic calibration on the out-of-fold predictions, a leakage guard, then the final model
// on all rows. Returns the model and a JSON report.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "scoring/columns.hpp"
#include "scoring/tabular_model.hpp"
#include "scoring/training/xgboost_model.hpp"

namespace jorge::scoring {

struct TrainTableOptions {
  std::string data_path;
  std::string target;
  std::string id_column;
  std::vector<std::string> drop;
  std::vector<std::string> na_values;  // added to the usual NA words
  int folds = 5;
  // Search depth {3,5,7} × learning rate {0.05,0.1} × min child weight {1,5} by CV AUC on the
  // same encoded folds; false: boosting's settings as given.
  bool tune = true;
  double leakage_auc = 0.95;  // a column alone above this is named as a likely leak
  TierThresholds tiers;
  EncoderOptions encoder;
  BoostingParams boosting;
  double dominant_auc = 0.85;          // a column alone at or above this is named as dominant
  double dominant_gain_share = 1.0 / 3;  // so is one carrying more than this share of the gain
  // Called once the columns are typed, before any training: show them (the run can be stopped).
  std::function<void(const std::vector<ColumnProfile>&)> on_columns;
};

struct TrainTableResult {
  TabularModel model;
  std::string report_json;
  std::vector<ColumnProfile> columns;
  std::vector<std::string> leakage_warnings;   // human sentences
  std::vector<std::string> dominance_warnings;  // human sentences: one column weighs too much
  size_t rows = 0, positives = 0, skipped_rows = 0;
  double auc = 0, auc_std = 0;
};

// `progress(done, total, what)` is called as work advances.
using TrainProgress = std::function<void(int, int, const std::string&)>;
Result<TrainTableResult> train_table(const TrainTableOptions& options, const TrainProgress& progress = {});

// "0/1", "true/false", "yes/no" (any case) -> 1/0; nullopt otherwise.
std::optional<float> parse_label(std::string_view text);

}  // namespace jorge::scoring
