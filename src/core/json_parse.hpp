#pragma once
// The one way Jorge parses JSON with nlohmann: bounded nesting. nlohmann's parser copes with any
// depth, but dump() and the code walking a value recurse, so a 100,000-deep array — in a
// request, or stored from one and read back later — overflows the stack (#14). Every JSON input
// and every stored JSON text goes through here.
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace jorge {

// Deeper than any lead source, CRM answer or stored record sends; far below a stack's limit.
inline constexpr size_t kMaxJsonDepth = 64;

// True when no object or array in `text` lies more than `max_depth` levels deep (strings and
// escapes skipped). Linear, no allocation; meaningful for any bytes, JSON or not.
bool json_nesting_within(std::string_view text, size_t max_depth = kMaxJsonDepth);

// The parsed value, or a discarded value (is_discarded()) when `text` is not JSON or is nested
// deeper than `max_depth`. Never throws.
nlohmann::json parse_json(std::string_view text, size_t max_depth = kMaxJsonDepth);

}  // namespace jorge
