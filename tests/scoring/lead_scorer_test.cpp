// What a scored lead says: reasons worth under half a point (each would read "+0 points")
// fold into one last "other" reason, and the reasons still add up to the score.
#include "scoring/lead_scorer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

}  // namespace
}  // namespace jorge::scoring
