// What a scored lead says: reasons worth under half a point (each would read "+0 points")
// fold into one last "other" reason, and the reasons still add up to the score.
#include "scoring/lead_scorer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "scoring/lead_request.hpp"

namespace jorge::scoring {
namespace {

TEST(LeadScore, SmallReasonsFoldIntoOneOtherThatKeepsTheSum) {
  const std::string shared = std::string(JORGE_SHARED_DIR) + "/peer/";
  if (!std::filesystem::exists(shared + "model.json")) GTEST_SKIP() << shared << "model.json not present";
  auto model = LeadModel::from_file(shared + "model.json");
  ASSERT_TRUE(model.ok()) << model.error().message;
  for (const char* name : {"score_hot.json", "score_warm.json", "score_cold.json", "score_minimal.json"}) {
    std::ifstream in(shared + "payloads/" + name);
    std::stringstream payload;
    payload << in.rdbuf();
    auto lead = parse_score_request(payload.str());
    ASSERT_TRUE(lead.ok()) << name;
    const LeadScore scored = (*model)->score(*lead, SystemTime{});
    ASSERT_FALSE(scored.reasons.empty()) << name;
    double total = scored.base_points;
    for (size_t i = 0; i < scored.reasons.size(); ++i) {
      const Reason& reason = scored.reasons[i];
      total += reason.points;
      if (reason.field == kOtherReasons) {
        EXPECT_EQ(i + 1, scored.reasons.size()) << name << ": the folded reasons come last";
        EXPECT_GE(std::stoi(reason.value), 2) << name;
        EXPECT_NE(reason.text.find("smaller factors together"), std::string::npos) << reason.text;
      } else {
        EXPECT_GE(std::abs(reason.points), kSmallestReasonPoints) << name << " " << reason.field;
        EXPECT_FALSE(reason.text.empty()) << name << " " << reason.field;
      }
    }
    EXPECT_NEAR(total, scored.score, 0.05) << name << ": base and reasons add up to the score";
    EXPECT_EQ(scored.explanation.find("smaller factors"), std::string::npos) << scored.explanation;
  }
}

TEST(LeadScore, OneSmallReasonStaysItself) {
  std::vector<Reason> reasons = {{"a", "1", 12, "A: +12 points"}, {"b", "2", 0.3, "B: +0 points"}};
  EXPECT_FALSE(fold_small_reasons(reasons));
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[1].field, "b");
  reasons.push_back({"c", "3", -0.2, "C: -0 points"});
  EXPECT_TRUE(fold_small_reasons(reasons));
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[1].field, kOtherReasons);
  EXPECT_EQ(reasons[1].value, "2");
  EXPECT_NEAR(reasons[1].points, 0.1, 1e-12);
}

// Every string of an answer, and the answer itself, is text a person may read: valid UTF-8, no
// control characters (a NUL or a stray pointer byte means memory that is not ours).
void expect_clean_answer(const std::string& answer, const std::string& label) {
  ASSERT_TRUE(is_valid_utf8(answer)) << label;
  auto parsed = nlohmann::json::parse(answer, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << label << ": " << answer;
  std::vector<const nlohmann::json*> pending = {&parsed};
  while (!pending.empty()) {
    const nlohmann::json* value = pending.back();
    pending.pop_back();
    if (value->is_string()) {
      for (unsigned char c : value->get_ref<const std::string&>()) EXPECT_GE(c, 0x20) << label << ": " << *value;
    } else if (value->is_structured()) {  // iterating a number would yield the number itself
      for (const auto& item : *value) pending.push_back(&item);
    }
  }
}

// #14: with three of the rules' four reasons worth nothing, the explanation read past the end
// of the folded list and answered heap bytes.
TEST(LeadScore, RulesExplanationQuotesOnlyTheReasonsItHas) {
  auto lead = parse_score_request(
      R"({"lead_id":"lead-cold-002","message":"just browsing, not sure when","source":"facebook",)"
      R"("timeline":"just browsing","page_views":1})");
  ASSERT_TRUE(lead.ok()) << lead.error().message;
  const LeadScore scored = LeadModel::rules()->score(*lead, SystemTime{});
  expect_clean_answer(score_answer_json(scored), "rules");
  std::string expected;
  const size_t named = scored.reasons.size() - (scored.reasons.back().field == kOtherReasons ? 1 : 0);
  for (size_t i = 0; i < named && i < 3; ++i) expected += (i ? "; " : "") + scored.reasons[i].text;
  EXPECT_EQ(scored.explanation, expected);
}

TEST(LeadScore, EveryAnswerIsCleanTextForRulesAndTrees) {
  const std::string shared = std::string(JORGE_SHARED_DIR) + "/peer/";
  std::vector<std::shared_ptr<const LeadModel>> models = {LeadModel::rules()};
  if (auto trees = LeadModel::from_file(shared + "model.json"); trees.ok()) models.push_back(*trees);
  const char* bodies[] = {
      R"({"lead_id":"a"})",
      R"({"lead_id":"b","message":"just browsing","page_views":1})",
      R"({"lead_id":"c","message":"cash buyer, preapproved, need to move in 30 days","budget_max":650000})",
      R"({"lead_id":"d","message":"\u0000\u0007 caf\u00e9","source":"zillow"})",
  };
  for (const auto& model : models)
    for (const char* body : bodies) {
      auto lead = parse_score_request(body);
      ASSERT_TRUE(lead.ok()) << body;
      expect_clean_answer(score_answer_json(model->score(*lead, SystemTime{})), model->version() + " " + body);
    }
}

}  // namespace
}  // namespace jorge::scoring
