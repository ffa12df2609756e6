#pragma once
// Where a text's recipient may be, as time zones (#15). Three sources, each as precise as it
// can be: the phone number (its area code; outside the US, its country or territory), the
// address ZIP code (a table generated from the npm package zipcode-to-timezone) and the address
// state. The address narrows itself (a ZIP inside its state names one zone; a state alone
// names every zone it spans, unless the phone's area code says which part); the number may
// point elsewhere (a Hawaii number with a Texas address). The recipient's zones are all of
// them, and a text goes only at an hour allowed in every one. Nothing falls back to Austin:
// a recipient with no zone at all waits for a person's decision.
#include <optional>
#include <string>
#include <vector>

#include "core/phone.hpp"

namespace jorge::bots {

struct Recipient {
  std::string state;        // from the address: "TX" or "Texas"; empty when unknown
  std::string postal_code;  // from the address: "78751" or "78751-1234"; empty when unknown
  std::optional<Phone> phone;
};

struct RecipientZones {
  std::vector<std::string> zones;  // IANA names, sorted, unique; empty: nobody knows
  bool florida = false;            // by address or number: at most 3 initiated texts in 24 h
  std::string sources;             // what said what, for the lead's detail: "phone: America/Denver; ZIP 78751: America/Chicago"
};

RecipientZones zones_for(const Recipient& recipient);

}  // namespace jorge::bots
