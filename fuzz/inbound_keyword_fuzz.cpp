// Inbound SMS bodies as the opt-out classifier reads them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bots/compliance/opt_out.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)jorge::bots::classify_inbound(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
