#pragma once
// When a lead says a call may happen (#19 booking, after the HOT handoff asks "what time
// works"): "tomorrow at 3", "Sat morning", "mañana a las 5", "today after 4", "12/5 at 10am".
// Read on the lead's wall clock (`local_now` as if UTC, as ExtractContext has it); the caller
// turns the answer into the calendar's free slots. Pure.
#include <optional>
#include <string_view>

#include "core/clock.hpp"

namespace jorge::bots {

struct MeetingRequest {
  int64_t day = 0;        // the local date, as days since 1970-01-01
  int start_minute = 0;   // the window asked for, local minutes of that day: [start, end)
  int end_minute = 0;
  bool exact = false;     // a time was named ("at 3"), not a part of the day
};

// Nothing when the text names neither a day nor a time. A time alone is today if it is at least
// half an hour away, else tomorrow; a day alone is that day's business hours (09:00-18:00); an
// hour from 1 to 7 without am/pm is afternoon ("at 3" is 15:00), 8 to 11 morning.
std::optional<MeetingRequest> parse_meeting_time(std::string_view text, SystemTime local_now);

}  // namespace jorge::bots
