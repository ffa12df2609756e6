// What the bots accept from a language model (bots.md §11): values validated against the
// message and the spec's enums, compliance left to the rules, phrasing that adds no fact.
#include <gtest/gtest.h>

#include "bots/extract.hpp"
#include "bots/llm.hpp"

namespace jorge::bots {
namespace {

Extraction rules_of(std::string_view text) {
  ExtractContext context;
  context.role = Role::kBuyer;
  return extract(text, context);
}

bool has(const LlmExtraction& x, Slot slot) {
  return std::any_of(x.values.begin(), x.values.end(), [&](const auto& v) { return v.first == slot; });
}

}  // namespace

TEST(LlmExtraction, KeepsValuesTheMessageStates) {
  const std::string message = "honestly we could stretch to four fifty if the place is right";
  const auto x = read_extraction(R"({"slots":{"beds_min":4,"property_type":"condo","areas":["Hutto"]},"intent":"buy"})",
                                 message, rules_of(message));
  EXPECT_TRUE(has(x, Slot::kBedsMin));        // "four" is in the message
  EXPECT_TRUE(has(x, Slot::kPropertyType));   // an enum value of §3
  EXPECT_TRUE(has(x, Slot::kAreas));          // in the gazetteer
}

TEST(LlmExtraction, DropsAnInventedNumberAnUnknownEnumAndAPlaceNotInTheGazetteer) {
  const std::string message = "we're flexible on price, somewhere nice";
  const auto x = read_extraction(
      R"({"slots":{"budget_max":450000,"property_type":"mansion","areas":["Narnia"],"bogus":1},"intent":"buy"})", message,
      rules_of(message));
  EXPECT_FALSE(has(x, Slot::kBudgetMax));
  EXPECT_FALSE(has(x, Slot::kPropertyType));
  EXPECT_FALSE(has(x, Slot::kAreas));
  EXPECT_EQ(x.rejected.size(), 4u);
}

TEST(LlmExtraction, RulesWinOnConflictAndIntentOnlyFillsUnknown) {
  const std::string message = "max 400k in kyle";
  const Extraction rules = rules_of(message);
  ASSERT_TRUE(rules.states(Slot::kBudgetMax));
  const auto x = read_extraction(R"({"slots":{"budget_max":400,"areas":["Buda"]},"intent":"sell"})", message, rules);
  EXPECT_FALSE(has(x, Slot::kBudgetMax));
  EXPECT_FALSE(has(x, Slot::kAreas));  // stated by the rules already
  EXPECT_FALSE(x.intent.has_value());  // the rules read "buy"
}

TEST(LlmExtraction, AnOptOutReadingIsOnlyEverAFlagForAHuman) {
  const std::string message = "i'm good, no need to reach out again";
  auto x = read_extraction(R"({"slots":{},"intent":"opt_out","opt_out":true})", message, rules_of(message));
  EXPECT_TRUE(x.possible_opt_out);
  EXPECT_FALSE(x.intent.has_value());
  x = read_extraction(R"({"slots":{},"intent":"help"})", message, rules_of(message));
  EXPECT_FALSE(x.intent.has_value());  // HELP, START and STOP are the rules' alone
}

TEST(LlmExtraction, ProseOrBrokenJsonYieldsNothing) {
  const std::string message = "hi";
  EXPECT_TRUE(read_extraction("Sure! Here is what I found.", message, rules_of(message)).values.empty());
  EXPECT_TRUE(read_extraction("{\"slots\": {\"beds_min\": ", message, rules_of(message)).values.empty());
  const auto fenced = read_extraction("```json\n{\"slots\":{\"first_time_buyer\":true}}\n```", message, rules_of(message));
  EXPECT_TRUE(has(fenced, Slot::kFirstTimeBuyer));
}

TEST(LlmPhrasing, AcceptsJorgesVoiceWithTheTemplatesFacts) {
  const std::string draft = "Got it, Hutto. What price range are you shopping in?";
  EXPECT_EQ(checked_phrasing("Hutto works. What price range are you looking at?", draft, {}),
            std::optional<std::string>("Hutto works. What price range are you looking at?"));
}

TEST(LlmPhrasing, RefusesTwoQuestionsANewNumberANameADateAndFiller) {
  const std::string draft = "Got it. What price range are you shopping in?";
  std::string why;
  EXPECT_FALSE(checked_phrasing("Got it. What price range? And when?", draft, {}, &why));
  EXPECT_NE(why.find("two questions"), std::string::npos);
  EXPECT_FALSE(checked_phrasing("Most homes here go for 450k. What price range works?", draft, {}, &why));
  EXPECT_NE(why.find("number"), std::string::npos);
  EXPECT_FALSE(checked_phrasing("Got it, Maria can help. What price range works?", draft, {}, &why));
  EXPECT_NE(why.find("name"), std::string::npos);
  EXPECT_FALSE(checked_phrasing("Got it. Can we talk tomorrow about price range?", draft, {}, &why));
  EXPECT_NE(why.find("date"), std::string::npos);
  EXPECT_FALSE(checked_phrasing("Great question! What price range are you shopping in?", draft, {}, &why));
  EXPECT_FALSE(checked_phrasing("Got it. Great schools nearby. What price range?", draft, {}, &why));  // fair housing
  EXPECT_FALSE(checked_phrasing("", draft, {}, &why));
}

TEST(LlmPhrasing, ComplianceTextsAreNeverPhrased) {
  for (const char* key : {"stop_confirm", "start_confirm", "help", "fair_housing_redirect"}) EXPECT_FALSE(may_phrase(key)) << key;
  EXPECT_TRUE(may_phrase("ask_budget"));
}

TEST(LlmPrivacy, PhonesAndEmailsNeverReachTheModel) {
  EXPECT_EQ(without_contact_details("call me at (512) 555-0142 or maria.d@example.com, budget 400k"),
            "call me at [phone] or [email] budget 400k");
  EXPECT_EQ(without_contact_details("+1 512.555.0142"), "[phone]");
  EXPECT_EQ(without_contact_details("3 bed 2 bath under 1,200,000"), "3 bed 2 bath under 1,200,000");
  const LlmRequest request = extraction_request(without_contact_details("text me at 5125550142"), std::nullopt, {});
  EXPECT_EQ(request.user.find("5125550142"), std::string::npos);
}

}  // namespace jorge::bots
