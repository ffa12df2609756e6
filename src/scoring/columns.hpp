#pragma once
// What each column of an arbitrary table holds, inferred from its values, and the value
// parsers every later step shares (numbers with currency and thousands marks, yes/no words,
// dates and times).
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.hpp"

namespace jorge::scoring {

enum class ColumnKind { kNumeric, kBoolean, kCategorical, kText, kDateTime, kIdentifier, kConstant, kDropped };
std::string_view column_kind_name(ColumnKind kind);

struct ColumnProfile {
  std::string name;
  ColumnKind kind = ColumnKind::kCategorical;
  size_t missing = 0;   // rows with no value (empty or an NA word)
  size_t distinct = 0;  // different non-missing values
  std::string note;     // why, in a few words, when it is not obvious
};

// Words that mean "no value", compared case-insensitively after trimming.
std::set<std::string> default_na_values();
bool is_missing(std::string_view value, const std::set<std::string>& na_values);

// "1,250", "$550k", "12.5%", "-3" -> the number; nullopt when it is not one.
std::optional<double> parse_number(std::string_view text);
// yes/no, true/false, y/n, t/f, 1/0 (any case) -> 1 or 0.
std::optional<double> parse_boolean(std::string_view text);
// ISO dates and date-times (2024-03-05, 2024-03-05 14:30[:00], with T or Z), and US
// month/day/year -> seconds since the epoch, UTC.
std::optional<double> parse_datetime(std::string_view text);
// Trimmed, lower-cased, inner runs of spaces collapsed: "Google " and "google" are one level.
std::string category_key(std::string_view text);

// Profiles every column of `table` except those listed in `skip` (target, id, dropped),
// which come back as kDropped.
std::vector<ColumnProfile> infer_columns(const CsvTable& table, const std::set<size_t>& skip,
                                         const std::set<std::string>& na_values);

}  // namespace jorge::scoring
