// A lead's "what time works" answer (bots/meeting_time.hpp): any text, any clock; the window read
// is always inside its day and never empty.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "bots/meeting_time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint32_t seconds = 0;
  std::memcpy(&seconds, data, 4);
  const jorge::SystemTime now = jorge::from_unix_millis(int64_t{1'700'000'000'000} + int64_t{seconds} * 1000);
  const std::string_view text(reinterpret_cast<const char*>(data) + 4, size - 4);
  if (const auto read = jorge::bots::parse_meeting_time(text, now))
    if (read->start_minute < 0 || read->end_minute > 24 * 60 || read->start_minute >= read->end_minute) __builtin_trap();
  return 0;
}
