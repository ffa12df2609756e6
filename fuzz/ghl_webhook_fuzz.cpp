// The GoHighLevel webhook path as an attacker reaches it: signature check, then parsing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/ghl/ghl_adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto checked = jorge::ingest::make_ghl_adapter({});
  std::string_view body(reinterpret_cast<const char*>(data), size);
  // Half of the input doubles as a signature header so verification sees hostile base64 too.
  jorge::ingest::WebhookRequest request{{{"x-wh-signature", std::string(body.substr(0, size / 2))}}, body};
  (void)checked->verify(request);
  auto events = checked->parse(body);
  if (events.ok())
    for (const auto& event : *events)
      if (event.idempotency_key.empty()) __builtin_trap();  // every stored event needs its key
  return 0;
}
