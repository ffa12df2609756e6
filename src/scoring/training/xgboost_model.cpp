#include "scoring/training/xgboost_model.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <string_view>

namespace jorge::scoring {
namespace {

Error xgboost_error(const char* what) {
  return Error{ErrorCode::kInternal, std::string("xgboost ") + what + ": " + XGBGetLastError()};
}

// Owns a DMatrixHandle.
struct Matrix {
  DMatrixHandle handle = nullptr;
  ~Matrix() {
    if (handle) XGDMatrixFree(handle);
  }
};

Status make_matrix(const FeatureMatrix& x, std::span<const float> y, Matrix& out) {
  if (XGDMatrixCreateFromMat(x.values.data(), x.rows, x.columns, std::numeric_limits<float>::quiet_NaN(),
                             &out.handle) != 0)
    return xgboost_error("matrix");
  if (!y.empty() && XGDMatrixSetFloatInfo(out.handle, "label", y.data(), y.size()) != 0)
    return xgboost_error("labels");
  return ok_status();
}

}  // namespace

XgboostModel::XgboostModel() = default;
XgboostModel::~XgboostModel() {
  if (booster_) XGBoosterFree(booster_);
}
XgboostModel::XgboostModel(XgboostModel&& other) noexcept : booster_(other.booster_), rounds_(other.rounds_) {
  other.booster_ = nullptr;
}
XgboostModel& XgboostModel::operator=(XgboostModel&& other) noexcept {
  std::swap(booster_, other.booster_);
  std::swap(rounds_, other.rounds_);
  return *this;
}

Result<XgboostModel> XgboostModel::train(const FeatureMatrix& x, std::span<const float> y, const BoostingParams& params,
                                         const FeatureMatrix* validation_x, std::span<const float> validation_y) {
  Matrix train, validation;
  JORGE_TRY_STATUS(make_matrix(x, y, train));
  if (validation_x) JORGE_TRY_STATUS(make_matrix(*validation_x, validation_y, validation));
  XgboostModel model;
  DMatrixHandle cache[] = {train.handle, validation.handle};
  if (XGBoosterCreate(cache, validation_x ? 2 : 1, &model.booster_) != 0) return xgboost_error("booster");
  const std::pair<const char*, std::string> settings[] = {
      {"objective", "binary:logistic"},
      {"eval_metric", "logloss"},
      {"tree_method", "hist"},
      {"eta", std::to_string(params.learning_rate)},
      {"max_depth", std::to_string(params.max_depth)},
      {"min_child_weight", std::to_string(params.min_child_weight)},
      {"subsample", std::to_string(params.subsample)},
      {"colsample_bytree", std::to_string(params.colsample_bytree)},
      {"lambda", std::to_string(params.reg_lambda)},
      {"nthread", std::to_string(params.threads)},
      {"seed", std::to_string(params.seed)},
      {"verbosity", "0"}};
  for (const auto& [name, value] : settings)
    if (XGBoosterSetParam(model.booster_, name, value.c_str()) != 0) return xgboost_error(name);
  double best_loss = std::numeric_limits<double>::infinity();
  int best_round = 0;
  for (int round = 0; round < params.max_rounds; ++round) {
    if (XGBoosterUpdateOneIter(model.booster_, round, train.handle) != 0) return xgboost_error("training round");
    model.rounds_ = round + 1;
    if (!validation_x) continue;
    const char* names[] = {"validation"};
    const char* result = nullptr;
    if (XGBoosterEvalOneIter(model.booster_, round, &validation.handle, names, 1, &result) != 0)
      return xgboost_error("evaluation");
    std::string_view text(result);
    size_t colon = text.rfind(':');
    double loss = colon == std::string_view::npos ? NAN : std::strtod(result + colon + 1, nullptr);
    if (loss < best_loss - 1e-7) {
      best_loss = loss;
      best_round = round + 1;
    } else if (round + 1 - best_round >= params.early_stopping_rounds) {
      break;
    }
  }
  if (validation_x && best_round > 0 && best_round < model.rounds_) {
    BoosterHandle sliced = nullptr;
    if (XGBoosterSlice(model.booster_, 0, best_round, 1, &sliced) != 0) return xgboost_error("slice");
    XGBoosterFree(model.booster_);
    model.booster_ = sliced;
    model.rounds_ = best_round;
  }
  return model;
}

Result<XgboostModel> XgboostModel::from_json(const std::string& json) {
  XgboostModel model;
  if (XGBoosterCreate(nullptr, 0, &model.booster_) != 0) return xgboost_error("booster");
  if (XGBoosterLoadModelFromBuffer(model.booster_, json.data(), json.size()) != 0) return xgboost_error("load");
  XGBoosterSetParam(model.booster_, "nthread", "1");
  int rounds = 0;
  if (XGBoosterBoostedRounds(model.booster_, &rounds) == 0) model.rounds_ = rounds;
  return model;
}

Result<std::vector<float>> XgboostModel::predict(const FeatureMatrix& x) const {
  Matrix matrix;
  JORGE_TRY_STATUS(make_matrix(x, {}, matrix));
  bst_ulong length = 0;
  const float* values = nullptr;
  if (XGBoosterPredict(booster_, matrix.handle, 0, 0, 0, &length, &values) != 0) return xgboost_error("predict");
  return std::vector<float>(values, values + length);
}

Result<std::vector<float>> XgboostModel::contributions(const FeatureMatrix& x) const {
  Matrix matrix;
  JORGE_TRY_STATUS(make_matrix(x, {}, matrix));
  bst_ulong length = 0;
  const float* values = nullptr;
  if (XGBoosterPredict(booster_, matrix.handle, 4 /* pred_contribs */, 0, 0, &length, &values) != 0)
    return xgboost_error("contributions");
  return std::vector<float>(values, values + length);
}

Result<std::vector<double>> XgboostModel::gain_per_feature(size_t feature_count) const {
  bst_ulong count = 0, dimension = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  if (XGBoosterFeatureScore(booster_, R"({"importance_type":"total_gain"})", &count, &names, &dimension, &shape,
                            &scores) != 0)
    return xgboost_error("feature importance");
  std::vector<double> gains(feature_count, 0.0);
  for (bst_ulong i = 0; i < count; ++i) {
    std::string_view name(names[i]);  // "f<index>" when the matrix had no names
    if (name.size() < 2 || name[0] != 'f') continue;
    size_t index = std::strtoul(names[i] + 1, nullptr, 10);
    if (index < feature_count) gains[index] = scores[i];
  }
  return gains;
}

Result<std::string> XgboostModel::to_json() const {
  bst_ulong length = 0;
  const char* buffer = nullptr;
  if (XGBoosterSaveModelToBuffer(booster_, R"({"format":"json"})", &length, &buffer) != 0) return xgboost_error("save");
  return std::string(buffer, length);
}

}  // namespace jorge::scoring
