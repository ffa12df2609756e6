// The online verdict on one new lead, by how its candidates were found.
#include "identity/dedup_plan.hpp"

#include <gtest/gtest.h>

namespace jorge::identity {
namespace {

ContactFields maria() {
  return {7, "Maria", "Delgado", "Maria Delgado", "maria.delgado@example.com", "+15125550123", "4407 Avenue C",
          "Austin", "TX", "78751"};
}

ContactFields lead(std::string email, std::string phone, std::string postal_code = "") {
  return {0, "Maria", "Delgado", "Maria Delgado", std::move(email), std::move(phone), "", "", "", std::move(postal_code)};
}

}  // namespace

TEST(OnlineMatch, NamesakeWithAMistypedEmailAndNoZipIsReviewedNotMerged) {
  auto verdict = match_online(lead("maria.delgado@exampel.com", "+17375550199"), {maria()}, {},
                              CandidateBlock::kFullName);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->contact, 7);
  EXPECT_FALSE(verdict->same) << verdict->probability;
  EXPECT_GE(verdict->probability, 0.5);
}

TEST(OnlineMatch, ANamesakeAloneIsNoMatchAnywhereButIsAtTheSameZip) {
  ContactFields bare = lead("", "");
  EXPECT_FALSE(match_online(bare, {maria()}, {}, CandidateBlock::kFullName));
  bare.postal_code = "78751";
  EXPECT_TRUE(match_online(bare, {maria()}, {}, CandidateBlock::kLastNameAndZip));
}

TEST(OnlineMatch, ANamesakeElsewhereWithAnotherZipStaysApart) {
  EXPECT_FALSE(match_online(lead("maria.delgado@exampel.com", "+17375550199", "78704"), {maria()}, {},
                            CandidateBlock::kFullName));
}

}  // namespace jorge::identity
