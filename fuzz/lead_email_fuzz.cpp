// Raw e-mail bytes through GMime and the lead parsers (Zillow, Realtor.com, generic forms),
// and HTML to text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/email/lead_email.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto event = jorge::ingest::parse_lead_email(raw, "mailbox");
  if (event.ok() && !event->contact->phone && event->contact->email.empty()) __builtin_trap();
  (void)jorge::ingest::html_to_text(raw);
  return 0;
}
