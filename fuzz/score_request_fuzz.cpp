// The JSON body of POST /api/v1/score_lead, scored by the rules and (when the peer's model is
// beside the repository) by a tree model, and written as the API answers it. #14: the rules
// scorer once answered heap bytes; every answer must be valid UTF-8 JSON whose strings hold
// no control characters.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "scoring/lead_request.hpp"
#include "scoring/lead_scorer.hpp"

namespace {

std::vector<std::shared_ptr<const jorge::scoring::LeadModel>>& models() {
  static std::vector<std::shared_ptr<const jorge::scoring::LeadModel>> loaded;
  return loaded;
}

bool strings_are_clean(const nlohmann::json& value) {
  if (value.is_string()) {
    for (unsigned char c : value.get_ref<const std::string&>())
      if (c < 0x20 || c == 0x7f) return false;
    return true;
  }
  if (!value.is_structured()) return true;  // iterating a number would yield the number itself
  for (const auto& item : value)
    if (!strings_are_clean(item)) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  models().push_back(jorge::scoring::LeadModel::rules());
  auto trees = jorge::scoring::LeadModel::from_file(JORGE_PEER_MODEL);
  if (trees.ok()) models().push_back(*trees);
  return 0;
}

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
  for (const auto& model : models()) {
    const std::string answer = jorge::scoring::score_answer_json(model->score(*lead, jorge::SystemTime{}));
    if (!jorge::is_valid_utf8(answer)) __builtin_trap();
    auto parsed = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !strings_are_clean(parsed)) __builtin_trap();
  }
  return 0;
}
