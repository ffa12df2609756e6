#pragma once
// When a text Jorge starts may reach a person (specs/integrations.md §8.2): the recipient's
// state decides the window (federal 8:00-21:00; Texas 9:00-21:00 Monday-Saturday and
// 12:00-21:00 Sunday; Florida, Oklahoma, Maryland and Washington 8:00-20:00) in the
// recipient's local time. State and zone come from the address, else the phone's area code,
// else Austin's (Texas, America/Chicago). A text due outside the window moves to the next
// allowed minute; it is never dropped.
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/phone.hpp"

namespace jorge::bots {

struct Recipient {
  std::string state;  // from the address: "TX" or "Texas"; empty when unknown
  std::optional<Phone> phone;
};

struct RecipientRules {
  std::string state;      // two letters, "TX"
  std::string time_zone;  // IANA, "America/Chicago"
};

// Where the rules come from: address state, else area code, else Texas / America/Chicago.
RecipientRules rules_for(const Recipient& recipient);

// `when` itself if it lies inside the recipient's window, else the window's next opening.
SystemTime next_allowed_send(SystemTime when, const RecipientRules& rules);

}  // namespace jorge::bots
