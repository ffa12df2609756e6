#pragma once
// Booking the call (#19): after a handoff asked "what time works", the lead's answer against
// the free slots of the team's calendar — the slot to book, or the two free slots nearest the
// time asked — and the texts that say so, in the lead's zone and language. Pure: the caller
// reads the calendar and books.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bots/meeting_time.hpp"
#include "bots/templates.hpp"
#include "core/clock.hpp"

namespace jorge::bots {

// The instant of a local wall-clock time in `zone` (local_now's convention: local time written
// as if UTC). In a DST gap or overlap, the earlier reading.
SystemTime from_local_wall_time(SystemTime local, const std::string& zone);

// `request` as instants in `zone`: [from, to).
struct Window {
  SystemTime from{}, to{};
};
Window window_of(const MeetingRequest& request, const std::string& zone);

struct SlotChoice {
  std::optional<size_t> book;  // a free slot inside the window: the first (an exact time: that one)
  std::vector<size_t> offer;   // else up to two free slots nearest the time asked, in time order
};
// `slots`: the calendar's free slots (their starts), in any order.
SlotChoice choose_slot(const MeetingRequest& request, const std::vector<SystemTime>& slots, const std::string& zone);
// Up to two of `slots` nearest the time asked (zero inside its window), in time order.
std::vector<size_t> nearest_slots(const MeetingRequest& request, const std::vector<SystemTime>& slots,
                                  const std::string& zone);

// Which of the `offered` slots the lead's answer takes: "the first", "2", "the second one",
// "el segundo", "3:30 works", "Friday". Nothing when the answer names none of them (or both).
std::optional<size_t> pick_offered(std::string_view text, const std::vector<SystemTime>& offered,
                                   const std::string& zone, SystemTime now);

// "Thu Dec 4 at 3pm" / "el jue 4/12 a las 15:00", in `zone`.
std::string describe_slot(SystemTime at, const std::string& zone, std::string_view language);

// The texts: "booking_confirmed" {slot}, "booking_offer" {slot, other_slot}, "booking_full".
std::string booking_text(std::string_view key, std::string_view language, Level level,
                         const std::vector<SystemTime>& slots, const std::string& zone);

}  // namespace jorge::bots
