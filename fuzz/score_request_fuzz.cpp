// The JSON body of POST /api/v1/score_lead, then the 30 lead features of whatever it accepts.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scoring/lead_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto lead = jorge::scoring::parse_score_request(body);
  (void)jorge::scoring::money_in_text(body);
  if (!lead.ok()) return 0;
  float features[jorge::scoring::kLeadFeatureCount];
  jorge::scoring::extract_lead_features(*lead, jorge::SystemTime{}, features);
  for (float value : features)
    if (std::isnan(value)) __builtin_trap();  // contract: every feature is a number
  (void)jorge::scoring::lead_signals(features);
  return 0;
}
