#pragma once
// A gradient-boosted tree ensemble read from XGBoost's JSON model format, laid out flat for
// fast prediction, with exact TreeSHAP explanations computed here (Lundberg, Erion & Lee 2018,
// "Consistent individualized feature attribution for tree ensembles", algorithm 2) so serving
// needs neither XGBoost nor its per-call overhead. Missing values are NaN and follow each
// split's default direction, as in XGBoost. Binary logistic models only.
#include <array>
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/align/aligned_allocator.hpp>

#include "core/result.hpp"

namespace jorge::scoring {

class Forest {
 public:
  // Parses XGBoost's JSON model (Booster.save_model("m.json") or the C API's JSON buffer).
  static Result<Forest> from_xgboost_json(std::string_view json);
  static Result<Forest> from_xgboost_file(const std::string& path);

  size_t feature_count() const { return feature_count_; }
  size_t tree_count() const { return roots_.size(); }
  size_t recursive_tree_count() const { return recursive_trees_.size(); }  // trees too deep for tables
  const std::vector<std::string>& feature_names() const { return feature_names_; }  // may be empty

  // The log-odds: base margin plus every tree's leaf for `x` (feature_count() values).
  double margin(std::span<const float> x) const;
  double probability(std::span<const float> x) const { return 1.0 / (1.0 + std::exp(-margin(x))); }

  // Exact SHAP values in log-odds: `phi` gets feature_count() + 1 values, the last being the
  // expected margin (bias); they sum to margin(x).
  //
  // How: path-dependent TreeSHAP gives each leaf's share to each distinct feature on its path
  // as a function of only which of those features' conditions the row satisfies. So at load
  // every leaf gets a table over those 2^d patterns (the idea of Yang's FastTreeSHAP v2),
  // summed into one table per small subtree (see Group); per row one pass over every tree's
  // upper splits carries the pattern down as a bit mask and each subtree adds its row of the
  // table. Trees too deep for tables (d > 10, or past a memory budget) use the recursive
  // algorithm.
  void shap(std::span<const float> x, std::span<double> phi) const;
  // The recursive algorithm alone (Lundberg et al.), for tests and comparison.
  void shap_recursive(std::span<const float> x, std::span<double> phi) const;

 private:
  struct Node {
    int32_t left = -1, right = -1;  // -1: a leaf
    int32_t feature = 0;
    float value = 0;                // split threshold (go left if x < value), or the leaf value
    float cover = 0;                // training hessian sum through this node
    bool default_left = false;
    uint8_t slot = 0;       // position of `feature` among the distinct features on the path here
    uint8_t path_size = 0;  // distinct features on the path from the root to this node
  };
  // A split above the groups, as the mask pass needs it. Masks are numbered across the whole
  // forest (mask 0: every tree's root, all bits set), so one pass serves every tree.
  struct Split {
    uint32_t side;  // the row's value to compare, in sided values (see sided_index)
    float threshold;
    uint32_t self, left, right;  // masks
    uint32_t bit;                // 1 << the feature's slot on the path (slots stay below 10)
  };
  // The leaves of a small subtree (one leaf, or up to four under at most three splits) share
  // one table: its row is the subtree root's mask followed by the subtree's own split
  // decisions, and it holds the sum of all those leaves' shares for each feature on their
  // paths. One lookup then serves four leaves; the root's mask carries only bits that can be
  // 0 there (a feature not yet on the path always has its bit set).
  struct Group {
    uint32_t table = 0;         // where its rows start in tables_
    uint32_t slot = 0;          // its place in the row's lookups: lookups are kept by width
    uint32_t root = 0;          // the subtree root's mask
    uint16_t keep = 0;          // the root mask's bits that count: one per feature on its path
    uint8_t width = 0;          // values per row: at most 13 (10 path features and 3 splits)
    uint8_t stride_shift = 0;   // rows lie 2^stride_shift floats apart: the width rounded up to a
                                // power of two, so no row straddles a 64-byte line
    uint8_t mask_shift = 0;     // where the root's mask goes in the row number: above the
                                // decisions, counted in floats (split count + stride_shift)
    uint16_t split_side[3] = {0, 0, 0};  // sided values; 16 bits keep a group in 36 bytes (models
    float threshold[3] = {0, 0, 0};      // with 32,768 features or more use the recursive algorithm)
  };
  void build_tables();
  // Each group's table row for a given input is looked up into a fixed place (Group::slot):
  // the lookups sit by width, so the adding pass runs a loop of fixed length per width (a loop
  // whose length changed from row to row cost a mispredicted branch per row), and reads the
  // features of a width's groups in order, from group_features_.
  static constexpr size_t kMaxGroupWidth = 16;
  // The row's values twice over, a missing one as -inf in the first copy and +inf in the
  // second: a split compares the copy that sends a missing value its default way, so the
  // tables' passes make one comparison per split and no NaN test.
  uint32_t sided_index(int32_t feature, bool default_left) const {
    return static_cast<uint32_t>(feature) + (default_left ? 0 : static_cast<uint32_t>(feature_count_));
  }
  void fill_sided(std::span<const float> x, float* sided) const;
  // Writes where each group finds its row in tables_ into its slot of `rows`, for every tree
  // with tables.
  void table_rows(const float* sided, uint32_t* rows) const;
  // 1 when a split sends `value` left: below the threshold, or missing (NaN fails every `<`)
  // with the split's default to the left. Integer arithmetic, so the compiler emits no branch
  // for a direction a row's values make unpredictable.
  static uint32_t goes_left(float value, float threshold, uint32_t default_left) {
    return static_cast<uint32_t>(value < threshold) | (static_cast<uint32_t>(value != value) & default_left);
  }
  static int32_t child(const Node& node, float x) {
    return goes_left(x, node.value, node.default_left) ? node.left : node.right;
  }
  void shap_tree(size_t tree, std::span<const float> x, std::span<double> phi) const;

  std::vector<Node> nodes_;       // every tree's nodes, tree after tree
  std::vector<uint32_t> roots_;   // index of each tree's root in nodes_
  std::vector<int> depth_;        // each tree's depth
  std::vector<double> expected_;  // each tree's cover-weighted mean leaf value
  std::vector<Split> splits_;
  std::vector<Group> groups_;
  std::vector<uint32_t> recursive_trees_;  // trees without tables, explained by the recursive algorithm
  uint32_t mask_count_ = 1;  // masks the mask pass fills, and mask 0
  std::vector<uint16_t> group_features_;  // every group's `width` features, in slot order
  std::array<uint32_t, kMaxGroupWidth + 2> width_start_{};  // the first slot of each width
  // Tables start on a cache line, so the rows laid out within lines (Group::stride_shift) stay there.
  std::vector<float, boost::alignment::aligned_allocator<float, 64>> tables_;
  double base_margin_ = 0;
  size_t feature_count_ = 0;
  int max_depth_ = 0;
  std::vector<std::string> feature_names_;
};

}  // namespace jorge::scoring
