#include "core/csv.hpp"

#include <unicode/ucnv.h>

#include <optional>
#include "core/files.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/text.hpp"

namespace jorge {
namespace {

constexpr char kCandidates[] = {',', ';', '\t', '|'};

// Delimiter counts outside quotes, one per physical line, for the first lines of `text`.
std::vector<int> counts_per_line(std::string_view text, char delimiter, size_t max_lines) {
  std::vector<int> counts;
  int count = 0;
  bool quoted = false;
  for (size_t i = 0; i < text.size() && counts.size() < max_lines; ++i) {
    char c = text[i];
    if (c == '"') quoted = !quoted;
    else if (!quoted && c == delimiter) ++count;
    else if (!quoted && c == '\n') {
      counts.push_back(count);
      count = 0;
    }
  }
  if (count > 0 && counts.size() < max_lines) counts.push_back(count);
  return counts;
}

bool looks_numeric(std::string_view field) {
  if (field.empty()) return false;
  double value = 0;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  return error == std::errc() && end == field.data() + field.size();
}

}  // namespace

CsvDialect sniff_csv_dialect(std::string_view text) {
  CsvDialect dialect;
  // The delimiter whose count is the same on most lines (and not zero) wins; ties go to the
  // one seen more often per line, then to the order of kCandidates.
  double best = 0;
  for (char candidate : kCandidates) {
    std::vector<int> counts = counts_per_line(text, candidate, 50);
    if (counts.empty()) continue;
    std::map<int, int> frequency;
    for (int count : counts) ++frequency[count];
    auto [mode, times] = *std::max_element(frequency.begin(), frequency.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
    if (mode == 0) continue;
    double consistency = static_cast<double>(times) / static_cast<double>(counts.size());
    double merit = consistency * 1000 + std::min(mode, 999);
    if (merit > best) {
      best = merit;
      dialect.delimiter = candidate;
    }
  }
  auto rows = split_csv(text.substr(0, std::min<size_t>(text.size(), 64 * 1024)), dialect);
  if (rows.ok() && !rows->empty()) {
    const auto& first = rows->front();
    std::set<std::string> seen;
    for (const auto& field : first) {
      if (field.empty() || looks_numeric(field) || !seen.insert(field).second) {
        dialect.has_header = false;
        break;
      }
    }
  }
  return dialect;
}

Result<std::vector<std::vector<std::string>>> split_csv(std::string_view text, const CsvDialect& dialect,
                                                        std::vector<size_t>* line_of_row) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t line = 1, row_line = 1, quote_line = 0;
  bool quoted = false, field_was_quoted = false;
  auto end_row = [&] {
    row.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
    // A blank line is no row.
    if (!(row.size() == 1 && row[0].empty())) {
      rows.push_back(std::move(row));
      if (line_of_row) line_of_row->push_back(row_line);
    }
    row.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty() && !field_was_quoted) {
      quoted = field_was_quoted = true;
      quote_line = line;
    } else if (c == dialect.delimiter) {
      row.push_back(std::move(field));
      field.clear();
      field_was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;  // CRLF: the \n ends the row
    } else if (c == '\n') {
      end_row();
      ++line;
      row_line = line;
    } else {
      field.push_back(c);  // a quote inside an unquoted field is kept as it is
    }
  }
  if (quoted)
    return Error{ErrorCode::kInvalidArgument,
                 "line " + std::to_string(quote_line) + ": a quoted field never ends (missing closing \")"};
  if (!field.empty() || !row.empty() || field_was_quoted) end_row();
  return rows;
}

Result<CsvTable> parse_csv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (!is_valid_utf8(text))
    return Error{ErrorCode::kInvalidArgument, "the file is not UTF-8; re-export it as UTF-8 CSV"};
  CsvTable table;
  table.dialect = sniff_csv_dialect(text);
  JORGE_TRY(table.rows, split_csv(text, table.dialect, &table.line_of_row));
  if (table.rows.empty()) return Error{ErrorCode::kInvalidArgument, "the file has no rows"};
  if (table.dialect.has_header) {
    table.header = std::move(table.rows.front());
    table.rows.erase(table.rows.begin());
    table.line_of_row.erase(table.line_of_row.begin());
  } else {
    for (size_t i = 0; i < table.rows.front().size(); ++i) table.header.push_back("column_" + std::to_string(i + 1));
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    auto& row = table.rows[r];
    // Some exporters end every line with a delimiter: one empty field too many is forgiven.
    if (row.size() == table.header.size() + 1 && row.back().empty()) row.pop_back();
    if (row.size() > table.header.size())
      return Error{ErrorCode::kInvalidArgument, "line " + std::to_string(table.line_of_row[r]) + ": " +
                                                    std::to_string(row.size()) + " fields, the header has " +
                                                    std::to_string(table.header.size())};
    row.resize(table.header.size());
  }
  return table;
}

namespace {

// Excel on Windows saves "CSV" in the machine's code page, Windows-1252 in the US (#14). Bytes
// that code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) mean it is something else.
std::optional<std::string> from_windows_1252(std::string_view text) {
  for (unsigned char c : text)
    if (c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  UConverter* converter = ucnv_open("windows-1252", &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::string out(text.size() * 3 + 1, '\0');  // at most three UTF-8 bytes per byte
  const int32_t written = ucnv_toAlgorithmic(UCNV_UTF8, converter, out.data(), static_cast<int32_t>(out.size()),
                                             text.data(), static_cast<int32_t>(text.size()), &status);
  ucnv_close(converter);
  if (U_FAILURE(status)) return std::nullopt;
  out.resize(static_cast<size_t>(written));
  return out;
}

}  // namespace

Result<CsvTable> read_csv_file(const std::string& path) {
  JORGE_TRY(std::string contents, read_file(path));
  std::string converted_from;
  if (!is_valid_utf8(contents)) {
    auto converted = from_windows_1252(contents);
    if (!converted)
      return Error{ErrorCode::kInvalidArgument,
                   path + ": the file is neither UTF-8 nor Windows-1252; re-export it as \"CSV UTF-8\""};
    contents = std::move(*converted);
    converted_from = "Windows-1252";
  }
  auto table = parse_csv(contents);
  if (!table.ok()) return Error{table.error().code, path + ": " + table.error().message};
  table->converted_from = converted_from;
  return table;
}

std::string csv_field(std::string_view value, char delimiter) {
  if (value.find_first_of(std::string{'"', '\n', '\r', delimiter}) == std::string_view::npos) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace jorge
