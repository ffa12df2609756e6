#pragma once
// Jorge's persona as checks every outgoing text passes (bots.md §12) and the fair-housing
// filter on replies (§10.4). Templates are checked in tests; LLM phrasing at run time (§11).
#include <string>
#include <string_view>
#include <vector>

namespace jorge::bots {

struct PersonaCheck {
  std::string_view language = "en";   // the lead's last message's language (§12.7)
  bool greeting = false;              // the one exclamation of greeting v1 is allowed
  bool fair_housing_redirect = false; // the fixed redirect may name safety and schools
};

// What is wrong with `text`, one short reason each ("two questions", "emoji", "filler: ...");
// empty when it passes.
std::vector<std::string> persona_violations(std::string_view text, const PersonaCheck& check = {});

}  // namespace jorge::bots
