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

namespace jorge {

TEST(Phone, FastPathAgreesWithLibphonenumberOnNorthAmericanForms) {
  for (std::string text : {"+1 (512) 555-0199", "+15125550142", "1-512-555-0100", "512 555 0100"})
    EXPECT_EQ(Phone::parse(text)->e164().substr(0, 2), "+1") << text;
  EXPECT_EQ(Phone::parse("+1 (512) 555-0199")->e164(), "+15125550199");
  EXPECT_EQ(Phone::parse("5125550100", "US")->e164(), "+15125550100");
}

}  // namespace jorge
