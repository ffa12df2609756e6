// A lead's answer to "what time works" (#19 booking), read on the lead's wall clock.
#include <gtest/gtest.h>

#include "bots/meeting_time.hpp"
#include "support/test_time.hpp"

namespace jorge::bots {
namespace {

using jorge::testing::at;

// Tuesday 2026-03-10, 10:00 on the lead's clock (wall time read as UTC).
SystemTime tuesday_ten() { return at("2026-03-10T10:00:00Z"); }
int64_t day_of(const char* iso) { return to_unix_millis(at(iso)) / 86'400'000; }

struct Case {
  const char* text;
  const char* day;  // yyyy-mm-ddT00:00:00Z
  int start, end;   // minutes
  bool exact;
};

}  // namespace

TEST(MeetingTime, ReadsDaysTimesAndPartsOfTheDay) {
  const std::vector<Case> cases = {
      {"tomorrow at 3", "2026-03-11T00:00:00Z", 15 * 60, 15 * 60 + 1, true},
      {"Sat morning", "2026-03-14T00:00:00Z", 9 * 60, 12 * 60, false},
      {"mañana a las 5", "2026-03-11T00:00:00Z", 17 * 60, 17 * 60 + 1, true},
      {"mañana por la mañana", "2026-03-11T00:00:00Z", 9 * 60, 12 * 60, false},
      {"today after 4", "2026-03-10T00:00:00Z", 16 * 60, 20 * 60, false},
      {"12/5 at 10am", "2026-12-05T00:00:00Z", 10 * 60, 10 * 60 + 1, true},
      {"3:30 works", "2026-03-10T00:00:00Z", 15 * 60 + 30, 15 * 60 + 31, true},
      {"at 9", "2026-03-11T00:00:00Z", 9 * 60, 9 * 60 + 1, true},  // 09:00 has passed today
      {"next tuesday", "2026-03-17T00:00:00Z", 9 * 60, 18 * 60, false},
      {"noon is good", "2026-03-10T00:00:00Z", 12 * 60, 12 * 60 + 1, true},
      {"friday 2 pm", "2026-03-13T00:00:00Z", 14 * 60, 14 * 60 + 1, true},
      {"el jueves en la tarde", "2026-03-12T00:00:00Z", 12 * 60, 17 * 60, false},
      {"tomorrow before 11", "2026-03-11T00:00:00Z", 9 * 60, 11 * 60, false},
      {"tomorrow after 11pm", "2026-03-11T00:00:00Z", 23 * 60, 24 * 60, false},
  };
  for (const Case& c : cases) {
    const auto read = parse_meeting_time(c.text, tuesday_ten());
    ASSERT_TRUE(read) << c.text;
    EXPECT_EQ(read->day, day_of(c.day)) << c.text;
    EXPECT_EQ(read->start_minute, c.start) << c.text;
    EXPECT_EQ(read->end_minute, c.end) << c.text;
    EXPECT_EQ(read->exact, c.exact) << c.text;
  }
}

TEST(MeetingTime, NamesNoTimeWhenThereIsNone) {
  for (const char* text : {"I have 3 kids", "sounds good", "call me whenever", "we want 3 bedrooms"})
    EXPECT_FALSE(parse_meeting_time(text, tuesday_ten())) << text;
}

}  // namespace jorge::bots
