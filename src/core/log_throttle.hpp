#pragma once
// Repeated warnings of one kind (a caller without credentials hammering a webhook, a source
// sending the same bad body) become a few lines per interval plus a count of those left out,
// so a flood can neither fill the disk nor drown the lines that matter (#14). Thread-safe.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace jorge {

class LogThrottle {
 public:
  // At most `burst` lines of one kind per `interval`.
  explicit LogThrottle(std::chrono::milliseconds interval = std::chrono::seconds(10), uint32_t burst = 5)
      : interval_(interval), burst_(burst) {}

  // True when a line of kind `key` may be written at `now`; `suppressed` is then how many lines
  // of that kind were left out since the last one written (say so in the line).
  bool admit(std::string_view key, MonotonicTime now, uint64_t& suppressed);

 private:
  struct Window {
    MonotonicTime start;
    uint32_t written = 0;
    uint64_t suppressed = 0;
  };
  const std::chrono::milliseconds interval_;
  const uint32_t burst_;
  std::mutex mutex_;
  std::map<std::string, Window, std::less<>> windows_;  // keys are a handful of fixed kinds
};

}  // namespace jorge
