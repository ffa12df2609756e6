#include "scoring/table_encoder.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <unordered_map>

#include "core/bytes.hpp"
#include "core/json_parse.hpp"

namespace jorge::scoring {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
constexpr size_t kMaxModelBytes = size_t{1} << 30;

// Splits positions 0..n-1 into `folds` groups at random (seeded).
std::vector<int> random_folds(size_t n, int folds, uint64_t seed) {
  std::vector<int> fold(n);
  for (size_t i = 0; i < n; ++i) fold[i] = static_cast<int>(i % static_cast<size_t>(folds));
  std::mt19937_64 random(seed);
  std::shuffle(fold.begin(), fold.end(), random);
  return fold;
}

std::vector<std::string> datetime_parts() { return {"year", "month", "weekday", "hour", "days"}; }

}  // namespace

size_t TableEncoder::width(const Column& column) const {
  switch (column.kind) {
    case ColumnKind::kCategorical:
      return column.levels.empty() ? 2 : column.levels.size() + (column.has_missing_level ? 1 : 0);
    case ColumnKind::kText: return 3;
    case ColumnKind::kDateTime: return datetime_parts().size();
    default: return 1;
  }
}

void TableEncoder::encode_value(const Column& column, const std::string* value, float* out) const {
  const size_t n = width(column);
  const bool missing = value == nullptr || is_missing(*value, na_values_);
  switch (column.kind) {
    case ColumnKind::kNumeric: {
      auto number = missing ? std::nullopt : parse_number(*value);
      out[0] = number ? static_cast<float>(*number) : kMissing;
      return;
    }
    case ColumnKind::kBoolean: {
      auto flag = missing ? std::nullopt : parse_boolean(*value);
      out[0] = flag ? static_cast<float>(*flag) : kMissing;
      return;
    }
    case ColumnKind::kDateTime: {
      auto seconds = missing ? std::nullopt : parse_datetime(*value);
      if (!seconds) {
        std::fill(out, out + n, kMissing);
        return;
      }
      const int64_t days = static_cast<int64_t>(std::floor(*seconds / 86400));
      // Civil date from days (Howard Hinnant's inverse algorithm).
      const int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
      const unsigned doe = static_cast<unsigned>(z - era * 146097);
      const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
      const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
      const unsigned month = mp < 10 ? mp + 3 : mp - 9;
      const int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2);
      out[0] = static_cast<float>(year);
      out[1] = static_cast<float>(month);
      out[2] = static_cast<float>(((days % 7) + 11) % 7);  // 0 = Monday
      out[3] = static_cast<float>(std::fmod(*seconds, 86400.0) / 3600.0);
      out[4] = static_cast<float>(days);
      return;
    }
    case ColumnKind::kCategorical: {
      if (column.levels.empty()) {  // frequency + target mean
        auto found = missing ? column.stats.end() : column.stats.find(category_key(*value));
        if (missing) found = column.stats.find("");
        out[0] = found == column.stats.end() ? 0.0f : static_cast<float>(found->second.first);
        out[1] = found == column.stats.end() ? static_cast<float>(column.base_rate) : static_cast<float>(found->second.second);
        return;
      }
      std::fill(out, out + n, 0.0f);
      if (missing) {
        if (column.has_missing_level) out[n - 1] = 1.0f;
        return;
      }
      const std::string key = category_key(*value);
      for (size_t i = 0; i < column.levels.size(); ++i)
        if (column.levels[i] == key) out[i] = 1.0f;
      return;
    }
    case ColumnKind::kText: {
      const std::string empty;
      const std::string& text = missing ? empty : *value;
      out[0] = column.text ? static_cast<float>(column.text->probability(text)) : kMissing;
      out[1] = missing ? kMissing : static_cast<float>(text.size());
      out[2] = missing ? kMissing : static_cast<float>(1 + std::count(text.begin(), text.end(), ' '));
      return;
    }
    default: return;
  }
}

void TableEncoder::name_features() {
  feature_names_.clear();
  feature_source_.clear();
  source_columns_.clear();
  source_kinds_.clear();
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& column = columns_[i];
    source_columns_.push_back(column.name);
    source_kinds_.push_back(column.kind);
    std::vector<std::string> names;
    if (column.kind == ColumnKind::kCategorical && !column.levels.empty()) {
      for (const auto& level : column.levels) names.push_back(column.name + "=" + level);
      if (column.has_missing_level) names.push_back(column.name + " missing");
    } else if (column.kind == ColumnKind::kCategorical) {
      names = {column.name + " frequency", column.name + " target mean"};
    } else if (column.kind == ColumnKind::kText) {
      names = {column.name + " text model", column.name + " length", column.name + " words"};
    } else if (column.kind == ColumnKind::kDateTime) {
      for (const auto& part : datetime_parts()) names.push_back(column.name + " " + part);
    } else {
      names = {column.name};
    }
    for (auto& name : names) {
      feature_names_.push_back(std::move(name));
      feature_source_.push_back(i);
    }
  }
}

Result<std::pair<TableEncoder, FeatureMatrix>> TableEncoder::fit(const CsvTable& table, const std::vector<size_t>& rows,
                                                                 std::span<const float> labels,
                                                                 const std::vector<ColumnProfile>& profiles,
                                                                 const std::set<std::string>& na_values,
                                                                 const EncoderOptions& options) {
  TableEncoder encoder;
  encoder.na_values_ = na_values;
  const size_t n = rows.size();
  const double base_rate = n ? std::accumulate(labels.begin(), labels.end(), 0.0) / static_cast<double>(n) : 0;
  std::vector<size_t> column_index;
  for (size_t c = 0; c < profiles.size(); ++c) {
    const ColumnProfile& profile = profiles[c];
    if (profile.kind != ColumnKind::kNumeric && profile.kind != ColumnKind::kBoolean &&
        profile.kind != ColumnKind::kCategorical && profile.kind != ColumnKind::kText &&
        profile.kind != ColumnKind::kDateTime)
      continue;
    Column column;
    column.name = profile.name;
    column.kind = profile.kind;
    column.base_rate = base_rate;
    if (column.kind == ColumnKind::kCategorical) {
      std::map<std::string, size_t> counts;
      for (size_t r : rows) {
        const std::string& value = table.rows[r][c];
        if (is_missing(value, na_values)) column.has_missing_level = true;
        else ++counts[category_key(value)];
      }
      if (counts.size() <= options.onehot_max_levels) {
        for (const auto& [key, count] : counts) column.levels.push_back(key);
      } else {
        column.has_missing_level = false;
      }
    }
    encoder.columns_.push_back(std::move(column));
    column_index.push_back(c);
  }
  encoder.name_features();

  // Target statistics and text models from a subset of the rows (positions into `rows`).
  auto fit_target_parts = [&](Column& column, size_t c, const std::vector<size_t>& positions) -> Status {
    if (column.kind == ColumnKind::kCategorical && column.levels.empty()) {
      std::unordered_map<std::string, std::pair<double, double>> sums;  // count, positives
      for (size_t p : positions) {
        const std::string& value = table.rows[rows[p]][c];
        auto& entry = sums[is_missing(value, na_values) ? std::string() : category_key(value)];
        entry.first += 1;
        entry.second += labels[p];
      }
      double rate = 0;
      for (size_t p : positions) rate += labels[p];
      rate = positions.empty() ? base_rate : rate / static_cast<double>(positions.size());
      column.base_rate = rate;
      column.stats.clear();
      for (const auto& [key, entry] : sums)
        column.stats[key] = {entry.first / static_cast<double>(positions.size()),
                             (entry.second + options.smoothing * rate) / (entry.first + options.smoothing)};
    } else if (column.kind == ColumnKind::kText) {
      std::vector<std::string> texts;
      std::vector<float> y;
      for (size_t p : positions) {
        const std::string& value = table.rows[rows[p]][c];
        texts.push_back(is_missing(value, na_values) ? std::string() : value);
        y.push_back(labels[p]);
      }
      JORGE_TRY(TextModel model, TextModel::train(texts, y, options.seed));
      column.text = std::move(model);
    }
    return ok_status();
  };

  FeatureMatrix matrix{n, encoder.feature_names_.size(), std::vector<float>(n * encoder.feature_names_.size())};
  std::vector<int> fold = random_folds(n, std::max(2, options.inner_folds), options.seed);
  size_t offset = 0;
  for (size_t i = 0; i < encoder.columns_.size(); ++i) {
    Column& column = encoder.columns_[i];
    const size_t c = column_index[i], w = encoder.width(column);
    const bool target_derived =
        (column.kind == ColumnKind::kCategorical && column.levels.empty()) || column.kind == ColumnKind::kText;
    if (target_derived) {
      // Out-of-fold for the rows being fitted: each fold encoded by the others.
      for (int k = 0; k < std::max(2, options.inner_folds); ++k) {
        std::vector<size_t> others, held;
        for (size_t p = 0; p < n; ++p) (fold[p] == k ? held : others).push_back(p);
        if (held.empty()) continue;
        JORGE_TRY_STATUS(fit_target_parts(column, c, others));
        for (size_t p : held) encoder.encode_value(column, &table.rows[rows[p]][c], &matrix.values[p * matrix.columns + offset]);
      }
      std::vector<size_t> all(n);
      std::iota(all.begin(), all.end(), 0);
      JORGE_TRY_STATUS(fit_target_parts(column, c, all));  // what scoring new rows uses
    } else {
      for (size_t p = 0; p < n; ++p)
        encoder.encode_value(column, &table.rows[rows[p]][c], &matrix.values[p * matrix.columns + offset]);
    }
    offset += w;
  }
  return std::make_pair(std::move(encoder), std::move(matrix));
}

FeatureMatrix TableEncoder::transform(const CsvTable& table, const std::vector<size_t>& rows,
                                      std::vector<std::string>* absent) const {
  std::vector<std::optional<size_t>> where;
  for (const Column& column : columns_) {
    auto found = std::find(table.header.begin(), table.header.end(), column.name);
    where.push_back(found == table.header.end() ? std::nullopt
                                                 : std::optional<size_t>(static_cast<size_t>(found - table.header.begin())));
    if (!where.back() && absent) absent->push_back(column.name);
  }
  FeatureMatrix matrix{rows.size(), feature_names_.size(), std::vector<float>(rows.size() * feature_names_.size())};
  for (size_t p = 0; p < rows.size(); ++p) {
    float* out = &matrix.values[p * matrix.columns];
    for (size_t i = 0; i < columns_.size(); ++i) {
      encode_value(columns_[i], where[i] ? &table.rows[rows[p]][*where[i]] : nullptr, out);
      out += width(columns_[i]);
    }
  }
  return matrix;
}

void TableEncoder::encode(const std::map<std::string, std::string>& values, std::span<float> out) const {
  float* at = out.data();
  for (const Column& column : columns_) {
    auto found = values.find(column.name);
    encode_value(column, found == values.end() ? nullptr : &found->second, at);
    at += width(column);
  }
}

Result<std::string> TableEncoder::to_json() const {
  nlohmann::json columns = nlohmann::json::array();
  for (const Column& column : columns_) {
    nlohmann::json entry = {{"name", column.name},
                            {"kind", std::string(column_kind_name(column.kind))},
                            {"base_rate", column.base_rate}};
    if (!column.levels.empty()) entry["levels"] = column.levels;
    if (column.has_missing_level) entry["missing_level"] = true;
    if (!column.stats.empty()) {
      nlohmann::json stats = nlohmann::json::object();
      for (const auto& [key, value] : column.stats) stats[key] = {value.first, value.second};
      entry["stats"] = stats;
    }
    if (column.text) {
      JORGE_TRY(std::string bytes, column.text->to_bytes());
      entry["fasttext_base64"] = base64_encode(bytes);
    }
    columns.push_back(entry);
  }
  nlohmann::json na = nlohmann::json::array();
  for (const auto& value : na_values_) na.push_back(value);
  return nlohmann::json{{"columns", columns}, {"na_values", na}}.dump();
}

Result<TableEncoder> TableEncoder::from_json(const std::string& json) {
  auto root = parse_json(json);
  if (root.is_discarded() || !root.is_object()) return Error{ErrorCode::kInvalidArgument, "encoder: not JSON"};
  TableEncoder encoder;
  try {
    for (const auto& value : root.at("na_values")) encoder.na_values_.insert(value.get<std::string>());
    static const std::map<std::string, ColumnKind> kinds = {{"numeric", ColumnKind::kNumeric},
                                                            {"boolean", ColumnKind::kBoolean},
                                                            {"categorical", ColumnKind::kCategorical},
                                                            {"text", ColumnKind::kText},
                                                            {"datetime", ColumnKind::kDateTime}};
    for (const auto& entry : root.at("columns")) {
      Column column;
      column.name = entry.at("name").get<std::string>();
      auto kind = kinds.find(entry.at("kind").get<std::string>());
      if (kind == kinds.end()) return Error{ErrorCode::kInvalidArgument, "encoder: unknown column kind"};
      column.kind = kind->second;
      column.base_rate = entry.value("base_rate", 0.0);
      if (entry.contains("levels")) column.levels = entry["levels"].get<std::vector<std::string>>();
      column.has_missing_level = entry.value("missing_level", false);
      if (entry.contains("stats"))
        for (const auto& [key, value] : entry["stats"].items())
          column.stats[key] = {value.at(0).get<double>(), value.at(1).get<double>()};
      if (entry.contains("fasttext_base64")) {
        std::string bytes;
        if (!base64_decode(entry["fasttext_base64"].get<std::string>(), bytes, kMaxModelBytes))
          return Error{ErrorCode::kInvalidArgument, "encoder: bad text model bytes"};
        JORGE_TRY(TextModel text, TextModel::from_bytes(bytes));
        column.text = std::move(text);
      }
      encoder.columns_.push_back(std::move(column));
    }
  } catch (const std::exception& error) {
    return Error{ErrorCode::kInvalidArgument, std::string("encoder: ") + error.what()};
  }
  encoder.name_features();
  return encoder;
}

}  // namespace jorge::scoring
