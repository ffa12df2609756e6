// The engine's behaviour across turns (bots.md §6-§7, §10, §12-§14): states, question order,
// the push-once rule, opt-out as a property, quiet hours, and the persona of every template.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "bots/engine.hpp"
#include "bots/persona.hpp"
#include "bots/templates.hpp"
#include "support/test_time.hpp"

namespace jorge::bots {
namespace {

using jorge::testing::at;

struct Chat {
  Conversation conversation;
  EngineConfig config;
  LeadFacts facts;
  SystemTime now = at("2026-03-10T16:00:00Z");  // 10:00 in Austin, a Tuesday
  int number = 0;

  explicit Chat(Role role, const std::string& order = "ask_after_timeline") : conversation(start_conversation("c1", role)) {
    conversation.variants.question_order = order;
    conversation.state = role == Role::kUnknown ? State::kAwaitingRole : State::kQualifying;
  }
  Turn say(const std::string& text) {
    now += std::chrono::minutes(3);
    Turn turn = take_turn(conversation, {"m" + std::to_string(++number), text, now}, facts, config);
    conversation = turn.conversation;
    return turn;
  }
};

std::string key_of(const Turn& turn) { return turn.reply ? turn.reply->template_key : "(none)"; }

}  // namespace

TEST(Templates, EveryTemplatePassesThePersonaChecks) {
  for (const Template& entry : all_templates()) {
    const bool es = entry.language == "es";
    const std::string text = render(entry.text, {{"ack", es ? "Perfecto." : "Got it."}, {"team", "the Rivera Team"},
                                                 {"team_phone", "(512) 555-0100"}, {"name", "Dana"},
                                                 {"question", es ? "Rápido: ¿vas a comprar, vender o las dos cosas?"
                                                                 : "Quick one: are you buying, selling, or both?"},
                                                 {"source_topic", es ? "casas en Kyle" : "homes in Kyle"},
                                                 {"buying_or_selling", es ? "comprar" : "buying"},
                                                 {"buy_or_sell", es ? "comprar" : "buy"}, {"timeline_text", es ? "junio" : "June"},
                                                 {"slot", es ? "el jue 4/12 a las 15:00" : "Thu Dec 4 at 3pm"},
                                                 {"other_slot", es ? "el vie 5/12 a las 10:30" : "Fri Dec 5 at 10:30am"},
                                                 {"next_question", es ? "¿Para cuándo necesitas mudarte?"
                                                                      : "When do you need to be in the new place?"}});
    PersonaCheck check;
    check.language = entry.language;
    check.greeting = entry.key.substr(0, 8) == "greeting";
    check.fair_housing_redirect = entry.key == "fair_housing_redirect";
    EXPECT_EQ(persona_violations(text, check), std::vector<std::string>{}) << entry.key << " " << entry.language << ": " << text;
    const bool fixed_long = entry.key == "fair_housing_redirect";
    if (!fixed_long) EXPECT_LE(text.size(), 175u) << entry.key << " " << entry.language;
  }
}

TEST(Templates, EveryKeyHasEnglishAndSpanish) {
  for (const Template& entry : all_templates()) {
    ASSERT_NE(find_template(entry.key, "en", Level::kStandard), nullptr) << entry.key;
    const Template* spanish = find_template(entry.key, "es", Level::kStandard);
    ASSERT_NE(spanish, nullptr);
    EXPECT_EQ(spanish->language, "es") << entry.key;
  }
}

TEST(Persona, RejectsEveryBadReply) {
  std::ifstream in(std::string(JORGE_BOTS_TEST_DATA) + "/persona_bad.txt");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_FALSE(persona_violations(line).empty()) << line;
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(QuestionOrder, EachVariantAsksItsFirstGroupAndSkipsKnownSlots) {
  EXPECT_EQ(next_question(Chat(Role::kBuyer, "ask_after_timeline").conversation, {})->first, SlotGroup::kTimeline);
  EXPECT_EQ(next_question(Chat(Role::kBuyer, "ask_immediately").conversation, {})->first, SlotGroup::kBudget);
  EXPECT_EQ(next_question(Chat(Role::kBuyer, "ask_after_rapport").conversation, {})->first, SlotGroup::kArea);
  EXPECT_EQ(next_question(Chat(Role::kSeller).conversation, {})->first, SlotGroup::kMotivation);
  Chat buyer(Role::kBuyer);
  const Turn turn = buyer.say("we need to move in 2 months, budget 450k");
  EXPECT_EQ(key_of(turn), "ask_financing");  // timeline and budget answered in one message
  EXPECT_EQ(turn.reply->text, "Got it, 450k. Are you pre-approved, paying cash, or haven't talked to a lender yet?");
}

TEST(QuestionOrder, AVagueAnswerIsPushedOnceThenTheBotMovesOn) {
  Chat buyer(Role::kBuyer);
  EXPECT_EQ(key_of(buyer.say("hi")), "ask_timeline");
  EXPECT_EQ(key_of(buyer.say("soon hopefully")), "push_timeline");
  EXPECT_EQ(key_of(buyer.say("not sure really")), "ask_budget");
}

TEST(States, SellingMovesTheLeadBotToTheSellerBotKeepingSlots) {
  Chat chat(Role::kBuyer);
  chat.say("looking in leander, budget 500k");
  const Turn turn = chat.say("we'd need to sell our place in cedar park first");
  EXPECT_EQ(turn.conversation.role, Role::kBoth);
  EXPECT_EQ(turn.conversation.bot, Bot::kSeller);
  EXPECT_EQ(turn.conversation.slots.number(Slot::kBudgetMax), 500000);
  EXPECT_EQ(turn.conversation.slots.flag(Slot::kNeedsToSellFirst), true);
}

TEST(States, ClosedReopensOnBuyingAndHandedOffStaysSilent) {
  Chat chat(Role::kBuyer);
  EXPECT_EQ(key_of(chat.say("not interested")), "close_not_interested");
  EXPECT_EQ(chat.conversation.state, State::kClosed);
  EXPECT_FALSE(chat.say("ok").reply);
  chat.say("actually we want to buy in buda after all");
  EXPECT_EQ(chat.conversation.state, State::kQualifying);
  EXPECT_EQ(key_of(chat.say("can jorge call me")), "handoff_human");
  EXPECT_EQ(chat.conversation.state, State::kHandedOff);
  EXPECT_FALSE(chat.say("hello?").reply);
}

TEST(States, AnUnknownRoleIsAskedTwiceThenNurtured) {
  Chat chat(Role::kUnknown);
  EXPECT_EQ(key_of(chat.say("hi")), "ask_role");
  EXPECT_EQ(key_of(chat.say("hmm")), "push_role");
  chat.say("ok");
  EXPECT_EQ(chat.conversation.state, State::kNurture);
}

TEST(States, HotHandsOffWithTheNameAndATag) {
  Chat chat(Role::kSeller);
  chat.facts.first_name = "Dana";
  const Turn turn = chat.say("divorce, need it sold within 30 days, roof needs work, would take 280");
  EXPECT_EQ(turn.handoff, "hot");
  EXPECT_EQ(turn.temperature, Temperature::kHot);
  EXPECT_EQ(turn.tags, std::vector<std::string>{"hot-lead"});
  EXPECT_EQ(turn.reply->text.rfind("Dana, you're ready.", 0), 0u) << turn.reply->text;
}

// §10.1 as a property: after the confirmation, no message but START produces an outbound text
// (HELP is answered with the help text, the one compliance reply allowed).
TEST(OptOut, AfterTheConfirmationNothingButComplianceRepliesIsEverSent) {
  const std::vector<std::string> pool = {"wait what about the house on oak", "budget 500k", "can jorge call me",
                                         "STOP", "stop texting me", "is it safe there?", "we're preapproved",
                                         "what's your commission", "hello??", "who is this", "are you a bot",
                                         "not interested", "wrong number", "let's tour it saturday", "ok",
                                         "HELP", "we want to sell in 30 days for 400k"};
  std::mt19937 random(42);
  for (int run = 0; run < 200; ++run) {
    Chat chat(run % 2 ? Role::kSeller : Role::kBuyer);
    chat.say("looking in hutto");
    const Turn stop = chat.say("STOP");
    ASSERT_EQ(key_of(stop), "stop_confirm");
    ASSERT_TRUE(stop.reply->immediate);
    for (int step = 0; step < 12; ++step) {
      const Turn turn = chat.say(pool[random() % pool.size()]);
      if (turn.reply) EXPECT_EQ(turn.reply->template_key, "help") << "run " << run;
      EXPECT_EQ(chat.conversation.state, State::kOptedOut);
    }
    EXPECT_EQ(key_of(chat.say("START")), "start_confirm");
  }
}

TEST(QuietHours, AReplyAtNightIsHeldTillEightAndStopIsNot) {
  Chat chat(Role::kSeller);
  chat.now = at("2026-04-19T04:37:00Z");  // 23:40 in Austin (CDT)
  const Turn turn = chat.say("how much could i get for my condo on east riverside");
  ASSERT_TRUE(turn.reply);
  EXPECT_TRUE(turn.reply->held);
  EXPECT_EQ(format_iso8601(turn.reply->send_at), "2026-04-19T13:00:00.000Z");  // 08:00 CDT
  const Turn stop = chat.say("stop");
  EXPECT_EQ(format_iso8601(stop.reply->send_at), format_iso8601(chat.now));
}

TEST(Experiments, AssignmentIsStableAndSpreadsOverVariants) {
  EXPECT_EQ(assign_variants("contact-1").greeting, assign_variants("contact-1").greeting);
  std::set<std::string> greetings, speeds;
  for (int i = 0; i < 60; ++i) {
    const Variants v = assign_variants("contact-" + std::to_string(i));
    greetings.insert(v.greeting);
    speeds.insert(v.response_speed);
  }
  EXPECT_EQ(greetings.size(), 3u);
  EXPECT_EQ(speeds.size(), 3u);
}

TEST(Experiments, ResponseSpeedDelaysTheReplyWithinItsRange) {
  Chat chat(Role::kBuyer);
  chat.conversation.variants.response_speed = "delayed";
  const Turn turn = chat.say("budget 400k");
  const auto delay = std::chrono::duration_cast<std::chrono::seconds>(turn.reply->send_at - chat.now).count();
  EXPECT_GE(delay, 30);
  EXPECT_LE(delay, 60);
}

TEST(Language, SpanishLeadsGetSpanishReplies) {
  Chat chat(Role::kUnknown);
  const Turn turn = chat.say("Hola, busco casa en Manor, tengo preaprobación de 300 mil");
  ASSERT_TRUE(turn.reply);
  EXPECT_EQ(turn.conversation.language, "es");
  EXPECT_EQ(turn.reply->text, "Perfecto, 300 mil preaprobado. ¿Para cuándo necesitas mudarte?");
}

}  // namespace jorge::bots
