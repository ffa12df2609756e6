// The GoHighLevel client against a local server that speaks GoHighLevel's contract.
#include "crm/ghl/ghl_client.hpp"

#include <gtest/gtest.h>

#include "crm/ghl/rate_limiter.hpp"
#include "support/fake_ghl.hpp"

namespace jorge::crm {
namespace {

GhlClientOptions options_for(const testing::FakeGhl& fake) {
  GhlClientOptions options;
  options.base_url = fake.url();
  options.token = "test-location-token";
  options.location_id = "loc1";
  options.timeout_ms = 2000;
  return options;
}

}  // namespace

TEST(GhlClient, SendsSmsWithTheDocumentedHeadersAndReadsTheMessageId) {
  testing::FakeGhl fake;
  GhlClient client(options_for(fake));
  auto sent = client.send_sms("Hq7RtY2uIo9PaS4dF6gJ", "Hi Maria, this is Jorge with the Rivera Team.");
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_FALSE(sent->message_id.empty());
  EXPECT_FALSE(sent->conversation_id.empty());
  auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/conversations/messages");
  EXPECT_EQ(requests[0].authorization, "Bearer test-location-token");
  EXPECT_EQ(requests[0].version, "2021-04-15");
  EXPECT_EQ(fake.sent_sms_messages().at(0), "Hi Maria, this is Jorge with the Rivera Team.");
}

// libcurl resends a request by itself when a reused connection closes before any answer;
// for an SMS that GoHighLevel already accepted, that resend would be a second text.
TEST(GhlClient, SmsWhoseAnswerIsLostIsNotResentBehindOurBack) {
  testing::FakeGhl fake;
  GhlClient client(options_for(fake));
  ASSERT_TRUE(client.add_tags("Hq7RtY2uIo9PaS4dF6gJ", {"hot"}).ok());  // leaves a keep-alive connection
  fake.drop_next(1, testing::FakeGhl::Drop::kAfterHandling);
  auto sent = client.send_sms("Hq7RtY2uIo9PaS4dF6gJ", "Hi Maria");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);  // outcome unknown: the sender reconciles
  EXPECT_EQ(fake.sent_sms_messages().size(), 1u);
  // A GET may be resent: it changes nothing.
  fake.drop_next(1, testing::FakeGhl::Drop::kBeforeHandling);
  auto found = client.find_conversation("Hq7RtY2uIo9PaS4dF6gJ");
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_FALSE(found->empty());
}

TEST(GhlClient, MapsThrottlingAndServerErrorsToRetryableCodes) {
  testing::FakeGhl fake;
  GhlClient client(options_for(fake));
  fake.fail_next(1, 429, 7);
  auto throttled = client.send_sms("c1", "x");
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(client.last_rate_limit().retry_after, std::chrono::milliseconds(7000));
  fake.fail_next(1, 503);
  EXPECT_EQ(client.send_sms("c1", "x").error().code, ErrorCode::kUnavailable);
  fake.fail_next(1, 422);
  EXPECT_EQ(client.send_sms("c1", "x").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(fake.sent_sms_messages().empty());
}

TEST(GhlClient, TimesOutAsUnavailable) {
  testing::FakeGhl fake;
  GhlClientOptions options = options_for(fake);
  options.timeout_ms = 200;
  GhlClient client(options);
  fake.delay_next(1, std::chrono::milliseconds(800));
  EXPECT_EQ(client.send_sms("c1", "x").error().code, ErrorCode::kUnavailable);
}

TEST(GhlClient, AddsTagsUpdatesFieldsAndListsMessages) {
  testing::FakeGhl fake;
  GhlClient client(options_for(fake));
  EXPECT_TRUE(client.add_tags("c1", {"hot-lead", "jorge-scored"}).ok());
  EXPECT_TRUE(client.update_custom_fields("c1", {{"cF3jorgeScore0000003", "87"}, {"cF5lead", "\"hot\""}}).ok());
  ASSERT_TRUE(client.send_sms("c1", "first touch").ok());
  auto messages = client.recent_messages("fakeConvc1");
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ(messages->at(0).body, "first touch");
  auto requests = fake.requests();
  EXPECT_EQ(requests[0].path, "/contacts/c1/tags");
  EXPECT_EQ(requests[0].version, "2021-07-28");
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_NE(requests[1].body.find("\"field_value\":87"), std::string::npos) << requests[1].body;
}

TEST(GhlClient, ReadsFreeSlotsBooksOneAndListsTheContactsAppointments) {
  testing::FakeGhl fake;
  fake.set_free_slots({"2026-12-05T10:00:00-06:00", "2026-12-04T15:00:00-06:00", "2026-12-04T15:30:00-06:00"},
                      {"2026-12-04T15:30:00-06:00"});
  GhlClient client(options_for(fake));
  SystemTime from, to;
  ASSERT_TRUE(parse_iso8601("2026-12-04T00:00:00-06:00", from));
  ASSERT_TRUE(parse_iso8601("2026-12-11T00:00:00-06:00", to));
  auto slots = client.free_slots("cal1", from, to, "America/Chicago");
  ASSERT_TRUE(slots.ok()) << slots.error().message;
  EXPECT_EQ(*slots, (std::vector<std::string>{"2026-12-04T15:00:00-06:00", "2026-12-04T15:30:00-06:00",
                                               "2026-12-05T10:00:00-06:00"}));  // in time order, across days
  EXPECT_EQ(fake.requests().back().path, "/calendars/cal1/free-slots");
  EXPECT_EQ(fake.requests().back().query, "startDate=" + std::to_string(to_unix_millis(from)) +
                                              "&endDate=" + std::to_string(to_unix_millis(to)) + "&timezone=America%2FChicago");

  auto booked = client.book_appointment("cal1", "c1", "2026-12-04T15:00:00-06:00", "Call with Maria");
  ASSERT_TRUE(booked.ok()) << booked.error().message;
  EXPECT_FALSE(booked->id.empty());
  EXPECT_EQ(booked->start_time, "2026-12-04T15:00:00-06:00");
  // Taken by someone else between the listing and the booking: a refusal, not a retry.
  auto gone = client.book_appointment("cal1", "c1", "2026-12-04T15:30:00-06:00", "Call with Maria");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kInvalidArgument);

  auto listed = client.contact_appointments("c1");
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, booked->id);
  EXPECT_EQ(listed->front().calendar_id, "cal1");
  EXPECT_TRUE(client.contact_appointments("c2")->empty());
}

TEST(RateLimiter, NeverLetsMoreThanTheLimitIntoAnyWindow) {
  ManualClock clock(from_unix_millis(0));
  RateLimiter limiter(clock, 100, std::chrono::seconds(10), 10);
  std::vector<int64_t> granted_at;
  for (int step = 0; step < 30'000; ++step) {  // ask every millisecond for 30 s
    if (limiter.try_acquire("loc1", /*hot=*/true) == std::chrono::milliseconds(0))
      granted_at.push_back(to_unix_millis(clock.now()));
    clock.advance(std::chrono::milliseconds(1));
  }
  size_t first = 0;
  for (size_t last = 0; last < granted_at.size(); ++last) {
    while (granted_at[last] - granted_at[first] >= 10'000) ++first;
    ASSERT_LE(last - first + 1, 100u) << "more than 100 requests inside 10 s ending at " << granted_at[last];
  }
  EXPECT_GE(granted_at.size(), 250u);  // and it does use the allowance: 20 at once, then 8 per second
  EXPECT_EQ(limiter.try_acquire("loc2", true), std::chrono::milliseconds(0));  // locations are separate
}

TEST(RateLimiter, KeepsAReserveForHotMessages) {
  ManualClock clock(from_unix_millis(0));
  RateLimiter limiter(clock, 100, std::chrono::seconds(10), 10);
  int cold = 0;
  while (limiter.try_acquire("loc1", /*hot=*/false) == std::chrono::milliseconds(0)) ++cold;
  EXPECT_EQ(cold, 10);  // a burst of 20, of which 10 are kept for hot texts
  int hot = 0;
  while (limiter.try_acquire("loc1", /*hot=*/true) == std::chrono::milliseconds(0)) ++hot;
  EXPECT_EQ(hot, 10);
}

TEST(RateLimiter, ObeysAServerPause) {
  ManualClock clock(from_unix_millis(0));
  RateLimiter limiter(clock, 100, std::chrono::seconds(10), 10);
  limiter.pause("loc1", std::chrono::seconds(7));
  EXPECT_EQ(limiter.try_acquire("loc1", true), std::chrono::milliseconds(7000));
  clock.advance(std::chrono::seconds(7));
  EXPECT_GT(limiter.try_acquire("loc1", true), std::chrono::milliseconds(0));  // bucket emptied by the 429
  clock.advance(std::chrono::milliseconds(125));  // one token per 125 ms
  EXPECT_EQ(limiter.try_acquire("loc1", true), std::chrono::milliseconds(0));
}

}  // namespace jorge::crm
