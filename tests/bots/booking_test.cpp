// Booking the call (#19): the lead's answer against the calendar's free slots, in the lead's zone.
#include <gtest/gtest.h>

#include "bots/booking.hpp"
#include "bots/compliance/quiet_hours.hpp"
#include "support/test_time.hpp"

namespace jorge::bots {
namespace {

using jorge::testing::at;

const std::string kAustin = "America/Chicago";

// Thursday 2026-12-03, 10:00 in Austin (16:00 UTC).
SystemTime now() { return at("2026-12-03T16:00:00Z"); }

MeetingRequest asked(const char* text) {
  auto request = parse_meeting_time(text, local_wall_time(now(), kAustin));
  EXPECT_TRUE(request) << text;
  return request.value_or(MeetingRequest{});
}

std::vector<SystemTime> slots(std::initializer_list<const char*> isos) {
  std::vector<SystemTime> out;
  for (const char* iso : isos) out.push_back(at(iso));
  return out;
}

}  // namespace

TEST(Booking, LocalTimesBecomeInstantsInTheLeadsZone) {
  EXPECT_EQ(from_local_wall_time(at("2026-12-04T15:00:00Z"), kAustin), at("2026-12-04T15:00:00-06:00"));
  EXPECT_EQ(from_local_wall_time(at("2026-07-04T15:00:00Z"), kAustin), at("2026-07-04T15:00:00-05:00"));
  EXPECT_EQ(from_local_wall_time(at("2026-12-04T15:00:00Z"), "America/Los_Angeles"), at("2026-12-04T15:00:00-08:00"));
  // Fall back (2026-11-01 01:30 happens twice): the earlier one.
  EXPECT_EQ(from_local_wall_time(at("2026-11-01T01:30:00Z"), kAustin), at("2026-11-01T01:30:00-05:00"));
}

TEST(Booking, BooksTheFreeSlotAtTheTimeAsked) {
  const auto free = slots({"2026-12-04T14:00:00-06:00", "2026-12-04T15:00:00-06:00", "2026-12-04T15:30:00-06:00"});
  const SlotChoice choice = choose_slot(asked("tomorrow at 3"), free, kAustin);
  ASSERT_TRUE(choice.book);
  EXPECT_EQ(*choice.book, 1u);
}

TEST(Booking, BooksTheFirstFreeSlotOfAPartOfTheDay) {
  // Saturday 2026-12-05 morning: 09:00-12:00 in Austin.
  const auto free = slots({"2026-12-05T13:00:00-06:00", "2026-12-05T10:30:00-06:00", "2026-12-05T11:00:00-06:00"});
  const SlotChoice choice = choose_slot(asked("Sat morning"), free, kAustin);
  ASSERT_TRUE(choice.book);
  EXPECT_EQ(free[*choice.book], at("2026-12-05T10:30:00-06:00"));
}

TEST(Booking, OffersTheTwoNearestFreeSlotsWhenTheTimeIsTaken) {
  const auto free = slots({"2026-12-04T09:00:00-06:00", "2026-12-04T16:00:00-06:00", "2026-12-04T14:00:00-06:00",
                           "2026-12-07T15:00:00-06:00"});
  const SlotChoice choice = choose_slot(asked("tomorrow at 3"), free, kAustin);
  EXPECT_FALSE(choice.book);
  ASSERT_EQ(choice.offer.size(), 2u);
  EXPECT_EQ(free[choice.offer[0]], at("2026-12-04T14:00:00-06:00"));  // in time order
  EXPECT_EQ(free[choice.offer[1]], at("2026-12-04T16:00:00-06:00"));
  EXPECT_TRUE(choose_slot(asked("tomorrow at 3"), {}, kAustin).offer.empty());
}

TEST(Booking, ReadsWhichOfferedSlotTheLeadTakes) {
  const auto offered = slots({"2026-12-04T14:00:00-06:00", "2026-12-05T10:30:00-06:00"});
  EXPECT_EQ(pick_offered("the second one", offered, kAustin, now()), 1u);
  EXPECT_EQ(pick_offered("first", offered, kAustin, now()), 0u);
  EXPECT_EQ(pick_offered("2", offered, kAustin, now()), 1u);
  EXPECT_EQ(pick_offered("el segundo", offered, kAustin, now()), 1u);
  EXPECT_EQ(pick_offered("10:30 works", offered, kAustin, now()), 1u);
  EXPECT_EQ(pick_offered("2pm is fine", offered, kAustin, now()), 0u);
  EXPECT_EQ(pick_offered("saturday", offered, kAustin, now()), 1u);
  EXPECT_FALSE(pick_offered("neither works for me", offered, kAustin, now()));
  EXPECT_FALSE(pick_offered("the first or the second, whatever", offered, kAustin, now()));
  EXPECT_FALSE(pick_offered("at 5", offered, kAustin, now()));
}

TEST(Booking, TextsNameDayAndTimeInTheLeadsZone) {
  const auto booked = slots({"2026-12-04T15:00:00-06:00"});
  EXPECT_EQ(booking_text("booking_confirmed", "en", Level::kStandard, booked, kAustin),
            "Booked: Fri Dec 4 at 3pm, your time. Jorge will call you then.");
  EXPECT_EQ(booking_text("booking_confirmed", "en", Level::kStandard, booked, "America/Los_Angeles"),
            "Booked: Fri Dec 4 at 1pm, your time. Jorge will call you then.");
  EXPECT_EQ(booking_text("booking_confirmed", "es", Level::kStandard, booked, kAustin),
            "Listo: el vie 4/12 a las 15:00, tu hora. Jorge te llama entonces.");
  const auto offered = slots({"2026-12-04T14:00:00-06:00", "2026-12-05T10:30:00-06:00"});
  EXPECT_EQ(booking_text("booking_offer", "en", Level::kStandard, offered, kAustin),
            "That time's taken. Jorge can do Fri Dec 4 at 2pm or Sat Dec 5 at 10:30am. Which one works?");
}

}  // namespace jorge::bots
