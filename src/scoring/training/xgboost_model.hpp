#pragma once
// XGBoost through its C API, for training only: serving reads the saved JSON into a Forest.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "scoring/feature_matrix.hpp"

namespace jorge::scoring {

struct BoostingParams {
  int max_rounds = 400;
  int early_stopping_rounds = 30;
  double learning_rate = 0.05;
  int max_depth = 5;
  double min_child_weight = 1;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double reg_lambda = 1;
  int threads = 2;
  uint64_t seed = 20261125;
};

class XgboostModel {
 public:
  XgboostModel();
  ~XgboostModel();
  XgboostModel(XgboostModel&&) noexcept;
  XgboostModel& operator=(XgboostModel&&) noexcept;

  // Trains on (x, y); with a validation set, stops when its logloss has not improved for
  // params.early_stopping_rounds rounds and keeps only the rounds up to the best one.
  static Result<XgboostModel> train(const FeatureMatrix& x, std::span<const float> y, const BoostingParams& params,
                                    const FeatureMatrix* validation_x = nullptr,
                                    std::span<const float> validation_y = {});
  static Result<XgboostModel> from_json(const std::string& json);

  int rounds() const { return rounds_; }
  Result<std::vector<float>> predict(const FeatureMatrix& x) const;
  // XGBoost's own SHAP values (pred_contribs): rows × (columns + 1), the last the bias.
  Result<std::vector<float>> contributions(const FeatureMatrix& x) const;
  // Total gain per feature index.
  Result<std::vector<double>> gain_per_feature(size_t feature_count) const;
  Result<std::string> to_json() const;

 private:
  void* booster_ = nullptr;  // BoosterHandle
  int rounds_ = 0;
};

}  // namespace jorge::scoring
