#pragma once
// GoHighLevel allows 100 requests per 10 s per location (specs §2.5): a token bucket per
// location, sized so no 10-s window ever holds more than that, that also obeys a server-side
// pause (Retry-After or the rest of the window after a 429). Hot messages may use the whole
// bucket; others leave a reserve so hot ones never wait behind a backlog. Thread-safe.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.hpp"

namespace jorge::crm {

class RateLimiter {
 public:
  RateLimiter(Clock& clock, int requests_per_window, std::chrono::milliseconds window, int hot_reserve);
  // Takes `count` tokens if all are free; otherwise none, and how long to wait before asking
  // again. Taking a multi-call operation's tokens at once keeps it from stalling half-way
  // (and from spending its first calls again and again) when the budget is short.
  std::chrono::milliseconds try_acquire(const std::string& location, bool hot, int count = 1);
  // The server said stop (429): no request for this location before `now + pause`.
  void pause(const std::string& location, std::chrono::milliseconds pause);

 private:
  struct Bucket {
    double tokens;
    MonotonicTime refilled;
    MonotonicTime paused_until{};
  };
  Clock& clock_;
  double capacity_;
  double per_ms_;
  double hot_reserve_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace jorge::crm
