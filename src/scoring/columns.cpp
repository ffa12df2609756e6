#include "scoring/columns.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <unordered_set>

namespace jorge::scoring {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool read_int(std::string_view text, size_t& at, size_t digits_min, size_t digits_max, int& out) {
  size_t start = at;
  out = 0;
  while (at < text.size() && at - start < digits_max && std::isdigit(static_cast<unsigned char>(text[at])))
    out = out * 10 + (text[at++] - '0');
  return at - start >= digits_min;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {  // Howard Hinnant's algorithm
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::string_view column_kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kNumeric: return "numeric";
    case ColumnKind::kBoolean: return "boolean";
    case ColumnKind::kCategorical: return "categorical";
    case ColumnKind::kText: return "text";
    case ColumnKind::kDateTime: return "datetime";
    case ColumnKind::kIdentifier: return "identifier";
    case ColumnKind::kConstant: return "constant";
    case ColumnKind::kDropped: return "dropped";
  }
  return "unknown";
}

std::set<std::string> default_na_values() {
  return {"", "na", "n/a", "nan", "null", "none", "-", "?", "#n/a", "missing"};
}

bool is_missing(std::string_view value, const std::set<std::string>& na_values) {
  value = trim(value);
  if (value.empty()) return true;
  if (value.size() > 16) return false;
  return na_values.count(ascii_lower(value)) > 0;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > 40) return std::nullopt;
  std::string digits;
  bool negative = false;
  if (text.front() == '-' || text.front() == '(') {
    negative = true;
    text.remove_prefix(1);
    if (!text.empty() && text.back() == ')') text.remove_suffix(1);
  }
  if (!text.empty() && text.front() == '$') text.remove_prefix(1);
  double scale = 1;
  if (!text.empty()) {
    char last = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
    if (last == '%') text.remove_suffix(1);
    else if (last == 'k' && text.size() > 1) scale = 1e3, text.remove_suffix(1);
    else if (last == 'm' && text.size() > 1) scale = 1e6, text.remove_suffix(1);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    // A thousands comma sits after a digit with exactly three digits after it: "1,250,000".
    auto digit = [&](size_t at) { return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); };
    if (c == ',' && i > 0 && digit(i - 1) && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4)) continue;
    digits.push_back(c);
  }
  if (digits.empty()) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value)) return std::nullopt;
  return (negative ? -value : value) * scale;
}

std::optional<double> parse_boolean(std::string_view text) {
  std::string word = ascii_lower(trim(text));
  if (word == "yes" || word == "true" || word == "y" || word == "t" || word == "1") return 1.0;
  if (word == "no" || word == "false" || word == "n" || word == "f" || word == "0") return 0.0;
  return std::nullopt;
}

std::optional<double> parse_datetime(std::string_view text) {
  text = trim(text);
  if (text.size() < 8 || text.size() > 35) return std::nullopt;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  size_t at = 0;
  if (read_int(text, at, 4, 4, year) && at < text.size() && (text[at] == '-' || text[at] == '/')) {
    char separator = text[at++];
    if (!read_int(text, at, 1, 2, month) || at >= text.size() || text[at++] != separator) return std::nullopt;
    if (!read_int(text, at, 1, 2, day)) return std::nullopt;
  } else {
    at = 0;  // month/day/year
    if (!read_int(text, at, 1, 2, month) || at >= text.size() || text[at++] != '/') return std::nullopt;
    if (!read_int(text, at, 1, 2, day) || at >= text.size() || text[at++] != '/') return std::nullopt;
    if (!read_int(text, at, 4, 4, year)) return std::nullopt;
  }
  if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
    ++at;
    if (!read_int(text, at, 1, 2, hour) || at >= text.size() || text[at++] != ':') return std::nullopt;
    if (!read_int(text, at, 2, 2, minute)) return std::nullopt;
    if (at < text.size() && text[at] == ':') {
      ++at;
      if (!read_int(text, at, 2, 2, second)) return std::nullopt;
      while (at < text.size() && (text[at] == '.' || std::isdigit(static_cast<unsigned char>(text[at])))) ++at;
    }
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) ++at;
  }
  if (at != text.size()) return std::nullopt;
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60)
    return std::nullopt;
  return static_cast<double>(days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))) * 86400.0 +
         hour * 3600.0 + minute * 60.0 + second;
}

std::string category_key(std::string_view text) {
  std::string key;
  bool space = false;
  for (char c : trim(text)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !key.empty()) key.push_back(' ');
    space = false;
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return key;
}

namespace {

// A value shaped like a record's id: a UUID, or one token of 8+ letters, digits, '-' or '_'
// mixing letters and digits ("7927b2df-8bba-...", "Hq7RtY2uIo9PaS4dF6gJ", "LD-000123X").
bool looks_like_an_id(std::string_view value) {
  if (value.size() < 8 || value.size() > 64) return false;
  bool letter = false, digit = false;
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isdigit(byte)) digit = true;
    else if (std::isalpha(byte)) letter = true;
    else if (c != '-' && c != '_') return false;
  }
  return letter && digit;
}

}  // namespace

std::vector<ColumnProfile> infer_columns(const CsvTable& table, const std::set<size_t>& skip,
                                         const std::set<std::string>& na_values) {
  std::vector<ColumnProfile> profiles;
  for (size_t column = 0; column < table.header.size(); ++column) {
    ColumnProfile profile;
    profile.name = table.header[column];
    if (skip.count(column)) {
      profile.kind = ColumnKind::kDropped;
      profiles.push_back(profile);
      continue;
    }
    std::unordered_set<std::string> distinct;
    size_t present = 0, numbers = 0, booleans = 0, dates = 0, words = 0, characters = 0, id_shaped = 0;
    for (const auto& row : table.rows) {
      std::string_view value = row[column];
      if (is_missing(value, na_values)) {
        ++profile.missing;
        continue;
      }
      ++present;
      distinct.insert(category_key(value));
      if (parse_number(value)) ++numbers;
      if (parse_boolean(value)) ++booleans;
      if (parse_datetime(value)) ++dates;
      if (looks_like_an_id(value)) ++id_shaped;
      characters += value.size();
      words += 1 + static_cast<size_t>(std::count(value.begin(), value.end(), ' '));
    }
    profile.distinct = distinct.size();
    const double share_numeric = present ? static_cast<double>(numbers) / present : 0;
    const double share_dates = present ? static_cast<double>(dates) / present : 0;
    const double mean_words = present ? static_cast<double>(words) / present : 0;
    const double mean_length = present ? static_cast<double>(characters) / present : 0;
    const double distinct_share = present ? static_cast<double>(distinct.size()) / present : 0;
    if (distinct.size() <= 1) {
      profile.kind = ColumnKind::kConstant;
      profile.note = present ? "one value only" : "always empty";
    } else if (booleans == present && distinct.size() == 2) {
      profile.kind = ColumnKind::kBoolean;
    } else if (share_dates >= 0.98) {
      profile.kind = ColumnKind::kDateTime;
    } else if (share_numeric >= 0.98) {
      profile.kind = ColumnKind::kNumeric;
      if (distinct_share == 1.0 && present > 50) profile.note = "every value differs: pass --drop if it is an identifier";
    } else if (present > 20 && id_shaped >= present * 98 / 100 && distinct_share > 0.9) {
      // #14: "Prospect ID" (UUIDs) was typed text and entered the model.
      profile.kind = ColumnKind::kIdentifier;
      profile.note = "shaped like ids, one per row: left out";
    } else if (mean_words >= 4 || (mean_length >= 30 && distinct_share > 0.5)) {
      profile.kind = ColumnKind::kText;
    } else if (distinct_share > 0.9 && present > 50) {
      profile.kind = ColumnKind::kIdentifier;
      profile.note = "almost every value differs";
    } else {
      profile.kind = ColumnKind::kCategorical;
    }
    profiles.push_back(profile);
  }
  return profiles;
}

}  // namespace jorge::scoring
