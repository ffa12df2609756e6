// The engine with Claude behind it, through a local server speaking the Messages API
// (integrations.md §7): a valid phrasing is sent, one that breaks a rule is replaced by the
// template, an opt-out only the model reads hands off silently, and a timeout, an error or a
// cut-off answer leave the rules to answer (bots.md §11).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bots/engine.hpp"
#include "pipeline/claude_llm.hpp"
#include "support/fake_claude.hpp"
#include "support/test_time.hpp"

namespace jorge::pipeline {
namespace {

using jorge::testing::at;

struct Bot {
  testing::FakeClaude claude;
  std::unique_ptr<ClaudeLlm> backend;
  bots::CachedLlm cached;
  bots::EngineConfig config;
  bots::Conversation conversation = bots::start_conversation("c-llm", bots::Role::kBuyer);

  explicit Bot(long timeout_ms = 3000)
      : backend(std::make_unique<ClaudeLlm>(crm::ClaudeClientOptions{claude.url(), "test-anthropic-key", "claude-sonnet-4-5", timeout_ms})),
        cached(*backend) {
    config.llm = &cached;
    conversation.variants = bots::Variants{};
    conversation.state = bots::State::kQualifying;
    conversation.pending = bots::SlotGroup::kTimeline;
  }
  bots::Turn say(const std::string& text, const char* when = "2026-03-10T16:00:00Z") {
    return bots::take_turn(conversation, {"m-" + text, text, at(when)}, {"Dana", "", {"America/Chicago"}, std::nullopt},
                           config);
  }
};

}  // namespace

TEST(ClaudeBackend, AValidPhrasingIsSentAndTheRequestFollowsTheContract) {
  Bot bot;
  bot.claude.answer_phrasing("Makes sense. So what's the most you want to spend?");
  const bots::Turn turn = bot.say("we need to move by june");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.reply->writer, "llm");
  EXPECT_EQ(turn.reply->text, "Makes sense. So what's the most you want to spend?");
  const auto seen = bot.claude.requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().api_key, "test-anthropic-key");
  EXPECT_EQ(seen.back().version, "2023-06-01");
  const auto body = nlohmann::json::parse(seen.back().body);
  EXPECT_EQ(body["model"], "claude-sonnet-4-5");
  EXPECT_TRUE(body["system"].is_string());  // top level, not a message role
  EXPECT_EQ(body["messages"][0]["role"], "user");
}

TEST(ClaudeBackend, TwoQuestionsOrAnInventedPriceFallBackToTheTemplate) {
  Bot bot;
  bot.claude.answer_phrasing("June, nice. What price range? And are you pre-approved?");
  bots::Turn turn = bot.say("we need to move by june");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.reply->writer, "template");
  ASSERT_FALSE(turn.llm_rejected.empty());
  EXPECT_NE(turn.llm_rejected.front().find("two questions"), std::string::npos);

  bot.claude.answer_phrasing("June works. Homes in Hutto run about 350k. What price range are you in?");
  turn = bot.say("we need to move by june", "2026-03-10T16:05:00Z");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.reply->writer, "template");
  EXPECT_EQ(turn.reply->text.find("350"), std::string::npos);
}

TEST(ClaudeBackend, AnOptOutOnlyTheModelReadsSendsNothingAndAsksAHuman) {
  Bot bot;
  bot.claude.answer_extraction(R"({"slots":{},"intent":"not_interested","opt_out":true})");
  const bots::Turn turn = bot.say("i'm good, no need to reach out again");
  EXPECT_FALSE(turn.reply);
  EXPECT_EQ(turn.handoff, std::optional<std::string>("possible_opt_out"));
  EXPECT_EQ(turn.conversation.state, bots::State::kHandedOff);
}

TEST(ClaudeBackend, ARealStopNeverReachesTheModel) {
  Bot bot;
  const bots::Turn turn = bot.say("STOP");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.reply->template_key, "stop_confirm");
  EXPECT_TRUE(bot.claude.requests().empty());
}

TEST(ClaudeBackend, ATimeoutLeavesTheRulesToAnswer) {
  Bot bot(/*timeout_ms=*/300);
  bot.claude.answer_phrasing("Got it, June. What price range are you shopping in?");
  bot.claude.delay(std::chrono::milliseconds(1500));
  const bots::Turn turn = bot.say("we need to move by june");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.reply->writer, "template");
  EXPECT_TRUE(turn.conversation.slots.known(bots::Slot::kTimelineMonths));
}

TEST(ClaudeBackend, AnOverloadedOrCutOffAnswerLeavesTheRulesToAnswer) {
  Bot bot;
  bot.claude.answer_phrasing("Got it, June. What price range are you shopping in?");
  bot.claude.fail_with(529, "overloaded_error");
  bots::Turn turn = bot.say("we need to move by june");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.reply->writer, "template");
  bot.claude.fail_with(0, "");
  bot.claude.cut_off(true);
  turn = bot.say("we need to move by june", "2026-03-10T16:07:00Z");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.reply->writer, "template");
}

TEST(ClaudeBackend, AssistedValuesCarryTheirProvenanceAndCallsAreCachedAndCapped) {
  Bot bot;
  bot.claude.answer_extraction(R"({"slots":{"first_time_buyer":true},"intent":"buy","opt_out":false})");
  bot.claude.answer_phrasing("Makes sense. So what's the most you want to spend?");
  bots::Turn turn = bot.say("this would be our very first place honestly");
  const auto& entry = turn.conversation.slots[bots::Slot::kFirstTimeBuyer];
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->provenance.extractor, "llm");
  const size_t calls = bot.claude.requests().size();
  turn = bot.say("this would be our very first place honestly");  // the same requests again: from the cache
  EXPECT_EQ(bot.claude.requests().size(), calls);

  bot.config.llm_calls_per_day = 0;
  turn = bot.say("something else entirely, maybe a pool", "2026-03-10T17:00:00Z");
  EXPECT_EQ(turn.llm_calls, 0);
  EXPECT_EQ(bot.claude.requests().size(), calls);
}

}  // namespace jorge::pipeline
