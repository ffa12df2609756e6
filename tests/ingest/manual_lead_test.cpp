#include "ingest/manual/manual_lead.hpp"

#include <gtest/gtest.h>

namespace jorge::ingest {

TEST(ManualLead, ParsesAndNormalisesContact) {
  auto event = parse_manual_lead(
      R"({"name":" Grace  Morrison ","phone":"(512) 555-0177","email":"Grace@Example.com","source":"open house",)"
      R"("message":"Loved the Hyde Park place","tags":["buyer"],"custom_fields":{"budget":450000}})");
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->contact->full_name, "Grace Morrison");
  EXPECT_EQ(event->contact->phone->e164(), "+15125550177");
  EXPECT_EQ(event->contact->email, "grace@example.com");
  EXPECT_EQ(event->contact->lead_source, "open house");
  ASSERT_TRUE(event->interaction);
  EXPECT_EQ(event->interaction->channel, "Note");
  EXPECT_EQ(event->contact->custom_fields.at(0).value, FieldValue(450000.0));
}

TEST(ManualLead, RejectsUnknownFieldByName) {
  auto event = parse_manual_lead(R"({"phone":"512-555-0177","phnoe":"x"})");
  ASSERT_FALSE(event.ok());
  EXPECT_NE(event.error().message.find("phnoe"), std::string::npos);
}

TEST(ManualLead, NeedsPhoneOrEmail) {
  EXPECT_FALSE(parse_manual_lead(R"({"name":"Nobody"})").ok());
  EXPECT_FALSE(parse_manual_lead(R"({"phone":"not a phone"})").ok());
  EXPECT_FALSE(parse_manual_lead(R"({"email":"nope"})").ok());
}

TEST(ManualLead, RejectsWrongTypes) {
  EXPECT_FALSE(parse_manual_lead(R"({"phone":5125550177})").ok());
  EXPECT_FALSE(parse_manual_lead(R"({"email":"a@example.com","tags":"buyer"})").ok());
  EXPECT_FALSE(parse_manual_lead(R"({"email":"a@example.com","custom_fields":[1]})").ok());
}

}  // namespace jorge::ingest
