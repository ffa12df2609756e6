#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace jorge {

TEST(Iso8601, RoundTripsUtcWithMilliseconds) {
  SystemTime time;
  ASSERT_TRUE(parse_iso8601("2026-11-20T15:02:10.902Z", time));
  EXPECT_EQ(format_iso8601(time), "2026-11-20T15:02:10.902Z");
}

TEST(Iso8601, AppliesOffsets) {
  SystemTime with_offset, utc;
  ASSERT_TRUE(parse_iso8601("2026-11-20T15:04:05+0000", with_offset));
  ASSERT_TRUE(parse_iso8601("2026-11-20T09:04:05-06:00", utc));
  EXPECT_EQ(with_offset, utc);
}

TEST(Iso8601, RejectsNonDates) {
  SystemTime time;
  EXPECT_FALSE(parse_iso8601("yesterday", time));
  EXPECT_FALSE(parse_iso8601("2026-02-30T00:00:00Z", time));
  EXPECT_FALSE(parse_iso8601("2026-11-20T15:02:10Zjunk", time));
}

TEST(ManualClock, MovesOnlyWhenAdvanced) {
  ManualClock clock(from_unix_millis(1000));
  EXPECT_EQ(to_unix_millis(clock.now()), 1000);
  clock.advance(std::chrono::milliseconds(500));
  EXPECT_EQ(to_unix_millis(clock.now()), 1500);
}

}  // namespace jorge
