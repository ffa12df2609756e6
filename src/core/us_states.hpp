#pragma once
// The one table of US states, DC and the inhabited territories (#17): ingest normalises an
// address state with it, quiet hours find a state's time zones by its code.
#include <span>
#include <string_view>

namespace jorge {

struct UsState {
  const char* code;  // "TX"
  const char* name;  // "Texas"
};

// The 50 states, DC, and PR, VI, GU, AS, MP.
std::span<const UsState> us_states();
// "TX", "tx", "Texas", " texas. " → Texas; nullptr when the text names none.
const UsState* find_us_state(std::string_view text);

}  // namespace jorge
