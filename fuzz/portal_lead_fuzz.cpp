// Zillow / Realtor.com bodies (ours and the vendor's nested shape): never crash, never accept
// a lead without a phone or an e-mail.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/portal/portal_lead.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  for (std::string_view source : {"zillow", "realtor"}) {
    auto event = jorge::ingest::parse_portal_lead(source, body);
    if (event.ok() && !event->contact->phone && event->contact->email.empty()) __builtin_trap();
  }
  return 0;
}
