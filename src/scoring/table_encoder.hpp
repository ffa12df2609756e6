#pragma once
// Turns the columns of any table into model features, and remembers how, so the same
// encoding applies when scoring. Numbers and yes/no pass through (missing stays missing for
// the trees); dates become year, month, weekday, hour and a day count; small categoricals are
// one-hot; large ones become frequency and a smoothed target mean; free text becomes a
// fastText probability plus length and word count. Target-derived features are computed
// out-of-fold on the rows they are fitted on, so no row ever sees its own label.
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/csv.hpp"
#include "scoring/columns.hpp"
#include "scoring/text_model.hpp"
#include "scoring/feature_matrix.hpp"

namespace jorge::scoring {

struct EncoderOptions {
  size_t onehot_max_levels = 40;  // more levels than this: frequency + target encoding
  double smoothing = 20;          // pseudo-rows of the base rate in each target mean
  int inner_folds = 5;            // out-of-fold target encoding and text models
  uint64_t seed = 20261125;
};

class TableEncoder {
 public:
  // Fits on `rows` of `table` (labels[i] belongs to rows[i]) and returns the encoder with the
  // feature matrix of those rows, target-derived parts out-of-fold.
  static Result<std::pair<TableEncoder, FeatureMatrix>> fit(const CsvTable& table, const std::vector<size_t>& rows,
                                                            std::span<const float> labels,
                                                            const std::vector<ColumnProfile>& profiles,
                                                            const std::set<std::string>& na_values,
                                                            const EncoderOptions& options);
  // Encodes rows of a table whose columns are found by name (order may differ); columns it
  // lacks are missing values. `absent` receives the names of those columns.
  FeatureMatrix transform(const CsvTable& table, const std::vector<size_t>& rows,
                          std::vector<std::string>* absent = nullptr) const;
  // One row given as values by source column name (the API's way in).
  void encode(const std::map<std::string, std::string>& values, std::span<float> out) const;

  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // For each feature, the index of the source column it came from (in source_columns()).
  const std::vector<size_t>& feature_source() const { return feature_source_; }
  const std::vector<std::string>& source_columns() const { return source_columns_; }
  const std::vector<ColumnKind>& source_kinds() const { return source_kinds_; }

  Result<std::string> to_json() const;
  static Result<TableEncoder> from_json(const std::string& json);

 private:
  struct Column {
    std::string name;
    ColumnKind kind = ColumnKind::kNumeric;
    std::vector<std::string> levels;  // one-hot levels (category keys)
    bool has_missing_level = false;
    std::map<std::string, std::pair<double, double>> stats;  // key -> (frequency, target mean)
    double base_rate = 0;
    std::optional<TextModel> text;
  };
  size_t width(const Column& column) const;
  void name_features();  // feature names and sources from columns_
  // Writes `column`'s features for one value (nullptr: missing) at `out`.
  void encode_value(const Column& column, const std::string* value, float* out) const;

  std::vector<Column> columns_;
  std::set<std::string> na_values_;
  std::vector<std::string> feature_names_, source_columns_;
  std::vector<size_t> feature_source_;
  std::vector<ColumnKind> source_kinds_;
};

}  // namespace jorge::scoring
