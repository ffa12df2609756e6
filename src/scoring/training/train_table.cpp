#include "scoring/training/train_table.hpp"
#include "core/files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <unordered_map>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "scoring/drift.hpp"
#include "scoring/metrics.hpp"

namespace jorge::scoring {
namespace {

Error usage(const std::string& message) { return Error{ErrorCode::kInvalidArgument, message}; }

std::string list_names(const std::vector<std::string>& names, size_t limit = 12) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > limit) out += ", ...";
  return out;
}

// Stratified folds: each class shuffled and dealt round-robin, so every fold keeps the base rate.
std::vector<int> stratified_folds(std::span<const float> labels, int folds, uint64_t seed) {
  std::vector<size_t> positives, negatives;
  for (size_t i = 0; i < labels.size(); ++i) (labels[i] > 0.5f ? positives : negatives).push_back(i);
  std::mt19937_64 random(seed);
  std::shuffle(positives.begin(), positives.end(), random);
  std::shuffle(negatives.begin(), negatives.end(), random);
  std::vector<int> fold(labels.size());
  size_t next = 0;
  for (const auto* group : {&positives, &negatives})
    for (size_t index : *group) fold[index] = static_cast<int>(next++ % static_cast<size_t>(folds));
  return fold;
}

FeatureMatrix select_rows(const FeatureMatrix& matrix, const std::vector<size_t>& positions) {
  FeatureMatrix out{positions.size(), matrix.columns, {}};
  out.values.reserve(positions.size() * matrix.columns);
  for (size_t p : positions) {
    auto row = matrix.row(p);
    out.values.insert(out.values.end(), row.begin(), row.end());
  }
  return out;
}

// How well one column predicts the target alone: out-of-fold target means of its values
// (numbers in 20 quantile bins), scored by AUC. Identifiers get ~0.5, leaks near 1.
double single_column_auc(const CsvTable& table, size_t column, ColumnKind kind, const std::vector<size_t>& rows,
                         std::span<const float> labels, std::span<const int> fold, int folds,
                         const std::set<std::string>& na) {
  std::vector<std::string> keys(rows.size());
  if (kind == ColumnKind::kNumeric || kind == ColumnKind::kDateTime) {
    std::vector<double> values;
    std::vector<std::optional<double>> parsed(rows.size());
    for (size_t p = 0; p < rows.size(); ++p) {
      const std::string& text = table.rows[rows[p]][column];
      if (is_missing(text, na)) continue;
      parsed[p] = kind == ColumnKind::kNumeric ? parse_number(text) : parse_datetime(text);
      if (parsed[p]) values.push_back(*parsed[p]);
    }
    std::sort(values.begin(), values.end());
    std::vector<double> cuts;
    for (int q = 1; q < 20 && !values.empty(); ++q) cuts.push_back(values[values.size() * static_cast<size_t>(q) / 20]);
    for (size_t p = 0; p < rows.size(); ++p)
      keys[p] = parsed[p] ? std::to_string(std::upper_bound(cuts.begin(), cuts.end(), *parsed[p]) - cuts.begin())
                          : std::string("missing");
  } else {
    for (size_t p = 0; p < rows.size(); ++p) {
      const std::string& text = table.rows[rows[p]][column];
      keys[p] = is_missing(text, na) ? std::string("missing") : category_key(text);
    }
  }
  std::vector<double> encoded(rows.size());
  for (int k = 0; k < folds; ++k) {
    std::unordered_map<std::string, std::pair<double, double>> sums;
    double positives = 0, count = 0;
    for (size_t p = 0; p < rows.size(); ++p)
      if (fold[p] != k) {
        auto& entry = sums[keys[p]];
        entry.first += 1;
        entry.second += labels[p];
        positives += labels[p];
        count += 1;
      }
    const double rate = count ? positives / count : 0.5;
    for (size_t p = 0; p < rows.size(); ++p)
      if (fold[p] == k) {
        auto found = sums.find(keys[p]);
        encoded[p] = found == sums.end() ? rate : (found->second.second + 1 * rate) / (found->second.first + 1);
      }
  }
  double auc = roc_auc(encoded, labels);
  return std::max(auc, 1 - auc);
}

}  // namespace

std::optional<float> parse_label(std::string_view text) {
  auto flag = parse_boolean(text);
  if (flag) return static_cast<float>(*flag);
  return std::nullopt;
}

Result<TrainTableResult> train_table(const TrainTableOptions& options, const TrainProgress& progress) {
  auto started = std::chrono::steady_clock::now();
  if (options.folds < 2 || options.folds > 20) return usage("--folds must be between 2 and 20");
  JORGE_TRY(std::string bytes, read_file(options.data_path));
  auto parsed = parse_csv(bytes);
  if (!parsed.ok()) return Error{parsed.error().code, options.data_path + ": " + parsed.error().message};
  const CsvTable& table = *parsed;
  auto find_column = [&](const std::string& name, const char* flag) -> Result<size_t> {
    auto found = std::find(table.header.begin(), table.header.end(), name);
    if (found == table.header.end())
      return usage(std::string(flag) + " " + name + ": no such column; the file has: " + list_names(table.header));
    return static_cast<size_t>(found - table.header.begin());
  };
  JORGE_TRY(size_t target, find_column(options.target, "--target"));
  std::set<size_t> skip = {target};
  if (!options.id_column.empty()) {
    JORGE_TRY(size_t id, find_column(options.id_column, "--id"));
    skip.insert(id);
  }
  for (const auto& name : options.drop) {
    JORGE_TRY(size_t dropped, find_column(name, "--drop"));
    skip.insert(dropped);
  }
  std::set<std::string> na = default_na_values();
  for (const auto& value : options.na_values) na.insert(category_key(value));

  // Labels: rows without one are skipped and counted; anything but two classes is an error.
  TrainTableResult result;
  std::vector<size_t> rows;
  std::vector<float> labels;
  std::set<std::string> unreadable;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& value = table.rows[r][target];
    if (is_missing(value, na)) {
      ++result.skipped_rows;
      continue;
    }
    auto label = parse_label(value);
    if (!label) {
      if (unreadable.size() < 5) unreadable.insert(value);
      continue;
    }
    rows.push_back(r);
    labels.push_back(*label);
  }
  if (!unreadable.empty())
    return usage("--target " + options.target + " must hold two classes (0/1, yes/no or true/false); it also has: " +
                 list_names({unreadable.begin(), unreadable.end()}));
  result.rows = rows.size();
  result.positives = static_cast<size_t>(std::accumulate(labels.begin(), labels.end(), 0.0));
  if (result.positives < static_cast<size_t>(options.folds) || result.rows - result.positives < static_cast<size_t>(options.folds))
    return usage("too few rows of one class to cross-validate: " + std::to_string(result.positives) + " positive, " +
                 std::to_string(result.rows - result.positives) + " negative");

  // Profiles on the labelled rows only.
  CsvTable labelled;
  labelled.header = table.header;
  for (size_t r : rows) labelled.rows.push_back(table.rows[r]);
  result.columns = infer_columns(labelled, skip, na);
  // #14: a level that means "not chosen" ("Select", "--") as the most common level of a
  // category is missing, not a category: it joins the NA words (kept in the model) and the
  // columns are typed again.
  std::vector<std::pair<size_t, std::string>> not_chosen;  // column, its "not chosen" level
  const std::set<std::string> na_given = na;  // every column judged by the NA words it came with
  for (size_t c = 0; c < result.columns.size(); ++c) {
    if (result.columns[c].kind != ColumnKind::kCategorical) continue;
    std::map<std::string, size_t> levels;
    for (const auto& row : labelled.rows)
      if (!is_missing(row[c], na_given)) ++levels[category_key(row[c])];
    auto most = std::max_element(levels.begin(), levels.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    static const std::set<std::string> kPlaceholders = {"select", "--", "-", "(none)", "none selected", "please select",
                                                         "choose one", "(select)", "select one"};
    if (most != levels.end() && kPlaceholders.count(most->first)) {
      na.insert(most->first);
      not_chosen.emplace_back(c, most->first);
    }
  }
  if (!not_chosen.empty()) {
    result.columns = infer_columns(labelled, skip, na);
    for (const auto& [column, level] : not_chosen)
      result.columns[column].note = "\"" + level + "\", its most common level, read as not chosen";
  }
  for (size_t c : skip) result.columns[c].note = c == target ? "target" : (table.header[c] == options.id_column ? "id" : "--drop");
  if (options.on_columns) options.on_columns(result.columns);
  std::vector<size_t> all(rows.size());
  std::iota(all.begin(), all.end(), 0);

  const int steps = 1 + (options.tune ? 12 : 1) + 2;
  int step = 0;
  auto advance = [&](const std::string& what) {
    if (progress) progress(step, steps, what);
  };
  const std::vector<int> fold = stratified_folds(labels, options.folds, options.encoder.seed);

  // Cross-validation: everything that learns from labels is fitted inside the fold, once;
  // the boosting settings are then compared on the same encoded folds.
  struct Fold {
    FeatureMatrix fit_x, stop_x, test_x;
    std::vector<float> fit_y, stop_y, test_y;
    std::vector<size_t> test_positions;
  };
  std::vector<Fold> encoded_folds;
  for (int k = 0; k < options.folds; ++k) {
    advance("encoding fold " + std::to_string(k + 1) + " of " + std::to_string(options.folds));
    Fold encoded;
    std::vector<size_t> train_positions;
    for (size_t p = 0; p < rows.size(); ++p) (fold[p] == k ? encoded.test_positions : train_positions).push_back(p);
    std::vector<float> train_labels;
    for (size_t p : train_positions) train_labels.push_back(labels[p]);
    JORGE_TRY(auto fitted, TableEncoder::fit(labelled, train_positions, train_labels, result.columns, na, options.encoder));
    auto& [encoder, train_matrix] = fitted;
    // A stratified seventh of the fold's training rows decides when to stop boosting.
    std::vector<int> inner = stratified_folds(train_labels, 7, options.encoder.seed + static_cast<uint64_t>(k));
    std::vector<size_t> fit_positions, stop_positions;
    for (size_t i = 0; i < train_positions.size(); ++i) (inner[i] == 0 ? stop_positions : fit_positions).push_back(i);
    for (size_t i : fit_positions) encoded.fit_y.push_back(train_labels[i]);
    for (size_t i : stop_positions) encoded.stop_y.push_back(train_labels[i]);
    encoded.fit_x = select_rows(train_matrix, fit_positions);
    encoded.stop_x = select_rows(train_matrix, stop_positions);
    encoded.test_x = encoder.transform(labelled, encoded.test_positions);
    for (size_t p : encoded.test_positions) encoded.test_y.push_back(labels[p]);
    encoded_folds.push_back(std::move(encoded));
  }
  ++step;

  // The settings searched (or only the given one): depth × learning rate × minimum child weight.
  std::vector<BoostingParams> grid;
  if (options.tune) {
    for (int depth : {3, 5, 7})
      for (double eta : {0.05, 0.1})
        for (double child : {1.0, 5.0}) {
          BoostingParams params = options.boosting;
          params.max_depth = depth;
          params.learning_rate = eta;
          params.min_child_weight = child;
          grid.push_back(params);
        }
  } else {
    grid.push_back(options.boosting);
  }
  std::vector<double> out_of_fold(rows.size()), fold_auc, fold_rounds;
  BoostingParams chosen = grid.front();
  double best_auc = -1;
  for (size_t g = 0; g < grid.size(); ++g) {
    advance("boosting, setting " + std::to_string(g + 1) + " of " + std::to_string(grid.size()));
    std::vector<double> predictions(rows.size()), aucs, rounds;
    for (const Fold& encoded : encoded_folds) {
      JORGE_TRY(XgboostModel model, XgboostModel::train(encoded.fit_x, encoded.fit_y, grid[g], &encoded.stop_x, encoded.stop_y));
      JORGE_TRY(std::vector<float> predicted, model.predict(encoded.test_x));
      std::vector<double> fold_predictions(predicted.begin(), predicted.end());
      for (size_t i = 0; i < encoded.test_positions.size(); ++i) predictions[encoded.test_positions[i]] = predicted[i];
      aucs.push_back(roc_auc(fold_predictions, encoded.test_y));
      rounds.push_back(model.rounds());
    }
    const double mean = std::accumulate(aucs.begin(), aucs.end(), 0.0) / static_cast<double>(aucs.size());
    if (mean > best_auc) {
      best_auc = mean;
      chosen = grid[g];
      out_of_fold = std::move(predictions);
      fold_auc = std::move(aucs);
      fold_rounds = std::move(rounds);
    }
    ++step;
  }

  // Leakage guard: each column alone.
  advance("checking each column alone for leakage");
  nlohmann::json column_auc = nlohmann::json::object(), leakage = nlohmann::json::array();
  for (size_t c = 0; c < result.columns.size(); ++c) {
    const ColumnKind kind = result.columns[c].kind;
    if (kind == ColumnKind::kDropped || kind == ColumnKind::kConstant || kind == ColumnKind::kIdentifier) continue;
    double auc = single_column_auc(labelled, c, kind, all, labels, fold, options.folds, na);
    column_auc[result.columns[c].name] = std::round(auc * 10000) / 10000;
    if (auc > options.leakage_auc) {
      char sentence[512];
      std::snprintf(sentence, sizeof sentence,
                    "%s alone predicts %s with AUC %.3f: it probably records the outcome (filled in after "
                    "contact?). If so, pass --drop \"%s\".",
                    result.columns[c].name.c_str(), options.target.c_str(), auc, result.columns[c].name.c_str());
      result.leakage_warnings.push_back(sentence);
      leakage.push_back({{"column", result.columns[c].name}, {"auc", std::round(auc * 10000) / 10000}, {"message", sentence}});
    }
  }
  ++step;

  // Final model on every row, boosted for the folds' mean best length.
  advance("training the final model on all rows");
  JORGE_TRY(auto fitted_all, TableEncoder::fit(labelled, all, labels, result.columns, na, options.encoder));
  auto& [encoder, matrix] = fitted_all;
  BoostingParams final_params = chosen;
  final_params.max_rounds =
      std::max(1, static_cast<int>(std::lround(std::accumulate(fold_rounds.begin(), fold_rounds.end(), 0.0) /
                                               static_cast<double>(fold_rounds.size()))));
  JORGE_TRY(XgboostModel final_model, XgboostModel::train(matrix, labels, final_params));
  JORGE_TRY(std::string trees, final_model.to_json());
  IsotonicCalibration calibration = IsotonicCalibration::fit(out_of_fold, labels);
  ++step;
  advance("done");

  // Metrics of the out-of-fold predictions, calibrated the way the model will be, and out of
  // fold too (#14): each fold's predictions through an isotonic step fitted on the other folds'
  // predictions. Fitted on all of them, the reliability curve would match by construction.
  std::vector<double> calibrated(out_of_fold.size());
  for (int k = 0; k < options.folds; ++k) {
    std::vector<double> others;
    std::vector<float> other_labels;
    for (size_t i = 0; i < out_of_fold.size(); ++i)
      if (fold[i] != k) {
        others.push_back(out_of_fold[i]);
        other_labels.push_back(labels[i]);
      }
    const IsotonicCalibration held_out = IsotonicCalibration::fit(others, other_labels);
    for (size_t i = 0; i < out_of_fold.size(); ++i)
      if (fold[i] == k) calibrated[i] = held_out.apply(out_of_fold[i]);
  }
  const double mean_auc = std::accumulate(fold_auc.begin(), fold_auc.end(), 0.0) / static_cast<double>(fold_auc.size());
  double variance = 0;
  for (double auc : fold_auc) variance += (auc - mean_auc) * (auc - mean_auc);
  result.auc = mean_auc;
  result.auc_std = std::sqrt(variance / static_cast<double>(fold_auc.size()));

  JORGE_TRY(std::vector<double> gains, final_model.gain_per_feature(encoder.feature_names().size()));
  std::vector<double> importance(encoder.source_columns().size(), 0.0);
  for (size_t f = 0; f < gains.size(); ++f) importance[encoder.feature_source()[f]] += gains[f];
  const double total_gain = std::accumulate(importance.begin(), importance.end(), 0.0);
  std::vector<size_t> order(importance.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return importance[a] > importance[b]; });
  nlohmann::json top = nlohmann::json::array();
  for (size_t i = 0; i < order.size() && i < 15; ++i)
    if (importance[order[i]] > 0)
      top.push_back({{"feature", encoder.source_columns()[order[i]]},
                     {"importance", std::round(importance[order[i]] / std::max(total_gain, 1e-12) * 10000) / 10000}});

  // #14: one column carrying the model (Leads.csv's Tags: AUC 0.91 alone, 53 % of the gain) is
  // worth a look even below the leakage bar: is it known when a lead is scored?
  nlohmann::json dominant = nlohmann::json::array();
  for (size_t s = 0; s < encoder.source_columns().size(); ++s) {
    const std::string& name = encoder.source_columns()[s];
    const double share = importance[s] / std::max(total_gain, 1e-12);
    const double alone = column_auc.contains(name) ? column_auc[name].get<double>() : 0.0;
    if (alone > options.leakage_auc) continue;  // named as a leak already
    if (alone < options.dominant_auc && share <= options.dominant_gain_share) continue;
    char sentence[512];
    std::snprintf(sentence, sizeof sentence,
                  "%s dominates the model (AUC %.2f alone, %.0f%% of the gain): check it is known when a lead is "
                  "scored, not filled in later; if not, pass --drop \"%s\".",
                  name.c_str(), alone, share * 100, name.c_str());
    result.dominance_warnings.push_back(sentence);
    dominant.push_back({{"column", name}, {"auc", std::round(alone * 10000) / 10000},
                        {"gain_share", std::round(share * 10000) / 10000}, {"message", sentence}});
  }

  nlohmann::json calibration_bins = nlohmann::json::array(), raw_bins = nlohmann::json::array();
  for (const auto& bin : reliability_curve(calibrated, labels))
    calibration_bins.push_back({{"lower", bin.lower}, {"upper", bin.upper}, {"mean_predicted", bin.mean_predicted},
                                {"observed_rate", bin.observed_rate}, {"count", bin.count}});
  for (const auto& bin : reliability_curve(out_of_fold, labels))
    raw_bins.push_back({{"lower", bin.lower}, {"upper", bin.upper}, {"mean_predicted", bin.mean_predicted},
                        {"observed_rate", bin.observed_rate}, {"count", bin.count}});
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& column : result.columns)
    columns.push_back({{"name", column.name}, {"type", std::string(column_kind_name(column.kind))},
                       {"missing", column.missing}, {"distinct", column.distinct}, {"note", column.note}});

  const std::string data_hash = sha256_hex(bytes);
  std::string created = format_iso8601(std::chrono::system_clock::now());
  std::string stamp;
  for (char c : created.substr(0, 16))
    if (std::isdigit(static_cast<unsigned char>(c))) stamp.push_back(c);
  const std::string version = category_key(options.target).substr(0, 24) + "-" + stamp + "-" + data_hash.substr(0, 8);
  nlohmann::json cv = {{"folds", options.folds},
                       {"auc", std::round(mean_auc * 10000) / 10000},
                       {"auc_std", std::round(result.auc_std * 10000) / 10000},
                       {"fold_auc", fold_auc},
                       {"accuracy", std::round(accuracy(calibrated, labels) * 10000) / 10000},
                       {"logloss", std::round(log_loss(calibrated, labels) * 10000) / 10000},
                       {"logloss_uncalibrated", std::round(log_loss(out_of_fold, labels) * 10000) / 10000},
                       {"brier", std::round(brier_score(calibrated, labels) * 10000) / 10000},
                       {"rounds", fold_rounds},
                       {"settings_searched", grid.size()},
                       {"chosen", {{"max_depth", chosen.max_depth}, {"learning_rate", chosen.learning_rate},
                                   {"min_child_weight", chosen.min_child_weight}}}};
  nlohmann::json report = {
      {"version", version},
      {"data", options.data_path},
      {"data_sha256", data_hash},
      {"target", options.target},
      {"rows", result.rows},
      {"positives", result.positives},
      {"skipped_rows_without_target", result.skipped_rows},
      {"features", encoder.feature_names().size()},
      {"feature_names", encoder.feature_names()},
      {"columns", columns},
      {"cv", cv},
      {"top_features", top},
      {"column_auc", column_auc},
      {"leakage_warnings", leakage},
      {"dominant_columns", dominant},
      {"calibration", {{"method", "isotonic"},
                       {"interval", "Wilson 95% interval of the out-of-fold rate in the probability's isotonic step"},
                       {"bins_measured", "out of fold: each fold through an isotonic step fitted on the others"},
                       {"bins", calibration_bins},
                       {"bins_uncalibrated", raw_bins}}},
      {"final_rounds", final_params.max_rounds},
      {"seconds", std::round(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() * 100) / 100}};
  // The training distribution of every number and yes/no column, for drift (PSI) later.
  DriftReference drift;
  for (size_t c = 0; c < result.columns.size(); ++c) {
    const ColumnKind kind = result.columns[c].kind;
    if (kind != ColumnKind::kNumeric && kind != ColumnKind::kBoolean) continue;
    std::vector<double> values;
    for (const auto& row : labelled.rows) {
      const std::string& text = row[c];
      std::optional<double> value = is_missing(text, na) ? std::nullopt
                                    : kind == ColumnKind::kNumeric ? parse_number(text)
                                                                   : parse_boolean(text);
      values.push_back(value.value_or(NAN));
    }
    drift[result.columns[c].name] = bins_of(values);
  }
  nlohmann::json metadata = {{"version", version},
                             {"kind", "table"},
                             {"created_at", created},
                             {"target", options.target},
                             {"id_column", options.id_column},
                             {"data_sha256", data_hash},
                             {"rows", result.rows},
                             {"tiers", {{"hot", options.tiers.hot}, {"warm", options.tiers.warm}}},
                             {"metrics", cv},
                             {"drift_reference", nlohmann::json::parse(drift_reference_json(drift))}};
  JORGE_TRY(result.model, TabularModel::assemble(std::move(encoder), trees, std::move(calibration), metadata.dump()));
  result.report_json = report.dump(2);
  return result;
}

}  // namespace jorge::scoring
