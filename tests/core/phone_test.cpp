#include "core/phone.hpp"

#include <gtest/gtest.h>

namespace jorge {

TEST(Phone, ParsesDashedUsNumberAsE164) { EXPECT_EQ(Phone::parse("512-555-0123")->e164(), "+15125550123"); }

TEST(Phone, ParsesPunctuatedUsNumberAsE164) { EXPECT_EQ(Phone::parse("(512) 555.0123")->e164(), "+15125550123"); }

TEST(Phone, KeepsInternationalNumberWithCountryCode) {
  EXPECT_EQ(Phone::parse("+44 7700 900123")->e164(), "+447700900123");
}

TEST(Phone, ReadsNumberWithoutCountryCodeInGivenRegion) {
  EXPECT_EQ(Phone::parse("07700 900123", "GB")->e164(), "+447700900123");
}

TEST(Phone, RejectsTextThatIsNoNumber) {
  auto parsed = Phone::parse("call me maybe");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
}

TEST(Phone, RejectsTooShortNumber) { EXPECT_FALSE(Phone::parse("555-01").ok()); }

}  // namespace jorge
