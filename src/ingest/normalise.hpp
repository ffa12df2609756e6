#pragma once
// The one place adapters turn typed-in contact details into normalised facts. Never rejects a
// lead for a bad detail: an unusable phone or e-mail is left out (the raw payload keeps it).
#include <optional>
#include <string>
#include <string_view>

#include "core/lead.hpp"

namespace jorge::ingest {

struct TypedContact {  // as the source sent it
  std::string_view first_name, last_name, full_name, phone, email;
  std::string_view country;  // ISO alpha-2 when known; phones without a country code read as US otherwise
};

// Names trimmed and NFC (full name composed from first + last when absent), phone E.164,
// e-mail trimmed and lower-cased.
void normalise_contact(const TypedContact& typed, ContactFacts& facts);

// Trimmed NFC text; empty when the input is not valid UTF-8.
std::string clean_text(std::string_view text);

}  // namespace jorge::ingest
