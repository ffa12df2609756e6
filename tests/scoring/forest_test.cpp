// Our flat trees and TreeSHAP against XGBoost itself: the same predictions, and the same SHAP
// values as XGBoost's pred_contribs to 1e-5, missing values included.
#include "scoring/forest.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "scoring/training/xgboost_model.hpp"

namespace jorge::scoring {
namespace {

// A small problem with interactions, repeated features on a path and ~15 % missing values.
FeatureMatrix synthetic(size_t rows, size_t columns, std::vector<float>& labels, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform;
  FeatureMatrix x{rows, columns, std::vector<float>(rows * columns)};
  labels.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    float* row = x.values.data() + r * columns;
    for (size_t c = 0; c < columns; ++c) row[c] = uniform(random) < 0.15f ? NAN : normal(random);
    auto value = [&](size_t c) { return std::isnan(row[c]) ? 0.0f : row[c]; };
    float logit = 1.5f * value(0) - value(1) * value(2) + (value(3) > 0.5f ? 1.0f : -0.5f) + 0.3f * normal(random);
    labels[r] = uniform(random) < 1.0f / (1.0f + std::exp(-logit)) ? 1.0f : 0.0f;
  }
  return x;
}

void expect_same_as_xgboost(const XgboostModel& model, const Forest& forest, const FeatureMatrix& x) {
  auto predicted = model.predict(x);
  auto reference = model.contributions(x);
  ASSERT_TRUE(predicted.ok() && reference.ok());
  const size_t width = x.columns + 1;
  std::vector<double> phi(width);
  double worst = 0;
  for (size_t r = 0; r < x.rows; ++r) {
    EXPECT_NEAR(forest.probability(x.row(r)), (*predicted)[r], 1e-5) << "row " << r;
    forest.shap(x.row(r), phi);
    double sum = 0;
    for (size_t c = 0; c < width; ++c) {
      worst = std::max(worst, std::abs(phi[c] - (*reference)[r * width + c]));
      sum += phi[c];
    }
    EXPECT_NEAR(sum, forest.margin(x.row(r)), 1e-5) << "SHAP values must add up to the margin";
    std::vector<double> recursive(width);
    forest.shap_recursive(x.row(r), recursive);
    for (size_t c = 0; c < width; ++c) EXPECT_NEAR(recursive[c], phi[c], 1e-5) << "row " << r << " feature " << c;
  }
  EXPECT_LT(worst, 1e-5) << "largest difference from XGBoost's pred_contribs";
}

TEST(Forest, MatchesXgboostPredictionsAndShapWithMissingValues) {
  std::vector<float> y;
  FeatureMatrix x = synthetic(2000, 8, y, 7);
  BoostingParams params;
  params.max_rounds = 60;
  params.max_depth = 6;
  auto model = XgboostModel::train(x, y, params);
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto json = model->to_json();
  ASSERT_TRUE(json.ok());
  auto forest = Forest::from_xgboost_json(*json);
  ASSERT_TRUE(forest.ok()) << forest.error().message;
  EXPECT_EQ(forest->tree_count(), 60u);
  std::vector<float> unused;
  expect_same_as_xgboost(*model, *forest, synthetic(300, 8, unused, 99));
}

// Trees deeper than the tables allow (more than 10 splits on a path) are explained by the
// recursive algorithm, the others by tables, in one forest: both must agree with XGBoost. The
// forest is two models' trees in one file (shallow ones, then deep ones, then shallow again).
TEST(Forest, DeepTreesUseTheRecursiveAlgorithmBesideTables) {
  std::vector<float> y;
  FeatureMatrix x = synthetic(2000, 14, y, 11);
  const auto trained = [&](int depth, int rounds) {
    BoostingParams params;
    params.max_rounds = rounds;
    params.max_depth = depth;
    params.min_child_weight = 0;
    params.learning_rate = 0.3;
    auto model = XgboostModel::train(x, y, params);
    EXPECT_TRUE(model.ok());
    return nlohmann::json::parse(*model->to_json());
  };
  nlohmann::json merged = trained(4, 4);
  const nlohmann::json deep = trained(13, 3);
  auto& model = merged["learner"]["gradient_booster"]["model"];
  const auto& deep_trees = deep["learner"]["gradient_booster"]["model"]["trees"];
  nlohmann::json trees = nlohmann::json::array();
  for (const auto& tree : model["trees"]) trees.push_back(tree);
  trees.insert(trees.begin() + 2, deep_trees.begin(), deep_trees.end());
  for (size_t i = 0; i < trees.size(); ++i) trees[i]["id"] = i;
  model["trees"] = trees;
  model["tree_info"] = std::vector<int>(trees.size(), 0);
  model["gbtree_model_param"]["num_trees"] = std::to_string(trees.size());
  const std::string json = merged.dump();
  auto reference = XgboostModel::from_json(json);
  ASSERT_TRUE(reference.ok()) << reference.error().message;
  auto forest = Forest::from_xgboost_json(json);
  ASSERT_TRUE(forest.ok()) << forest.error().message;
  EXPECT_EQ(forest->tree_count(), 7u);
  EXPECT_GT(forest->recursive_tree_count(), 0u) << "no tree deep enough for the recursive algorithm";
  EXPECT_LT(forest->recursive_tree_count(), forest->tree_count()) << "no tree with tables";
  std::vector<float> unused;
  expect_same_as_xgboost(*reference, *forest, synthetic(100, 14, unused, 12));
}

TEST(Forest, EarlyStoppingKeepsOnlyTheBestRounds) {
  std::vector<float> y, validation_y;
  FeatureMatrix x = synthetic(1500, 8, y, 1);
  FeatureMatrix validation = synthetic(500, 8, validation_y, 2);
  BoostingParams params;
  params.max_rounds = 1000;
  params.learning_rate = 0.3;
  auto model = XgboostModel::train(x, y, params, &validation, validation_y);
  ASSERT_TRUE(model.ok());
  EXPECT_LT(model->rounds(), 1000);
  auto forest = Forest::from_xgboost_json(*model->to_json());
  ASSERT_TRUE(forest.ok());
  EXPECT_EQ(forest->tree_count(), static_cast<size_t>(model->rounds()));
}

TEST(Forest, ReadsThePeersModelFileWithIdenticalShap) {
  const std::string path = std::string(JORGE_SHARED_DIR) + "/peer/model.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present";
  auto forest = Forest::from_xgboost_file(path);
  ASSERT_TRUE(forest.ok()) << forest.error().message;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto model = XgboostModel::from_json(text.str());
  ASSERT_TRUE(model.ok());
  std::vector<float> unused;
  FeatureMatrix x = synthetic(200, forest->feature_count(), unused, 5);
  for (float& value : x.values) value = std::isnan(value) ? value : std::abs(value) * 50;  // plausible magnitudes
  expect_same_as_xgboost(*model, *forest, x);
}

TEST(Forest, RejectsWhatItCannotServe) {
  EXPECT_FALSE(Forest::from_xgboost_json("not json").ok());
  EXPECT_FALSE(Forest::from_xgboost_json(R"({"learner":{}})").ok());
  EXPECT_EQ(Forest::from_xgboost_file("/nonexistent/model.json").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace jorge::scoring
