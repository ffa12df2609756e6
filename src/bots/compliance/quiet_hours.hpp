#pragma once
// When a text may reach a person, in the recipient's local time (specs/integrations.md §8.2,
// bots.md §10.3), one strict rule in every state (#15): a message Jorge initiates (greeting,
// follow-up, nurture) only 09:00-20:00 Monday-Saturday and 12:00-20:00 Sunday — stricter than
// the federal 8-21, Texas's 9-21 and Florida's 8-20; a reply to a message the lead just sent
// 08:00-21:00. Zone from the address state, else the phone's area code, else Austin's (Texas,
// America/Chicago). A text due outside its window moves to the window's next opening; it is
// never dropped.
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

enum class MessageKind {
  kInitiated,  // greeting, follow-up, nurture: 09:00-20:00, Sunday 12:00-20:00
  kReply,      // the answer to a message the lead just sent: 08:00-21:00
};

// `when` itself if it lies inside the recipient's window, else the window's next opening.
SystemTime next_allowed_send(SystemTime when, const RecipientRules& rules,
                             MessageKind kind = MessageKind::kInitiated);

}  // namespace jorge::bots
