#pragma once
// Normalisation of the text people type into forms: names and e-mail addresses.
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace jorge {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Trims Unicode white space at both ends, collapses inner runs to one space and composes to
// NFC, so "Jose\u0301 " and "José" are the same name. kInvalidArgument on invalid UTF-8.
Result<std::string> normalise_name(std::string_view text);

// Trims and lower-cases; kInvalidArgument when it is not one "local@domain.tld".
Result<std::string> normalise_email(std::string_view text);

}  // namespace jorge
