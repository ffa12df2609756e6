#include "core/log_throttle.hpp"

namespace jorge {

bool LogThrottle::admit(std::string_view key, MonotonicTime now, uint64_t& suppressed) {
  std::lock_guard lock(mutex_);
  auto found = windows_.find(key);
  if (found == windows_.end()) found = windows_.emplace(std::string(key), Window{now}).first;
  Window& window = found->second;
  if (now - window.start >= interval_) {
    window.start = now;
    window.written = 0;
  }
  if (window.written >= burst_) {
    ++window.suppressed;
    return false;
  }
  ++window.written;
  suppressed = window.suppressed;
  window.suppressed = 0;
  return true;
}

}  // namespace jorge
