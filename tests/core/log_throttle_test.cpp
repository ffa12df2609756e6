#include "core/log_throttle.hpp"

#include <gtest/gtest.h>

namespace jorge {

TEST(LogThrottle, WritesABurstPerIntervalThenCountsWhatItLeftOut) {
  LogThrottle throttle(std::chrono::seconds(10), 2);
  MonotonicTime now{};
  uint64_t suppressed = 99;
  EXPECT_TRUE(throttle.admit("rejected", now, suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_TRUE(throttle.admit("rejected", now, suppressed));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(throttle.admit("rejected", now, suppressed));
  EXPECT_TRUE(throttle.admit("other kind", now, suppressed));  // kinds are throttled apart
  EXPECT_EQ(suppressed, 0u);
  now += std::chrono::seconds(10);
  EXPECT_TRUE(throttle.admit("rejected", now, suppressed));
  EXPECT_EQ(suppressed, 1000u);
}

}  // namespace jorge
