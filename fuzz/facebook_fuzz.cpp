// Facebook leadgen notifications and Graph lead bodies: never crash; a notification's events
// always carry a leadgen id and no person.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/facebook/facebook_webhook.hpp"
#include "ingest/facebook/graph_lead.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto events = jorge::ingest::parse_leadgen_notification(body);
  if (events.ok())
    for (const auto& event : *events)
      if (event.idempotency_key.empty() || event.contact) __builtin_trap();
  auto lead = jorge::ingest::parse_graph_lead(body, {{"budget", "price_range"}});
  if (lead.ok() && !lead->contact) __builtin_trap();
  (void)jorge::ingest::classify_graph_error(400, body);
  return 0;
}
