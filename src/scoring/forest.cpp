#include "scoring/forest.hpp"
#include "core/files.hpp"
#include "core/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <limits>
#include <type_traits>
#include <utility>

namespace jorge::scoring {

namespace {

Error bad_model(const std::string& why) {
  return Error{ErrorCode::kInvalidArgument, "not a usable XGBoost JSON model: " + why};
}

double number_from(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) return std::stod(value.get<std::string>());
  throw std::invalid_argument("expected a number");
}

// One element of the path of splits from the root to the current node (Lundberg et al.):
// which feature split, what fraction of "feature unknown" and "feature known" paths flow
// on, and the permutation weight of subsets of that size.
struct PathElement {
  int feature;
  double zero_fraction, one_fraction, weight;
};

void extend_path(PathElement* path, int depth, double zero_fraction, double one_fraction, int feature) {
  path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0 : 0.0};
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].weight += one_fraction * path[i].weight * (i + 1) / static_cast<double>(depth + 1);
    path[i].weight = zero_fraction * path[i].weight * (depth - i) / static_cast<double>(depth + 1);
  }
}

void unwind_path(PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction, zero = path[index].zero_fraction;
  double next_one_portion = path[depth].weight;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double previous = path[i].weight;
      path[i].weight = next_one_portion * (depth + 1) / ((i + 1) * one);
      next_one_portion = previous - path[i].weight * zero * (depth - i) / static_cast<double>(depth + 1);
    } else {
      path[i].weight = path[i].weight * (depth + 1) / (zero * (depth - i));
    }
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// The total weight the path would have without element `index`, without changing the path.
double unwound_sum(const PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction, zero = path[index].zero_fraction;
  double next_one_portion = path[depth].weight, total = 0;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double weight = next_one_portion * (depth + 1) / ((i + 1) * one);
      total += weight;
      next_one_portion = path[i].weight - weight * zero * ((depth - i) / static_cast<double>(depth + 1));
    } else if (zero != 0) {
      total += (path[i].weight / zero) / ((depth - i) / static_cast<double>(depth + 1));
    }
  }
  return total;
}

}  // namespace

Result<Forest> Forest::from_xgboost_file(const std::string& path) {
  JORGE_TRY(std::string contents, read_file(path));
  auto forest = from_xgboost_json(contents);
  if (!forest.ok()) return Error{forest.error().code, path + ": " + forest.error().message};
  return forest;
}

Result<Forest> Forest::from_xgboost_json(std::string_view text) {
  auto root = parse_json(text);
  if (root.is_discarded() || !root.is_object()) return bad_model("the file is not JSON");
  Forest forest;
  try {
    const auto& learner = root.at("learner");
    const auto& parameters = learner.at("learner_model_param");
    if (number_from(parameters.value("num_class", nlohmann::json("0"))) > 1)
      return bad_model("multi-class models are not supported; train a binary one");
    forest.feature_count_ = static_cast<size_t>(number_from(parameters.at("num_feature")));
    double base_score = number_from(parameters.at("base_score"));
    std::string objective = learner.at("objective").at("name").get<std::string>();
    if (objective == "binary:logistic" || objective == "reg:logistic") {
      if (base_score <= 0 || base_score >= 1) return bad_model("base_score must lie in (0, 1)");
      forest.base_margin_ = std::log(base_score / (1 - base_score));
    } else if (objective == "binary:logitraw") {
      forest.base_margin_ = base_score;
    } else {
      return bad_model("objective " + objective + " is not a binary classifier");
    }
    if (learner.contains("feature_names"))
      for (const auto& name : learner["feature_names"]) forest.feature_names_.push_back(name.get<std::string>());
    const auto& booster = learner.at("gradient_booster");
    if (booster.value("name", "") != "gbtree") return bad_model("only gbtree boosters are supported");
    for (const auto& tree : booster.at("model").at("trees")) {
      const auto& left = tree.at("left_children");
      const auto& right = tree.at("right_children");
      const auto& features = tree.at("split_indices");
      const auto& conditions = tree.at("split_conditions");
      const auto& default_left = tree.at("default_left");
      const auto& hessians = tree.at("sum_hessian");
      const size_t count = left.size();
      if (right.size() != count || features.size() != count || conditions.size() != count ||
          default_left.size() != count || hessians.size() != count || count == 0)
        return bad_model("a tree's node arrays differ in length");
      if (tree.contains("split_type"))
        for (const auto& type : tree["split_type"])
          if (type.get<int>() != 0) return bad_model("categorical splits are not supported; one-hot encode instead");
      const uint32_t offset = static_cast<uint32_t>(forest.nodes_.size());
      forest.roots_.push_back(offset);
      for (size_t i = 0; i < count; ++i) {
        Node node;
        int l = left[i].get<int>(), r = right[i].get<int>();
        if ((l < 0) != (r < 0) || l >= static_cast<int>(count) || r >= static_cast<int>(count))
          return bad_model("a node's children are out of range");
        node.left = l < 0 ? -1 : static_cast<int32_t>(offset) + l;
        node.right = r < 0 ? -1 : static_cast<int32_t>(offset) + r;
        node.feature = features[i].get<int>();
        if (l >= 0 && (node.feature < 0 || static_cast<size_t>(node.feature) >= forest.feature_count_))
          return bad_model("a split names a feature beyond num_feature");
        node.value = static_cast<float>(conditions[i].get<double>());
        node.cover = static_cast<float>(hessians[i].get<double>());
        node.default_left = default_left[i].get<int>() != 0;
        forest.nodes_.push_back(node);
      }
    }
  } catch (const std::exception& error) {
    return bad_model(error.what());
  }
  // Per tree: its depth (to size the SHAP path buffer) and its expected value (the SHAP bias),
  // both by one pass from the leaves up. A child always has a higher index than its parent in
  // XGBoost's layout, but recursion keeps us independent of that.
  for (uint32_t root : forest.roots_) {
    std::function<std::pair<int, double>(int32_t, int)> visit = [&](int32_t index, int level) -> std::pair<int, double> {
      if (level > 64) throw std::runtime_error("tree deeper than 64 or cyclic");
      const Node& node = forest.nodes_[static_cast<size_t>(index)];
      if (node.left < 0) return {0, node.value};
      auto [left_depth, left_mean] = visit(node.left, level + 1);
      auto [right_depth, right_mean] = visit(node.right, level + 1);
      const Node& l = forest.nodes_[static_cast<size_t>(node.left)];
      const Node& r = forest.nodes_[static_cast<size_t>(node.right)];
      double mean = node.cover > 0 ? (left_mean * l.cover + right_mean * r.cover) / node.cover : 0;
      return {1 + std::max(left_depth, right_depth), mean};
    };
    try {
      auto [depth, expected] = visit(static_cast<int32_t>(root), 0);
      forest.depth_.push_back(depth);
      forest.expected_.push_back(expected);
      forest.max_depth_ = std::max(forest.max_depth_, depth);
    } catch (const std::exception& error) {
      return bad_model(error.what());
    }
  }
  forest.build_tables();
  return forest;
}

void Forest::build_tables() {
  constexpr int kMaxDistinct = 10;
  constexpr size_t kBudget = size_t{6} << 20;  // floats: 24 MB at most, whatever the model (RSS target 64 MB)
  constexpr size_t kGroupFloats = 1024;        // a subtree of several leaves gets at most this table
  recursive_trees_.clear();
  if (feature_count_ > 32767) {  // groups name sided values (two per feature) in 16 bits
    for (size_t tree = 0; tree < roots_.size(); ++tree) recursive_trees_.push_back(static_cast<uint32_t>(tree));
    return;
  }
  struct PathFeature {
    int feature;
    double zero;
  };
  // Per leaf of the tree at hand: its distinct path features and its 2^d rows of d shares.
  struct LeafTable {
    std::vector<int32_t> features;
    std::vector<float> values;
  };
  std::vector<LeafTable> leaf_tables;  // by node index within the tree
  std::vector<std::vector<int32_t>> features_of;  // each group's features, by group
  std::vector<PathFeature> path;
  size_t tree_first = 0;
  std::function<void(int32_t)> visit = [&](int32_t index) {
    Node& node = nodes_[static_cast<size_t>(index)];
    node.path_size = static_cast<uint8_t>(path.size());
    if (node.left < 0) {
      LeafTable& leaf = leaf_tables[static_cast<size_t>(index) - tree_first];
      const int d = static_cast<int>(path.size());
      for (const auto& entry : path) leaf.features.push_back(entry.feature);
      PathElement elements[kMaxDistinct + 1];
      for (uint32_t mask = 0; mask < (1u << d); ++mask) {
        extend_path(elements, 0, 1, 1, -1);
        for (int j = 0; j < d; ++j)
          extend_path(elements, j + 1, path[static_cast<size_t>(j)].zero, (mask >> j) & 1u ? 1.0 : 0.0,
                      path[static_cast<size_t>(j)].feature);
        for (int j = 0; j < d; ++j) {
          const double weight = unwound_sum(elements, d, j + 1);
          leaf.values.push_back(static_cast<float>(
              weight * (elements[j + 1].one_fraction - elements[j + 1].zero_fraction) * node.value));
        }
      }
      return;
    }
    size_t slot = 0;
    while (slot < path.size() && path[slot].feature != node.feature) ++slot;
    const bool fresh = slot == path.size();
    if (fresh) path.push_back({node.feature, 1.0});
    node.slot = static_cast<uint8_t>(slot);
    const double before = path[slot].zero;
    for (int32_t next : {node.left, node.right}) {
      const double share = node.cover > 0 ? nodes_[static_cast<size_t>(next)].cover / node.cover : 0;
      path[slot].zero = before * share;
      visit(next);
    }
    path[slot].zero = before;
    if (fresh) path.pop_back();
  };

  // The table of the subtree under `root`: for each root mask and each combination of the
  // subtree's split decisions, every leaf's mask follows (a split the row did not take toward
  // the leaf clears that split's bit) and the leaf's row is added into the features' columns.
  struct Candidate {
    uint16_t root = 0;         // within the tree
    uint8_t mask_bits = 0;     // the root's path_size
    uint8_t split_count = 0;   // decision bits: bit j set when the row went right at split j
    uint16_t split_side[3] = {0, 0, 0};
    float threshold[3] = {0, 0, 0};
    std::vector<int32_t> features;
    std::vector<float> values;
  };
  auto group_of = [&](int32_t root) {
    struct LeafPath {
      int32_t node;
      std::vector<std::pair<int, bool>> turns;  // (split number, went right)
    };
    std::vector<int32_t> splits;
    std::vector<LeafPath> leaves;
    std::function<void(int32_t, std::vector<std::pair<int, bool>>&)> walk =
        [&](int32_t index, std::vector<std::pair<int, bool>>& turns) {
          const Node& node = nodes_[static_cast<size_t>(index)];
          if (node.left < 0) {
            leaves.push_back({index, turns});
            return;
          }
          const int number = static_cast<int>(splits.size());
          splits.push_back(index);
          for (bool right : {false, true}) {
            turns.emplace_back(number, right);
            walk(right ? node.right : node.left, turns);
            turns.pop_back();
          }
        };
    std::vector<std::pair<int, bool>> turns;
    walk(root, turns);
    Candidate candidate;
    candidate.root = static_cast<uint16_t>(static_cast<size_t>(root) - tree_first);
    candidate.mask_bits = nodes_[static_cast<size_t>(root)].path_size;
    candidate.split_count = static_cast<uint8_t>(splits.size());
    for (size_t j = 0; j < splits.size() && j < 3; ++j) {
      const Node& split = nodes_[static_cast<size_t>(splits[j])];
      candidate.split_side[j] = static_cast<uint16_t>(sided_index(split.feature, split.default_left));
      candidate.threshold[j] = split.value;
    }
    // Columns: the root's path features first (shared by every leaf), then the others.
    std::vector<std::vector<size_t>> column_of(leaves.size());
    for (size_t l = 0; l < leaves.size(); ++l)
      for (int32_t feature : leaf_tables[static_cast<size_t>(leaves[l].node) - tree_first].features) {
        auto at = std::find(candidate.features.begin(), candidate.features.end(), feature);
        column_of[l].push_back(static_cast<size_t>(at - candidate.features.begin()));
        if (at == candidate.features.end()) candidate.features.push_back(feature);
      }
    if (splits.size() > 3) return candidate;  // too big to group; the caller splits it up
    const size_t rows = size_t{1} << (candidate.mask_bits + candidate.split_count), width = candidate.features.size();
    const uint32_t high = ~((1u << candidate.mask_bits) - 1);
    std::vector<double> sums(rows * width, 0.0);
    for (size_t row = 0; row < rows; ++row) {
      const uint32_t decisions = static_cast<uint32_t>(row) & ((1u << candidate.split_count) - 1);
      const uint32_t root_mask = static_cast<uint32_t>(row >> candidate.split_count) | high;
      for (size_t l = 0; l < leaves.size(); ++l) {
        uint32_t mask = root_mask;
        for (auto [number, right] : leaves[l].turns)
          if (((decisions >> number) & 1u) != static_cast<uint32_t>(right))
            mask &= ~(1u << nodes_[static_cast<size_t>(splits[static_cast<size_t>(number)])].slot);
        const LeafTable& leaf = leaf_tables[static_cast<size_t>(leaves[l].node) - tree_first];
        const size_t d = leaf.features.size();
        const size_t leaf_row = mask & ((1u << d) - 1);
        for (size_t k = 0; k < d; ++k) sums[row * width + column_of[l][k]] += leaf.values[leaf_row * d + k];
      }
    }
    candidate.values.assign(sums.begin(), sums.end());
    return candidate;
  };

  for (size_t tree = 0; tree < roots_.size(); ++tree) {
    const size_t worst = (size_t{1} << std::min(depth_[tree], 20)) * static_cast<size_t>(depth_[tree]) *
                         (size_t{1} << std::min(depth_[tree], 20));  // leaves × rows × values, at most
    // Rows spaced to powers of two take at most twice their values, plus alignment per group.
    const auto recursive = [&] { recursive_trees_.push_back(static_cast<uint32_t>(tree)); };
    if (depth_[tree] > kMaxDistinct || tables_.size() + 2 * worst + (size_t{16} << depth_[tree]) > kBudget) {
      recursive();
      continue;
    }
    const size_t first = roots_[tree], end = tree + 1 < roots_.size() ? roots_[tree + 1] : nodes_.size();
    bool children_follow = true;  // what the one-pass walk relies on; true of XGBoost's trees
    for (size_t i = first; i < end; ++i)
      if (nodes_[i].left >= 0 && (static_cast<size_t>(nodes_[i].left) <= i || static_cast<size_t>(nodes_[i].right) <= i))
        children_follow = false;
    if (!children_follow || end - first > 65535) {
      recursive();
      continue;
    }
    tree_first = first;
    leaf_tables.assign(end - first, LeafTable{});
    visit(static_cast<int32_t>(roots_[tree]));

    const size_t first_group = groups_.size();
    std::vector<bool> grouped(end - first, false);  // inside a group: the mask pass skips it
    std::function<void(int32_t)> choose = [&](int32_t index) {
      Candidate candidate = group_of(index);
      const Node& node = nodes_[static_cast<size_t>(index)];
      if (node.left >= 0 && (candidate.split_count > 3 || candidate.values.size() > kGroupFloats ||
                             candidate.features.size() > kMaxGroupWidth)) {
        choose(node.left);
        choose(node.right);
        return;
      }
      std::function<void(int32_t)> mark = [&](int32_t inside) {
        grouped[static_cast<size_t>(inside) - first] = true;
        const Node& below = nodes_[static_cast<size_t>(inside)];
        if (below.left >= 0) {
          mark(below.left);
          mark(below.right);
        }
      };
      mark(index);
      // Rows are spaced a power of two apart from a start aligned to that spacing (up to a
      // line): each row of up to 16 values then lies within one 64-byte line, one memory access
      // per lookup. A group has at most 13 values (10 path features and 3 splits).
      const size_t width = candidate.features.size();
      uint8_t stride_shift = 0;
      while ((size_t{1} << stride_shift) < width) ++stride_shift;
      const size_t stride = size_t{1} << stride_shift;
      const size_t align = std::min<size_t>(stride, 16);
      tables_.resize((tables_.size() + align - 1) / align * align, 0.0f);
      const size_t table = tables_.size();
      const size_t rows = width == 0 ? 0 : candidate.values.size() / width;
      tables_.resize(tables_.size() + rows * stride, 0.0f);
      for (size_t row = 0; row < rows; ++row)
        std::copy_n(candidate.values.begin() + static_cast<std::ptrdiff_t>(row * width), width,
                    tables_.begin() + static_cast<std::ptrdiff_t>(table + row * stride));
      features_of.emplace_back(candidate.features.begin(), candidate.features.end());
      Group group;
      group.table = static_cast<uint32_t>(table);
      group.width = static_cast<uint8_t>(width);
      group.root = candidate.root;
      group.keep = static_cast<uint16_t>((1u << candidate.mask_bits) - 1);
      group.stride_shift = stride_shift;
      group.mask_shift = static_cast<uint8_t>(candidate.split_count + stride_shift);
      for (size_t j = 0; j < 3; ++j) {
        const bool used = j < candidate.split_count;
        group.split_side[j] = used ? candidate.split_side[j] : 0;
        // An unused split never goes right: no value is >= NaN.
        group.threshold[j] = used ? candidate.threshold[j] : std::numeric_limits<float>::quiet_NaN();
      }
      groups_.push_back(group);
    };
    choose(static_cast<int32_t>(roots_[tree]));
    // The mask pass: every split above the groups, each handing its children their masks.
    std::vector<uint32_t> mask_of(end - first, 0);  // the tree's root has mask 0
    for (size_t i = first; i < end; ++i) {
      const Node& node = nodes_[i];
      if (node.left < 0 || grouped[i - first]) continue;
      const size_t left = static_cast<size_t>(node.left) - first, right = static_cast<size_t>(node.right) - first;
      mask_of[left] = mask_count_++;
      mask_of[right] = mask_count_++;
      splits_.push_back({sided_index(node.feature, node.default_left), node.value, mask_of[i - first], mask_of[left],
                         mask_of[right], 1u << node.slot});
    }
    for (size_t g = first_group; g < groups_.size(); ++g) groups_[g].root = mask_of[groups_[g].root];
  }
  tables_.shrink_to_fit();
  // Slots by width, in group order within a width; the features follow in the same order.
  for (const Group& group : groups_) ++width_start_[group.width + 1];
  for (size_t width = 1; width < width_start_.size(); ++width) width_start_[width] += width_start_[width - 1];
  std::array<uint32_t, kMaxGroupWidth + 1> next_slot{};
  std::copy_n(width_start_.begin(), next_slot.size(), next_slot.begin());
  std::vector<size_t> group_in_slot(groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g) {
    groups_[g].slot = next_slot[groups_[g].width]++;
    group_in_slot[groups_[g].slot] = g;
  }
  for (size_t group : group_in_slot)
    for (int32_t feature : features_of[group]) group_features_.push_back(static_cast<uint16_t>(feature));
}

double Forest::margin(std::span<const float> x) const {
  double sum = base_margin_;
  for (uint32_t root : roots_) {
    int32_t index = static_cast<int32_t>(root);
    for (;;) {
      const Node& node = nodes_[static_cast<size_t>(index)];
      if (node.left < 0) {
        sum += node.value;
        break;
      }
      index = child(node, x[static_cast<size_t>(node.feature)]);
    }
  }
  return sum;
}

void Forest::shap(std::span<const float> x, std::span<double> phi) const {
  std::fill(phi.begin(), phi.end(), 0.0);
  phi[feature_count_] = base_margin_;
  // The tables are megabytes and each row reads one scattered table row per group, so waiting
  // on memory would dominate. First every tree's rows are found and fetched ahead, all loads
  // in flight together; then they are added up, by then from cache.
  thread_local std::vector<uint32_t> rows;  // per slot: where the group's row starts in tables_
  if (rows.size() < groups_.size()) rows.resize(groups_.size());
  thread_local std::vector<float> sided;
  sided.resize(2 * feature_count_);
  fill_sided(x, sided.data());
  for (double expected : expected_) phi[feature_count_] += expected;
  table_rows(sided.data(), rows.data());
  for (uint32_t tree : recursive_trees_) shap_tree(tree, x, phi);
  // Summed in double precision: some 12,000 table values go into 31 sums per row of a
  // 200-tree model, and float sums would double the distance from pred_contribs (measured
  // 2.3e-6 against 5.0e-6 on the peer's model; the tests allow 1e-5).
  double* sums = phi.data();
  const float* tables = tables_.data();
  const uint16_t* columns = group_features_.data();
  const auto add_rows = [&]<size_t kWidth>(std::integral_constant<size_t, kWidth>) {
    for (const uint32_t *row = rows.data() + width_start_[kWidth], *last = rows.data() + width_start_[kWidth + 1];
         row != last; ++row, columns += kWidth) {
      const float* values = tables + *row;
#pragma GCC unroll 16
      for (size_t j = 0; j < kWidth; ++j) sums[columns[j]] += values[j];
    }
  };
  [&]<size_t... kWidths>(std::index_sequence<kWidths...>) {
    (add_rows(std::integral_constant<size_t, kWidths + 1>{}), ...);
  }(std::make_index_sequence<kMaxGroupWidth>{});
}

void Forest::shap_recursive(std::span<const float> x, std::span<double> phi) const {
  std::fill(phi.begin(), phi.end(), 0.0);
  phi[feature_count_] = base_margin_;
  for (size_t tree = 0; tree < roots_.size(); ++tree) {
    phi[feature_count_] += expected_[tree];
    shap_tree(tree, x, phi);
  }
}

void Forest::fill_sided(std::span<const float> x, float* sided) const {
  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  const size_t count = feature_count_;
  for (size_t f = 0; f < count; ++f) {
    const bool missing = std::isnan(x[f]);
    sided[f] = missing ? -kInfinity : x[f];          // below every threshold: goes left
    sided[count + f] = missing ? kInfinity : x[f];   // below none: goes right
  }
}

void Forest::table_rows(const float* sided, uint32_t* rows) const {
  // First every split above the groups, tree after tree and in index order within a tree (a
  // child always follows its parent), hands each child the mask of path features whose
  // conditions hold; then every group finds its row from its root's mask and its own splits'
  // decisions. One pass over all trees: no loop ending per tree, no walk guessing
  // leaf-or-split at every node, and no branch on a comparison; a missing value takes the
  // default direction through the sided values.
  thread_local std::vector<uint32_t> masks;
  if (masks.size() < mask_count_) masks.resize(mask_count_);
  uint32_t* mask_of = masks.data();
  mask_of[0] = ~0u;
  for (const Split& split : splits_) {
    const uint32_t mask = mask_of[split.self];
    const uint32_t left_bit = -static_cast<uint32_t>(sided[split.side] < split.threshold) & split.bit;
    mask_of[split.left] = mask & ~(split.bit ^ left_bit);  // the child the row does not take loses the bit
    mask_of[split.right] = mask & ~left_bit;
  }
  const float* tables = tables_.data();
  for (const Group& group : groups_) {
    // Always three directions, an unused one never right (its threshold is NaN): no branch on
    // the count. Sided values are never NaN, so ">=" is "not left".
    const uint32_t decisions = static_cast<uint32_t>(sided[group.split_side[0]] >= group.threshold[0]) |
                               static_cast<uint32_t>(sided[group.split_side[1]] >= group.threshold[1]) << 1 |
                               static_cast<uint32_t>(sided[group.split_side[2]] >= group.threshold[2]) << 2;
    const uint32_t values = group.table + (((mask_of[group.root] & group.keep) << group.mask_shift) |
                                            decisions << group.stride_shift);
    // Into the second-level cache: thousands of rows are asked for at once, more than the
    // first level has room to track; they are added up from there (measured in the server:
    // ~146 against ~170 µs of CPU per explained request).
    __builtin_prefetch(tables + values, 0, 2);
    rows[group.slot] = values;
  }
}

void Forest::shap_tree(size_t tree, std::span<const float> x, std::span<double> phi) const {
  // Each recursion level owns a slice of one buffer for its copy of the path.
  const int depth = depth_[tree];
  thread_local std::vector<PathElement> buffer;
  const size_t needed = static_cast<size_t>((depth + 2) * (depth + 3) / 2);
  if (buffer.size() < needed) buffer.resize(needed);
  std::function<void(int32_t, PathElement*, int, double, double, int)> recurse =
      [&](int32_t index, PathElement* parent_path, int unique_depth, double zero_fraction, double one_fraction,
          int feature) {
        PathElement* path = parent_path + unique_depth;
        if (unique_depth > 0) std::copy(parent_path, parent_path + unique_depth, path);
        extend_path(path, unique_depth, zero_fraction, one_fraction, feature);
        const Node& node = nodes_[static_cast<size_t>(index)];
        if (node.left < 0) {
          for (int i = 1; i <= unique_depth; ++i) {
            const double weight = unwound_sum(path, unique_depth, i);
            phi[static_cast<size_t>(path[i].feature)] +=
                weight * (path[i].one_fraction - path[i].zero_fraction) * node.value;
          }
          return;
        }
        const int32_t hot = child(node, x[static_cast<size_t>(node.feature)]);
        const int32_t cold = hot == node.left ? node.right : node.left;
        const double cover = node.cover;
        const double hot_zero = cover > 0 ? nodes_[static_cast<size_t>(hot)].cover / cover : 0;
        const double cold_zero = cover > 0 ? nodes_[static_cast<size_t>(cold)].cover / cover : 0;
        double incoming_zero = 1, incoming_one = 1;
        // A feature met again on this path: undo its earlier split, carry its fractions on.
        int seen = 0;
        for (; seen <= unique_depth; ++seen)
          if (path[seen].feature == node.feature) break;
        if (seen != unique_depth + 1) {
          incoming_zero = path[seen].zero_fraction;
          incoming_one = path[seen].one_fraction;
          unwind_path(path, unique_depth, seen);
          --unique_depth;
        }
        recurse(hot, path, unique_depth + 1, hot_zero * incoming_zero, incoming_one, node.feature);
        recurse(cold, path, unique_depth + 1, cold_zero * incoming_zero, 0, node.feature);
      };
  recurse(static_cast<int32_t>(roots_[tree]), buffer.data(), 0, 1, 1, -1);
}

}  // namespace jorge::scoring
