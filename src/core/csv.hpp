#pragma once
// CSV as spreadsheets and databases export it: the delimiter (comma, semicolon, tab or pipe)
// is sniffed from the first lines, fields may be quoted with "" escapes and line breaks inside,
// line ends may be LF or CRLF, a UTF-8 byte-order mark is dropped, and the first row is taken
// as the header when it looks like one (no numbers, no empties, no repeats).
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace jorge {

struct CsvDialect {
  char delimiter = ',';
  bool has_header = true;
};

struct CsvTable {
  CsvDialect dialect;
  std::vector<std::string> header;             // column_1... when the file has none
  std::vector<std::vector<std::string>> rows;  // every row as wide as the header
  std::vector<size_t> line_of_row;             // 1-based line where each row starts (errors, rejects)
  std::string converted_from;                  // "Windows-1252" when read_csv_file converted it; else empty
};

// Guesses the dialect from the start of `text`.
CsvDialect sniff_csv_dialect(std::string_view text);

// Splits `text` into rows of fields under `dialect` (quotes resolved). kInvalidArgument on an
// unterminated quote, naming the line.
Result<std::vector<std::vector<std::string>>> split_csv(std::string_view text, const CsvDialect& dialect,
                                                        std::vector<size_t>* line_of_row = nullptr);

// Sniffs and parses a whole file's text. A row with fewer fields than the header is padded
// with empty fields; one with more is an error naming its line. Text must be UTF-8.
Result<CsvTable> parse_csv(std::string_view text);
Result<CsvTable> read_csv_file(const std::string& path);

// Quotes a field when it holds the delimiter, a quote or a line break.
std::string csv_field(std::string_view value, char delimiter = ',');

}  // namespace jorge
