// Any bytes as a CSV file (`jorge train`, `jorge score`, imports), then every field through
// the value parsers that type inference uses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/csv.hpp"
#include "scoring/columns.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto table = jorge::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!table.ok()) return 0;
  for (const auto& row : table->rows) {
    if (row.size() != table->header.size()) __builtin_trap();  // contract: rows as wide as the header
    for (const auto& field : row) {
      (void)jorge::scoring::parse_number(field);
      (void)jorge::scoring::parse_boolean(field);
      (void)jorge::scoring::parse_datetime(field);
      (void)jorge::scoring::category_key(field);
    }
  }
  (void)jorge::scoring::infer_columns(*table, {}, jorge::scoring::default_na_values());
  return 0;
}
