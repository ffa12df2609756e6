#include <gtest/gtest.h>

#include "analytics/source_spend.hpp"

namespace jorge::analytics {
namespace {

const SystemTime kNow = from_unix_millis(1'795'000'000'000);

TEST(SourceSpend, CostPerLeadTimesLeads) {
  EXPECT_DOUBLE_EQ(source_spend({"zillow", "zillow", 2500, 0, ""}, 4, kNow, kNow), 100.0);
}

TEST(SourceSpend, MonthlySpendIsProratedByDaysSinceTheFirstLead) {
  const SourceCost facebook{"facebook", "facebook", 0, 304400, ""};  // $3,044 a month
  EXPECT_NEAR(source_spend(facebook, 10, kNow - std::chrono::hours(24 * 10), kNow), 1000.0, 1e-6);
  // At least one day counts; no leads yet, nothing spent that can be attributed.
  EXPECT_NEAR(source_spend(facebook, 1, kNow, kNow), 100.0, 1e-6);
  EXPECT_DOUBLE_EQ(source_spend(facebook, 0, kNow, kNow), 0.0);
}

}  // namespace
}  // namespace jorge::analytics
