#include "ingest/portal/portal_lead.hpp"

#include <gtest/gtest.h>

#include "core/bytes.hpp"
#include "support/test_env.hpp"

namespace jorge::ingest {
namespace {

InboundEvent parse_fixture(const std::string& source, const std::string& name) {
  auto event = parse_portal_lead(source, testing::fixture(source + "/" + name));
  EXPECT_TRUE(event.ok()) << name << ": " << (event.ok() ? "" : event.error().message);
  return event.ok() ? *event : InboundEvent{};
}

}  // namespace

TEST(PortalLead, ZillowLeadFieldByField) {
  InboundEvent event = parse_fixture("zillow", "lead.json");
  EXPECT_EQ(event.source, "zillow");
  EXPECT_EQ(event.idempotency_key, "zc-8f3a2b71-5d4e-4c1a-9b0e-7a6d5c4b3a21");
  EXPECT_EQ(format_iso8601(event.occurred_at), "2026-11-20T15:01:44.000Z");
  EXPECT_EQ(event.origin.lead_type, "tour_request");
  ASSERT_TRUE(event.contact);
  const ContactFacts& contact = *event.contact;
  EXPECT_EQ(contact.external_id, "zc-8f3a2b71-5d4e-4c1a-9b0e-7a6d5c4b3a21");
  EXPECT_EQ(contact.first_name, "Maria");
  EXPECT_EQ(contact.last_name, "Delgado");
  EXPECT_EQ(contact.full_name, "Maria Delgado");
  EXPECT_EQ(contact.email, "maria.delgado@example.com");
  EXPECT_EQ(contact.phone->e164(), "+15125550123");
  EXPECT_EQ(contact.lead_source, "zillow");
  EXPECT_EQ(*testing::custom_field(event, "property_address"), FieldValue(std::string("4407 Avenue C")));
  EXPECT_EQ(*testing::custom_field(event, "property_city"), FieldValue(std::string("Austin")));
  EXPECT_EQ(*testing::custom_field(event, "property_state"), FieldValue(std::string("TX")));
  EXPECT_EQ(*testing::custom_field(event, "property_zip"), FieldValue(std::string("78751")));
  EXPECT_EQ(*testing::custom_field(event, "property_price"), FieldValue(519000.0));
  EXPECT_EQ(*testing::custom_field(event, "zpid"), FieldValue(std::string("29381234")));
  EXPECT_EQ(*testing::custom_field(event, "property_url"), FieldValue(std::string("https://www.zillow.com/homedetails/29381234_zpid/")));
  EXPECT_EQ(*testing::custom_field(event, "pre_approved"), FieldValue(true));
  EXPECT_EQ(*testing::custom_field(event, "budget"), FieldValue(525000.0));
  EXPECT_EQ(*testing::custom_field(event, "credit_score_range"), FieldValue(std::string("720-759")));
  EXPECT_EQ(*testing::custom_field(event, "tour_time"), FieldValue(std::string("2026-11-22T11:00:00-06:00")));
  ASSERT_TRUE(event.interaction);
  EXPECT_EQ(event.interaction->body, "I would like to schedule a tour of 4407 Avenue C this weekend.");
  EXPECT_EQ(event.interaction->direction, Direction::kInbound);
  EXPECT_EQ(event.interaction->channel, "Form");
}

TEST(PortalLead, DuplicateDeliveryHasTheSameKey) {
  EXPECT_EQ(parse_fixture("zillow", "lead.json").idempotency_key,
            parse_fixture("zillow", "lead_duplicate.json").idempotency_key);
}

TEST(PortalLead, MissingPhoneAndInternationalNumbers) {
  InboundEvent no_phone = parse_fixture("zillow", "lead_no_phone.json");
  EXPECT_FALSE(no_phone.contact->phone);
  EXPECT_EQ(no_phone.contact->email, "sam.k@example.net");
  EXPECT_EQ(no_phone.contact->full_name, "Sam");
  EXPECT_EQ(*testing::custom_field(no_phone, "property_address"), FieldValue(std::string("1100 S Lamar Blvd #2104")));
  EXPECT_EQ(parse_fixture("zillow", "lead_international_phone.json").contact->phone->e164(), "+442079460958");
  InboundEvent brazil = parse_fixture("realtor", "lead_international_phone.json");
  EXPECT_EQ(brazil.contact->phone->e164(), "+5511955550123");
  EXPECT_EQ(brazil.interaction->body, "We are relocating from S\xC3\xA3o Paulo.");
}

TEST(PortalLead, RealtorLeadAndTheVendorShape) {
  InboundEvent event = parse_fixture("realtor", "lead.json");
  EXPECT_EQ(event.idempotency_key, "rdc-20261120-000417");
  EXPECT_EQ(event.contact->phone->e164(), "+15125550156");
  EXPECT_EQ(*testing::custom_field(event, "mls_id"), FieldValue(std::string("1234567")));
  EXPECT_EQ(*testing::custom_field(event, "property_price"), FieldValue(689000.0));
  EXPECT_NE(testing::custom_field(event, "listing_url"), nullptr);

  InboundEvent nested = parse_fixture("realtor", "lead_nested_vendor_shape.json");
  EXPECT_EQ(nested.contact->full_name, "Elena Vasquez");
  EXPECT_EQ(nested.contact->phone->e164(), "+15125550178");
  EXPECT_EQ(nested.contact->email, "elena.vasquez@example.net");
  EXPECT_EQ(*testing::custom_field(nested, "property_address"), FieldValue(std::string("1807 Bluebonnet Ln")));
  EXPECT_EQ(*testing::custom_field(nested, "property_price"), FieldValue(799000.0));
  EXPECT_EQ(*testing::custom_field(nested, "budget_min"), FieldValue(800000.0));
  EXPECT_EQ(nested.idempotency_key.rfind("sha256:", 0), 0u);  // no id in this shape: the body's hash
}

TEST(PortalLead, RejectsWhatIsNotALeadNamingTheField) {
  auto no_contact = parse_portal_lead("realtor", testing::fixture("realtor/lead_no_contact_invalid.json"));
  ASSERT_FALSE(no_contact.ok());
  EXPECT_EQ(no_contact.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(no_contact.error().message.find("neither a phone nor an e-mail"), std::string::npos);
  EXPECT_EQ(no_contact.error().message.find("Chris"), std::string::npos);  // no personal data in errors

  std::string zillow = testing::fixture("zillow/lead.json");
  EXPECT_FALSE(parse_portal_lead("realtor", zillow).ok());  // wrong route for the source
  std::string unknown = zillow;
  unknown.insert(1, "\"surprise\": 1,");
  EXPECT_NE(parse_portal_lead("zillow", unknown).error().message.find("unknown field \"surprise\""), std::string::npos);
  EXPECT_FALSE(parse_portal_lead("zillow", zillow.substr(0, zillow.size() / 2)).ok());  // truncated
  EXPECT_FALSE(parse_portal_lead("zillow", "{\"source\":\"zillow\",\"lead_id\":\"\xff\"}").ok());  // bad UTF-8
  std::string bad_time = zillow;
  bad_time.replace(bad_time.find("2026-11-20T09:01:44-06:00"), 25, "yesterday");
  EXPECT_NE(parse_portal_lead("zillow", bad_time).error().message.find("created_at"), std::string::npos);
}

TEST(PortalLead, SignatureOrBasicAuth) {
  std::string body = testing::fixture("zillow/lead.json");
  auto signed_adapter = make_portal_adapter("zillow", {"shared-secret", "", ""});
  WebhookRequest good{{{"X-Jorge-Signature", "sha256=" + hmac_sha256_hex("shared-secret", body)}}, body};
  EXPECT_TRUE(signed_adapter->verify(good).ok());
  WebhookRequest forged{{{"X-Jorge-Signature", "sha256=" + hmac_sha256_hex("guess", body)}}, body};
  EXPECT_EQ(signed_adapter->verify(forged).error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(signed_adapter->verify(WebhookRequest{{}, body}).ok());

  auto basic = make_portal_adapter("realtor", {"", "relay", "pa55"});
  EXPECT_TRUE(basic->verify(WebhookRequest{{{"Authorization", "Basic " + base64_encode("relay:pa55")}}, body}).ok());
  EXPECT_FALSE(basic->verify(WebhookRequest{{{"Authorization", "Basic " + base64_encode("relay:no")}}, body}).ok());
}

}  // namespace jorge::ingest
