#include "core/us_states.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace jorge {
namespace {

TEST(UsStates, FindsByCodeOrNameInAnyCaseWithTerritories) {
  EXPECT_STREQ(find_us_state("TX")->code, "TX");
  EXPECT_STREQ(find_us_state(" texas. ")->code, "TX");
  EXPECT_STREQ(find_us_state("District of Columbia")->code, "DC");
  EXPECT_STREQ(find_us_state("puerto rico")->code, "PR");
  EXPECT_STREQ(find_us_state("Guam")->code, "GU");
  EXPECT_EQ(find_us_state("Tex"), nullptr);
  EXPECT_EQ(find_us_state(""), nullptr);
  std::set<std::string> codes;
  for (const UsState& state : us_states()) codes.insert(state.code);
  EXPECT_EQ(codes.size(), 56u);  // 50 states, DC, 5 territories: no code twice
}

}  // namespace
}  // namespace jorge
