#pragma once
// When a text may reach a person, in the recipient's local time (specs/integrations.md §8.2,
// bots.md §10.3), one strict rule in every state (#15): a message Jorge initiates (greeting,
// follow-up, nurture) only 09:00-20:00 Monday-Saturday and 12:00-20:00 Sunday — stricter than
// the federal 8-21, Texas's 9-21 and Florida's 8-20; a reply to a message the lead just sent
// 08:00-21:00. A recipient who may be in several zones (time_zones.hpp) gets a text only at a
// minute allowed in every one of them. A text due outside its window moves to the window's
// next opening; it is never dropped.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace jorge::bots {

enum class MessageKind {
  kInitiated,  // greeting, follow-up, nurture: 09:00-20:00, Sunday 12:00-20:00
  kReply,      // the answer to a message the lead just sent: 08:00-21:00
};

// `when` itself if it lies inside the window in each of `zones` (IANA names), else the
// earliest later minute that does. Nothing when `zones` is empty or names an unknown zone, or
// when no minute of the coming week is allowed in all of them: a person has to decide.
std::optional<SystemTime> next_allowed_send(SystemTime when, const std::vector<std::string>& zones,
                                            MessageKind kind = MessageKind::kInitiated);

// The wall-clock time in `zone` at `when`, expressed as if it were UTC (so calendar arithmetic
// on it reads the local date: "by March" counts from the lead's month, not London's). `when`
// itself for an unknown zone.
SystemTime local_wall_time(SystemTime when, const std::string& zone);

}  // namespace jorge::bots
