#include "scoring/pre_score.hpp"

#include <gtest/gtest.h>

#include "ingest/ghl/ghl_adapter.hpp"
#include "support/test_env.hpp"

namespace jorge::scoring {
namespace {

InboundEvent message(const std::string& text, std::vector<CustomField> fields = {}) {
  InboundEvent event;
  event.contact = ContactFacts{};
  event.contact->custom_fields = std::move(fields);
  event.interaction = InteractionRecord{};
  event.interaction->body = text;
  return event;
}

}  // namespace

TEST(PreScore, PreApprovedBuyerWantingToSeeAHouseThisWeekIsHot) {
  PreScore scored = pre_score(message("We're pre-approved up to $525k and want to see the Avenue C house this week"));
  EXPECT_EQ(scored.tier, Tier::kHot) << scored.score;
  EXPECT_GT(scored.score, 80);
}

TEST(PreScore, BudgetAndTimelineFieldsWithoutMessageAreWarm) {
  PreScore scored = pre_score(message("", {{"cF1budgetMax", 525000.0}, {"timeline", std::string("1-3 months")}}));
  EXPECT_EQ(scored.tier, Tier::kWarm) << scored.score;
}

TEST(PreScore, JustBrowsingIsCold) {
  PreScore scored = pre_score(message("Just looking for now, thanks"));
  EXPECT_EQ(scored.tier, Tier::kCold);
  EXPECT_LT(scored.score, 20);
}

TEST(PreScore, ReadsFixtureMessage) {
  auto events = ingest::make_ghl_adapter({})->parse(testing::fixture("ghl/inbound_message_sms.json"));
  ASSERT_TRUE(events.ok());
  PreScore scored = pre_score(events->front());
  EXPECT_NE(std::find(scored.reasons.begin(), scored.reasons.end(), "pre-approved or cash"), scored.reasons.end());
  EXPECT_NE(scored.tier, Tier::kCold);
}

TEST(PreScore, StaysWithinZeroToHundred) {
  EXPECT_GE(pre_score(message("just browsing just looking maybe next year")).score, 0);
  EXPECT_LE(pre_score(message("pre-approved cash offer $900k see it this week tour showing asap")).score, 100);
}

}  // namespace jorge::scoring
