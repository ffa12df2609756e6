#pragma once
// The first text a new lead gets, in Jorge's voice (specs/bots.md §12-13): names Jorge and
// the team, at most one question, no emojis, ≤ 160 characters. A template per tier; the
// conversation engine (bots issue) takes over from the lead's first reply.
#include <string>

#include "core/work.hpp"

namespace jorge::bots {

struct FirstTouchTemplates {
  std::string team = "the Rivera Team";
  // {name} (first name, may be empty), {team}, {source} are filled in.
  std::string hot = "{name}Jorge here with {team}. You look ready to move. When can you talk today?";
  std::string warm = "{name}Jorge here with {team}. Got your {source} request. When do you need to be in the new place?";
  std::string cold = "Jorge here with {team}. Looking to buy or just browsing?";
  // A lead known to sell (an import's "Buying or Selling" column) gets the Seller Bot's first
  // question instead, whatever the tier.
  std::string seller = "{name}Jorge here with {team}. Got your request about selling. What's got you thinking about selling, and where would you go?";
};

// bots.md §10.1: the one confirmation after an opt-out, never rephrased.
inline constexpr const char* kStopConfirmation =
    "You're unsubscribed from Jorge's team texts. No more messages. Reply START to opt back in.";
// bots.md §10.2: the answer to HELP/INFO, with the team and, when configured, its phone.
std::string help_text(const std::string& team, const std::string& team_phone);

// `source` is where the lead came from ("zillow"); empty is fine.
// `sells`: the lead said it sells (or sells and buys).
std::string first_touch_text(const FirstTouchTemplates& templates, Tier tier, const std::string& first_name,
                             const std::string& source, bool sells = false);

}  // namespace jorge::bots
