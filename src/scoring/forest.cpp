#include "scoring/forest.hpp"
#include "core/files.hpp"

#include <nlohmann/json.hpp>

#include <functional>

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
  auto root = nlohmann::json::parse(text, nullptr, false);
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
  tabled_.assign(roots_.size(), false);
  tree_tables_.assign(roots_.size(), TreeTables{});
  struct PathFeature {
    int feature;
    double zero;
  };
  std::vector<PathFeature> path;
  size_t tree_first = 0;
  std::function<void(int32_t)> visit = [&](int32_t index) {
    Node& node = nodes_[static_cast<size_t>(index)];
    if (node.left < 0) {
      Leaf leaf;
      leaf.node = static_cast<uint16_t>(static_cast<size_t>(index) - tree_first);
      leaf.d = static_cast<uint8_t>(path.size());
      leaf.features = static_cast<uint32_t>(leaf_features_.size());
      leaf.table = static_cast<uint32_t>(tables_.size());
      for (const auto& entry : path) leaf_features_.push_back(entry.feature);
      const int d = leaf.d;
      PathElement elements[kMaxDistinct + 1];
      for (uint32_t mask = 0; mask < (1u << d); ++mask) {
        extend_path(elements, 0, 1, 1, -1);
        for (int j = 0; j < d; ++j)
          extend_path(elements, j + 1, path[static_cast<size_t>(j)].zero, (mask >> j) & 1u ? 1.0 : 0.0,
                      path[static_cast<size_t>(j)].feature);
        for (int j = 0; j < d; ++j) {
          const double weight = unwound_sum(elements, d, j + 1);
          tables_.push_back(static_cast<float>(weight * (elements[j + 1].one_fraction - elements[j + 1].zero_fraction) *
                                               node.value));
        }
      }
      node.leaf = static_cast<int32_t>(leaves_.size());
      leaves_.push_back(leaf);
      return;
    }
    size_t slot = 0;
    while (slot < path.size() && path[slot].feature != node.feature) ++slot;
    const bool fresh = slot == path.size();
    if (fresh) path.push_back({node.feature, 1.0});
    node.slot = static_cast<uint8_t>(slot);
    node.fresh = fresh;
    const double before = path[slot].zero;
    for (int32_t next : {node.left, node.right}) {
      const double share = node.cover > 0 ? nodes_[static_cast<size_t>(next)].cover / node.cover : 0;
      path[slot].zero = before * share;
      visit(next);
    }
    path[slot].zero = before;
    if (fresh) path.pop_back();
  };
  for (size_t tree = 0; tree < roots_.size(); ++tree) {
    const size_t worst = (size_t{1} << std::min(depth_[tree], 20)) * static_cast<size_t>(depth_[tree]) *
                         (size_t{1} << std::min(depth_[tree], 20));  // leaves × rows × values, at most
    if (depth_[tree] > kMaxDistinct || tables_.size() + worst > kBudget) continue;
    const size_t first = roots_[tree], end = tree + 1 < roots_.size() ? roots_[tree + 1] : nodes_.size();
    bool children_follow = true;  // what the one-pass walk relies on; true of XGBoost's trees
    for (size_t i = first; i < end; ++i)
      if (nodes_[i].left >= 0 && (static_cast<size_t>(nodes_[i].left) <= i || static_cast<size_t>(nodes_[i].right) <= i))
        children_follow = false;
    if (!children_follow || end - first > 65535) continue;
    tree_first = first;
    TreeTables entry;
    entry.first_leaf = static_cast<uint32_t>(leaves_.size());
    visit(static_cast<int32_t>(roots_[tree]));
    // Sibling leaves become pairs with one table; the other leaves keep their own.
    const uint32_t tree_table_start = entry.first_leaf < leaves_.size() ? leaves_[entry.first_leaf].table
                                                                        : static_cast<uint32_t>(tables_.size());
    std::vector<Leaf> tree_leaves(leaves_.begin() + entry.first_leaf, leaves_.end());
    std::vector<float> tree_tables(tables_.begin() + tree_table_start, tables_.end());
    leaves_.resize(entry.first_leaf);
    tables_.resize(tree_table_start);
    std::vector<bool> paired(tree_leaves.size(), false);
    entry.first_pair = static_cast<uint32_t>(pairs_.size());
    auto leaf_of = [&](int32_t node_index) { return nodes_[static_cast<size_t>(node_index)].leaf - static_cast<int32_t>(entry.first_leaf); };
    for (size_t i = first; i < end; ++i) {
      const Node& node = nodes_[i];
      if (node.left < 0 || nodes_[static_cast<size_t>(node.left)].left >= 0 || nodes_[static_cast<size_t>(node.right)].left >= 0)
        continue;
      const int32_t l = leaf_of(node.left), r = leaf_of(node.right);
      const Leaf& left = tree_leaves[static_cast<size_t>(l)];
      const Leaf& right = tree_leaves[static_cast<size_t>(r)];
      LeafPair pair;
      pair.d = left.d;
      pair.features = left.features;
      pair.feature = node.feature;
      pair.threshold = node.value;
      pair.default_left = node.default_left;
      pair.parent = static_cast<uint16_t>(i - first);
      pair.table = static_cast<uint32_t>(tables_.size());
      // A feature new on the path at the parent always has its bit set in the parent's mask:
      // rows for the other half of the masks would never be read, so they are left out.
      pair.mask_bits = static_cast<uint8_t>(node.fresh ? pair.d - 1 : pair.d);
      const uint32_t bit = 1u << node.slot;
      for (uint32_t row_mask = 0; row_mask < (1u << pair.mask_bits); ++row_mask)
        for (uint32_t went_right = 0; went_right < 2; ++went_right) {
          const uint32_t mask = node.fresh ? row_mask | bit : row_mask;
          const uint32_t left_mask = went_right ? mask & ~bit : mask, right_mask = went_right ? mask : mask & ~bit;
          for (int j = 0; j < pair.d; ++j)
            tables_.push_back(tree_tables[left.table - tree_table_start + left_mask * pair.d + static_cast<uint32_t>(j)] +
                              tree_tables[right.table - tree_table_start + right_mask * pair.d + static_cast<uint32_t>(j)]);
        }
      paired[static_cast<size_t>(l)] = paired[static_cast<size_t>(r)] = true;
      pairs_.push_back(pair);
    }
    entry.end_pair = static_cast<uint32_t>(pairs_.size());
    for (size_t k = 0; k < tree_leaves.size(); ++k) {
      if (paired[k]) continue;
      Leaf leaf = tree_leaves[k];
      const uint32_t old_table = leaf.table - tree_table_start;
      leaf.table = static_cast<uint32_t>(tables_.size());
      tables_.insert(tables_.end(), tree_tables.begin() + old_table,
                     tree_tables.begin() + old_table + (size_t{1} << leaf.d) * leaf.d);
      leaves_.push_back(leaf);
    }
    entry.end_leaf = static_cast<uint32_t>(leaves_.size());
    // Leaves in node order, so the pass over them reads the masks front to back.
    std::sort(leaves_.begin() + entry.first_leaf, leaves_.end(), [](const Leaf& a, const Leaf& b) { return a.node < b.node; });
    entry.first_split = static_cast<uint32_t>(splits_.size());
    for (size_t i = first; i < end; ++i) {
      const Node& node = nodes_[i];
      if (node.left < 0) continue;
      // A pair's parent hands no mask down: its pair reads the parent's own mask and takes the
      // direction itself. Half the splits of a full tree are such parents.
      if (nodes_[static_cast<size_t>(node.left)].left < 0 && nodes_[static_cast<size_t>(node.right)].left < 0) continue;
      splits_.push_back({node.feature, node.value, static_cast<uint16_t>(i - first),
                         static_cast<uint16_t>(static_cast<size_t>(node.left) - first),
                         static_cast<uint16_t>(static_cast<size_t>(node.right) - first), node.slot, node.default_left});
    }
    entry.end_split = static_cast<uint32_t>(splits_.size());
    entry.nodes = static_cast<uint32_t>(end - first);
    tree_tables_[tree] = entry;
    tabled_[tree] = true;
  }
  tables_.shrink_to_fit();
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
  // The tables are megabytes and each row reads one scattered table row per leaf pair, so
  // waiting on memory dominates. First every tree's rows are found and fetched ahead, all
  // loads in flight together; then they are added up, by then from cache.
  thread_local std::vector<TableRow> rows;
  rows.clear();
  for (size_t tree = 0; tree < roots_.size(); ++tree) {
    phi[feature_count_] += expected_[tree];
    if (tabled_[tree]) table_rows(tree, x, rows);
    else shap_tree(tree, x, phi);
  }
  for (const TableRow& row : rows)
    for (uint32_t j = 0; j < row.d; ++j) phi[static_cast<size_t>(row.features[j])] += row.values[j];
}

void Forest::shap_recursive(std::span<const float> x, std::span<double> phi) const {
  std::fill(phi.begin(), phi.end(), 0.0);
  phi[feature_count_] = base_margin_;
  for (size_t tree = 0; tree < roots_.size(); ++tree) {
    phi[feature_count_] += expected_[tree];
    shap_tree(tree, x, phi);
  }
}

void Forest::table_rows(size_t tree, std::span<const float> x, std::vector<TableRow>& rows) const {
  // First every split, in index order (a child always follows its parent), hands each child
  // the mask of path features whose conditions hold; then every leaf finds its table row.
  // Two branch-free loops instead of one walk that guesses leaf-or-split at every node.
  const TreeTables& entry = tree_tables_[tree];
  thread_local std::vector<uint32_t> masks;
  if (masks.size() < entry.nodes) masks.resize(entry.nodes);
  masks[0] = ~0u;
  for (uint32_t s = entry.first_split; s < entry.end_split; ++s) {
    const Split& split = splits_[s];
    const uint32_t mask = masks[split.self];
    const float value = x[static_cast<size_t>(split.feature)];
    const bool left = std::isnan(value) ? split.default_left : value < split.threshold;
    const uint32_t cleared = mask & ~(1u << split.slot);
    masks[split.left] = left ? mask : cleared;
    masks[split.right] = left ? cleared : mask;
  }
  for (uint32_t p = entry.first_pair; p < entry.end_pair; ++p) {
    const LeafPair& pair = pairs_[p];
    const float value = x[static_cast<size_t>(pair.feature)];
    const uint32_t went_right = (std::isnan(value) ? pair.default_left : value < pair.threshold) ? 0u : 1u;
    const uint32_t row = ((masks[pair.parent] & ((1u << pair.mask_bits) - 1)) << 1) | went_right;
    const float* values = &tables_[pair.table + row * pair.d];
    __builtin_prefetch(values);
    rows.push_back({values, &leaf_features_[pair.features], pair.d});
  }
  for (uint32_t l = entry.first_leaf; l < entry.end_leaf; ++l) {
    const Leaf& leaf = leaves_[l];
    const uint32_t row = masks[leaf.node] & ((1u << leaf.d) - 1);
    const float* values = &tables_[leaf.table + row * leaf.d];
    __builtin_prefetch(values);
    rows.push_back({values, &leaf_features_[leaf.features], leaf.d});
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
