// The JSON body of POST /api/v1/leads.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/manual/manual_lead.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto event = jorge::ingest::parse_manual_lead(std::string_view(reinterpret_cast<const char*>(data), size));
  if (event.ok() && !event->contact->phone && event->contact->email.empty()) __builtin_trap();  // contract
  return 0;
}
