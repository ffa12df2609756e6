// `jorge import`: any CSV text through the proposed mapping and the row reader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/csv.hpp"
#include "ingest/csv_import/csv_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto table = jorge::parse_csv(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!table.ok()) return 0;
  std::vector<std::string> mapping = jorge::ingest::propose_mapping(table->header);
  for (const auto& row : table->rows) {
    auto event = jorge::ingest::import_row("fuzz", table->header, mapping, row, jorge::SystemTime{});
    if (event.ok() && !event->contact->phone && event->contact->email.empty()) __builtin_trap();
  }
  return 0;
}
