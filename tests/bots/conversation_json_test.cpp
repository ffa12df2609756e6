// The conversation as it is stored between turns (#19): every field survives the round trip,
// and a damaged or older state still loads with defaults.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bots/conversation_json.hpp"
#include "support/test_time.hpp"

namespace jorge::bots {

using jorge::testing::at;

TEST(ConversationJson, EveryFieldSurvivesTheRoundTrip) {
  Conversation c = start_conversation("42", Role::kBuyer);
  c.variants = assign_variants("42");
  EngineConfig config;
  LeadFacts facts{"Dana", "", {"America/Chicago"}, std::nullopt};
  c = take_turn(c, {"m1", "we're pre-approved for 450k, looking in hutto by june", at("2026-03-10T16:00:00Z")}, facts, config)
          .conversation;
  c = take_turn(c, {"m2", "3 bed please", at("2026-03-10T16:05:00Z")}, facts, config).conversation;
  const nlohmann::json stored = conversation_json(c);
  const Conversation back = conversation_from_json(nlohmann::json::parse(stored.dump()));
  EXPECT_EQ(conversation_json(back), stored);
  EXPECT_EQ(back.slots.number(Slot::kPreapprovalAmount), 450000);
  EXPECT_EQ(back.slots[Slot::kAreas]->provenance.message_id, "m1");
  EXPECT_EQ(back.seen_messages, (std::vector<std::string>{"m1", "m2"}));
}

TEST(ConversationJson, ADamagedStateLoadsWithDefaults) {
  const Conversation c = conversation_from_json(nlohmann::json::parse(
      R"({"state":"nonsense","bot":7,"slots":{"budget_max":{"value":"not a number"},"areas":{"value":["Kyle"]},"bogus":{}},"asks":{"budget":"x"}})"));
  EXPECT_EQ(c.state, State::kNew);
  EXPECT_EQ(c.bot, Bot::kLead);
  EXPECT_EQ(c.slots.list(Slot::kAreas), (std::vector<std::string>{"Kyle"}));
  EXPECT_EQ(conversation_from_json(nlohmann::json("text")).state, State::kNew);
  // Found by bots_conversation_json_fuzz: a set stored as a string made the next turn's merge throw.
  const Conversation odd = conversation_from_json(nlohmann::json::parse(R"({"slots":{"areas":{"value":"m1"}}})"));
  EXPECT_FALSE(odd.slots.known(Slot::kAreas));
  const Turn turn = take_turn(odd, {"m2", "looking in kyle", at("2026-03-10T16:00:00Z")}, {}, {});
  EXPECT_EQ(turn.conversation.slots.list(Slot::kAreas), (std::vector<std::string>{"Kyle"}));
}

TEST(Engine, TheSameMessageTwiceIsOneTurn) {
  EngineConfig config;
  LeadFacts facts;
  Conversation c = start_conversation("7", Role::kBuyer);
  const Inbound inbound{"m1", "looking in kyle around 300k", at("2026-03-10T16:00:00Z")};
  const Turn first = take_turn(c, inbound, facts, config);
  ASSERT_TRUE(first.reply);
  const Turn again = take_turn(first.conversation, inbound, facts, config);
  EXPECT_TRUE(again.repeated);
  EXPECT_FALSE(again.reply);
  EXPECT_EQ(conversation_json(again.conversation), conversation_json(first.conversation));
}

TEST(Engine, FollowUpsAskTheNextQuestionOrCheckIn) {
  EngineConfig config;
  LeadFacts facts;
  Conversation c = start_conversation("8", Role::kBuyer);
  c.variants = Variants{};
  c = take_turn(c, {"m1", "we want to buy by june", at("2026-03-10T16:00:00Z")}, facts, config).conversation;
  const auto asking = follow_up(c, facts, config, 0);
  ASSERT_TRUE(asking);
  EXPECT_NE(asking->template_key.find("ask_"), std::string::npos) << asking->template_key;
  const auto checking = follow_up(c, facts, config, 1);
  ASSERT_TRUE(checking);
  EXPECT_EQ(checking->template_key, "nurture_checkin");
  EXPECT_NE(checking->text.find("June"), std::string::npos) << checking->text;
  c.state = State::kHandedOff;
  EXPECT_FALSE(follow_up(c, facts, config, 0));
  c.state = State::kOptedOut;
  EXPECT_FALSE(follow_up(c, facts, config, 1));
}

TEST(Engine, ResumingAHandedOffConversationQualifiesAgain) {
  Conversation c = start_conversation("9", Role::kSeller);
  c.state = State::kHandedOff;
  c.pending = SlotGroup::kPrice;
  resume_conversation(c);
  EXPECT_EQ(c.state, State::kQualifying);
  EXPECT_FALSE(c.pending);
}

}  // namespace jorge::bots
