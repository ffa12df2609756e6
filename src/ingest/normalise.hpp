#pragma once
// The one place adapters turn typed-in contact details into normalised facts. Never rejects a
// lead for a bad detail: an unusable phone or e-mail is left out (the raw payload keeps it).
// Pure functions of their arguments (no clock, no I/O), each fuzzed.
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/quantities.hpp"  // parse_money, parse_timeline: the readers every source shares
#include "core/lead.hpp"

namespace jorge::ingest {

struct TypedContact {  // as the source sent it
  std::string_view first_name, last_name, full_name, phone, email;
  std::string_view country;  // ISO alpha-2 when known; phones without a country code read as US otherwise
};

// Names trimmed, NFC and cased (see name_case); "LAST, First" in a full name is turned round;
// a missing first/last is split from the full name and the full name composed from them;
// phone E.164, e-mail trimmed and lower-cased.
void normalise_contact(const TypedContact& typed, ContactFacts& facts);

struct TypedPlace {  // the person's address as the source sent it
  std::string_view address, city, state, postal_code;
};
// Every source's address the same way (#17: GoHighLevel and manual leads once got only a text
// clean-up, so ZIP blocking and quiet hours depended on the source): normalise_address,
// name_case for the city, normalise_state, normalise_postal_code. Fields not given are left.
void normalise_place(const TypedPlace& typed, ContactFacts& facts);

// Trimmed NFC text; empty when the input is not valid UTF-8.
std::string clean_text(std::string_view text);

// A name typed all in capitals or all in small letters gets each word's first letter
// capitalised ("MARIA DELGADO", "maria delgado" -> "Maria Delgado"); mixed case is kept as
// typed ("McAllister", "van der Berg"). Returns NFC text, empty on invalid UTF-8.
std::string name_case(std::string_view name);

struct PersonName {
  std::string first, last;
};
// "Maria Delgado" -> {Maria, Delgado}; "DELGADO, Maria" -> {Maria, Delgado}; one word -> first.
PersonName split_full_name(std::string_view full_name);

// US ZIP: "78704", "78704-1234", " 78704 " -> "78704" (ZIP+4 kept as "78704-1234");
// other text is trimmed and upper-cased (postcodes abroad).
std::string normalise_postal_code(std::string_view text);
// US state names and abbreviations -> the two-letter code ("texas", "Tx." -> "TX"); other
// text as typed (trimmed).
std::string normalise_state(std::string_view text);
// Street addresses: trimmed, inner spaces collapsed, common suffixes and directions
// abbreviated the USPS way ("1807 Bluebonnet Lane" -> "1807 Bluebonnet Ln", "South" -> "S"),
// unit markers kept ("#2104", "Apt 3").
std::string normalise_address(std::string_view text);

// Reads free answers once for everyone downstream: a custom field whose key speaks of a budget
// or price range ("budget", "price_range") adds "budget_min"/"budget_max" in dollars; one whose
// key speaks of timing ("timeline", "when_are_you_looking_to_buy?", "move_in") adds
// "timeline_months" (the sooner end) counted from `at`. Existing fields are left as they are.
void add_derived_fields(ContactFacts& facts, SystemTime at);

}  // namespace jorge::ingest
