#pragma once
// A gradient-boosted tree ensemble read from XGBoost's JSON model format, laid out flat for
// fast prediction, with exact TreeSHAP explanations computed here (Lundberg, Erion & Lee 2018,
// "Consistent individualized feature attribution for tree ensembles", algorithm 2) so serving
// needs neither XGBoost nor its per-call overhead. Missing values are NaN and follow each
// split's default direction, as in XGBoost. Binary logistic models only.
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace jorge::scoring {

class Forest {
 public:
  // Parses XGBoost's JSON model (Booster.save_model("m.json") or the C API's JSON buffer).
  static Result<Forest> from_xgboost_json(std::string_view json);
  static Result<Forest> from_xgboost_file(const std::string& path);

  size_t feature_count() const { return feature_count_; }
  size_t tree_count() const { return roots_.size(); }
  const std::vector<std::string>& feature_names() const { return feature_names_; }  // may be empty

  // The log-odds: base margin plus every tree's leaf for `x` (feature_count() values).
  double margin(std::span<const float> x) const;
  double probability(std::span<const float> x) const { return 1.0 / (1.0 + std::exp(-margin(x))); }

  // Exact SHAP values in log-odds: `phi` gets feature_count() + 1 values, the last being the
  // expected margin (bias); they sum to margin(x).
  void shap(std::span<const float> x, std::span<double> phi) const;

 private:
  struct Node {
    int32_t left = -1, right = -1;  // -1: a leaf
    int32_t feature = 0;
    float value = 0;                // split threshold (go left if x < value), or the leaf value
    float cover = 0;                // training hessian sum through this node
    bool default_left = false;
  };
  int child(const Node& node, float x) const {
    if (std::isnan(x)) return node.default_left ? node.left : node.right;
    return x < node.value ? node.left : node.right;
  }
  void shap_tree(size_t tree, std::span<const float> x, std::span<double> phi) const;

  std::vector<Node> nodes_;       // every tree's nodes, tree after tree
  std::vector<uint32_t> roots_;   // index of each tree's root in nodes_
  std::vector<int> depth_;        // each tree's depth
  std::vector<double> expected_;  // each tree's cover-weighted mean leaf value
  double base_margin_ = 0;
  size_t feature_count_ = 0;
  int max_depth_ = 0;
  std::vector<std::string> feature_names_;
};

}  // namespace jorge::scoring
