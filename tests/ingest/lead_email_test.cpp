#include "ingest/email/lead_email.hpp"

#include <gtest/gtest.h>

#include "support/test_env.hpp"

namespace jorge::ingest {
namespace {

InboundEvent parse_fixture(const std::string& name) {
  auto event = parse_lead_email(testing::fixture("email/" + name));
  EXPECT_TRUE(event.ok()) << name << ": " << (event.ok() ? "" : event.error().message);
  return event.ok() ? *event : InboundEvent{};
}

}  // namespace

TEST(LeadEmail, ZillowMultipartQuotedPrintable) {
  InboundEvent event = parse_fixture("zillow_lead_multipart_qp.eml");
  EXPECT_EQ(event.source, "zillow");
  EXPECT_EQ(event.idempotency_key, "20261120150147.8f3a2b71.zc@convo.zillow.com");
  EXPECT_EQ(format_iso8601(event.occurred_at), "2026-11-20T15:01:47.000Z");
  const ContactFacts& contact = *event.contact;
  EXPECT_EQ(contact.full_name, "Maria Delgado");
  EXPECT_EQ(contact.first_name, "Maria");
  EXPECT_EQ(contact.phone->e164(), "+15125550123");
  EXPECT_EQ(contact.email, "maria.delgado@example.com");
  EXPECT_EQ(*testing::custom_field(event, "property_address"), FieldValue(std::string("4407 Avenue C")));
  EXPECT_EQ(*testing::custom_field(event, "property_city"), FieldValue(std::string("Austin")));
  EXPECT_EQ(*testing::custom_field(event, "property_zip"), FieldValue(std::string("78751")));
  EXPECT_EQ(*testing::custom_field(event, "property_price"), FieldValue(519000.0));
  EXPECT_EQ(*testing::custom_field(event, "pre_approved"), FieldValue(true));
  EXPECT_EQ(*testing::custom_field(event, "credit_score_range"), FieldValue(std::string("720 to 759")));
  ASSERT_TRUE(event.interaction);
  // Quoted-printable soft breaks joined, UTF-8 curly quote and em dash decoded.
  EXPECT_EQ(event.interaction->body,
            "I\xE2\x80\x99" "d like to schedule a tour of 4407 Avenue C this weekend. We\xE2\x80\x99re pre-approved and "
            "hoping to move by February \xE2\x80\x94 is Saturday morning possible?");
}

TEST(LeadEmail, ForwardedAttachmentIsTheSameLeadAsTheOriginal) {
  InboundEvent forwarded = parse_fixture("zillow_lead_forwarded_duplicate.eml");
  EXPECT_EQ(forwarded.source, "zillow");
  EXPECT_EQ(forwarded.idempotency_key, parse_fixture("zillow_lead_multipart_qp.eml").idempotency_key);
  EXPECT_EQ(forwarded.contact->phone->e164(), "+15125550123");
}

TEST(LeadEmail, RealtorHtmlOnlyBase64WithLabelsAndValuesInCells) {
  InboundEvent event = parse_fixture("realtor_lead_html_only.eml");
  EXPECT_EQ(event.source, "realtor");
  EXPECT_EQ(event.idempotency_key, "rdc-20261120-000417@email.realtor.example");
  EXPECT_EQ(event.contact->full_name, "Jamal Brooks");
  EXPECT_EQ(event.contact->phone->e164(), "+15125550156");
  EXPECT_EQ(event.contact->email, "jamal.brooks@example.com");
  EXPECT_EQ(*testing::custom_field(event, "property_address"), FieldValue(std::string("2209 Kenwood Ave")));
  EXPECT_EQ(*testing::custom_field(event, "property_zip"), FieldValue(std::string("78704")));
  EXPECT_EQ(*testing::custom_field(event, "property_state"), FieldValue(std::string("TX")));
  EXPECT_EQ(*testing::custom_field(event, "property_price"), FieldValue(689000.0));
  EXPECT_EQ(*testing::custom_field(event, "mls_id"), FieldValue(std::string("1234567")));
  EXPECT_EQ(event.interaction->body,
            "Is this home still available? Can I see it Thursday after 5? I'm working with a lender already.");
}

TEST(LeadEmail, GmailForwardedGenericFormInLatin1) {
  InboundEvent event = parse_fixture("forwarded_generic_lead.eml");
  EXPECT_EQ(event.source, "email");
  EXPECT_EQ(event.contact->full_name, "Jos\xC3\xA9 Pe\xC3\xB1" "a");  // ISO-8859-1 decoded to UTF-8
  EXPECT_EQ(event.contact->phone->e164(), "+15125550189");
  EXPECT_EQ(event.contact->email, "jose.pena@example.net");
  EXPECT_EQ(event.contact->address, "4210 Avenue G");
  EXPECT_EQ(event.contact->city, "Austin");
  EXPECT_EQ(event.contact->postal_code, "78751");
  EXPECT_EQ(event.interaction->body, "Thinking of selling our house in Hyde Park next spring. What's it worth?");
}

TEST(LeadEmail, MissingPhoneWithValuesOnTheNextLine) {
  InboundEvent event = parse_fixture("lead_missing_phone.eml");
  EXPECT_EQ(event.source, "realtor");
  EXPECT_EQ(event.contact->full_name, "Kim Osei");
  EXPECT_FALSE(event.contact->phone);
  EXPECT_EQ(event.contact->email, "kim.osei@example.org");
  EXPECT_EQ(*testing::custom_field(event, "property_address"), FieldValue(std::string("6012 Bull Creek Rd")));
  EXPECT_EQ(*testing::custom_field(event, "property_zip"), FieldValue(std::string("78757")));
  EXPECT_EQ(event.interaction->body, "Please email me the disclosures, I can't take calls at work.");
}

TEST(LeadEmail, RejectsWhatHoldsNoLead) {
  EXPECT_FALSE(parse_lead_email("").ok());
  EXPECT_FALSE(parse_lead_email("Subject: hello\r\n\r\nJust saying hi.\r\n").ok());
  EXPECT_EQ(html_to_text("<p>A&amp;B</p><style>x{}</style>&#233;&#x41;"), "\nA&B\n\xC3\xA9" "A");
}

}  // namespace jorge::ingest
