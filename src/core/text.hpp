#pragma once
// Normalisation of the text people type into forms: names and e-mail addresses; and the one
// ASCII case-folding and header lookup every module uses.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace jorge {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Trims Unicode white space at both ends, collapses inner runs to one space and composes to
// NFC, so "Jose\u0301 " and "José" are the same name. kInvalidArgument on invalid UTF-8.
Result<std::string> normalise_name(std::string_view text);

// Trims and lower-cases; kInvalidArgument when it is not one "local@domain.tld".
Result<std::string> normalise_email(std::string_view text);

// ASCII letters lower-cased, every other byte as it is (keywords, header names, identifiers;
// people's words go through ICU instead).
std::string ascii_lower(std::string_view text);
// Equal ignoring ASCII case.
bool ascii_iequals(std::string_view a, std::string_view b);

// The value of the first header called `name` (ASCII case-insensitive, as HTTP names are);
// empty when absent.
std::string_view find_header(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name);

}  // namespace jorge
