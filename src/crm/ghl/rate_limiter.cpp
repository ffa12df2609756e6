#include "crm/ghl/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace jorge::crm {

// A bucket of capacity B refilled at r per ms lets B + r·window requests through in any
// window, so B = N/5 and r = (N - B)/window keep every window, sliding or fixed, at N or
// fewer: GoHighLevel never has to answer 429.
RateLimiter::RateLimiter(Clock& clock, int requests_per_window, std::chrono::milliseconds window, int hot_reserve)
    : clock_(clock),
      capacity_(std::max(1, requests_per_window / 5)),
      per_ms_(static_cast<double>(requests_per_window - std::max(1, requests_per_window / 5)) /
              static_cast<double>(window.count())),
      hot_reserve_(std::max(0, std::min(hot_reserve, std::max(1, requests_per_window / 5) - 1))) {}

std::chrono::milliseconds RateLimiter::try_acquire(const std::string& location, bool hot, int count) {
  std::lock_guard lock(mutex_);
  MonotonicTime now = clock_.monotonic_now();
  auto [found, inserted] = buckets_.try_emplace(location, Bucket{capacity_, now});
  Bucket& bucket = found->second;
  if (now < bucket.paused_until)
    return std::chrono::ceil<std::chrono::milliseconds>(bucket.paused_until - now);
  double elapsed_ms = std::max(0.0, std::chrono::duration<double, std::milli>(now - bucket.refilled).count());
  bucket.tokens = std::min(capacity_, bucket.tokens + elapsed_ms * per_ms_);
  bucket.refilled = now;
  double floor = hot ? 0.0 : hot_reserve_;  // non-hot traffic leaves the reserve alone
  // Never ask for more than a full bucket can hold, or the wait would never end.
  double wanted = std::min(static_cast<double>(std::max(1, count)), capacity_ - floor);
  if (bucket.tokens >= floor + wanted) {
    bucket.tokens -= wanted;
    return std::chrono::milliseconds(0);
  }
  double missing = floor + wanted - bucket.tokens;
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(missing / per_ms_)));
}

void RateLimiter::pause(const std::string& location, std::chrono::milliseconds pause) {
  std::lock_guard lock(mutex_);
  MonotonicTime now = clock_.monotonic_now();
  auto [found, inserted] = buckets_.try_emplace(location, Bucket{capacity_, now});
  Bucket& bucket = found->second;
  bucket.paused_until = std::max(bucket.paused_until, now + pause);
  bucket.tokens = 0;  // the window is used up: refill only from the end of the pause
  bucket.refilled = bucket.paused_until;
}

}  // namespace jorge::crm
