// A lead's "what time works" answer (bots/meeting_time.hpp, bots/booking.hpp): any text, any
// clock; the window read is always inside its day and never empty; a pick among offered slots is
// one of them; a choice of free slots books one of them or offers at most two.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "bots/booking.hpp"
#include "bots/compliance/quiet_hours.hpp"
#include "bots/meeting_time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint32_t seconds = 0;
  std::memcpy(&seconds, data, 4);
  const jorge::SystemTime now = jorge::from_unix_millis(int64_t{1'700'000'000'000} + int64_t{seconds} * 1000);
  const std::string_view text(reinterpret_cast<const char*>(data) + 4, size - 4);
  const std::string zone = seconds % 2 ? "America/Chicago" : "America/Los_Angeles";
  const std::vector<jorge::SystemTime> slots = {now + std::chrono::hours(20), now + std::chrono::hours(26),
                                                now + std::chrono::hours(50)};
  if (const auto read = jorge::bots::parse_meeting_time(text, jorge::bots::local_wall_time(now, zone))) {
    if (read->start_minute < 0 || read->end_minute > 24 * 60 || read->start_minute >= read->end_minute) __builtin_trap();
    const auto choice = jorge::bots::choose_slot(*read, slots, zone);
    if ((choice.book && *choice.book >= slots.size()) || choice.offer.size() > 2 || (choice.book && !choice.offer.empty()))
      __builtin_trap();
  }
  if (const auto picked = jorge::bots::pick_offered(text, {slots[0], slots[1]}, zone, now))
    if (*picked > 1) __builtin_trap();
  return 0;
}
