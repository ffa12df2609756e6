#include "ingest/ghl/ghl_adapter.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_env.hpp"

namespace jorge::ingest {
namespace {

std::unique_ptr<SourceAdapter> adapter() {
  GhlWebhookKeys keys;
  keys.rsa = *PublicKey::from_pem(testing::rsa_keys().public_pem);
  keys.ed25519 = *PublicKey::from_pem(testing::ed25519_keys().public_pem);
  return make_ghl_adapter(std::move(keys));
}

InboundEvent parse_fixture(const std::string& name) {
  auto events = adapter()->parse(testing::fixture("ghl/" + name));
  EXPECT_TRUE(events.ok()) << name << ": " << (events.ok() ? "" : events.error().message);
  EXPECT_EQ(events.ok() ? events->size() : 0u, 1u);
  return events.ok() ? events->front() : InboundEvent{};
}

}  // namespace

TEST(GhlAdapter, ParsesContactCreateIntoNormalisedFacts) {
  InboundEvent event = parse_fixture("contact_create.json");
  EXPECT_EQ(event.event_type, "ContactCreate");
  EXPECT_EQ(event.idempotency_key, "6f0c1b7e-2a4d-4c1e-9e3a-5b8d2f7a9c01");
  ASSERT_TRUE(event.contact);
  EXPECT_EQ(event.contact->external_id, "Hq7RtY2uIo9PaS4dF6gJ");
  EXPECT_EQ(event.contact->full_name, "Maria Delgado");
  EXPECT_EQ(event.contact->phone->e164(), "+15125550123");
  EXPECT_EQ(event.contact->email, "maria.delgado@example.com");
  EXPECT_EQ(event.contact->tags, (std::vector<std::string>{"zillow", "buyer"}));
  ASSERT_EQ(event.contact->custom_fields.size(), 2u);
  EXPECT_EQ(event.contact->custom_fields[0].value, FieldValue(525000.0));
  EXPECT_EQ(event.contact->custom_fields[1].value, FieldValue(std::string("1-3 months")));
  EXPECT_EQ(event.contact->do_not_disturb, std::nullopt);  // "dnd": false alone says nothing about SMS (#15)
  EXPECT_EQ(format_iso8601(event.occurred_at), "2026-11-20T15:02:10.902Z");
}

TEST(GhlAdapter, AcceptsContactWithoutPhone) {
  InboundEvent event = parse_fixture("contact_create_no_phone.json");
  ASSERT_TRUE(event.contact);
  EXPECT_FALSE(event.contact->phone);
}

TEST(GhlAdapter, ReadsSmsDoNotDisturbFromDndSettings) {
  InboundEvent event = parse_fixture("contact_dnd_update_sms_stop.json");
  EXPECT_EQ(event.contact->do_not_disturb, true);
}

// #15: a ContactTagUpdate carrying "dnd": false and no dndSettings cleared the SMS DND a
// ContactDndUpdate had set, and three texts followed.
TEST(GhlAdapter, OnlyAnExplicitInactiveSmsDndClearsIt) {
  EXPECT_EQ(parse_fixture("contact_tag_update.json").contact->do_not_disturb, std::nullopt);
  auto body = nlohmann::json::parse(testing::fixture("ghl/contact_dnd_update_sms_stop.json"));
  body["dndSettings"]["SMS"]["status"] = "inactive";
  auto parsed = adapter()->parse(body.dump());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->front().contact->do_not_disturb, false);
  body.erase("dndSettings");
  body["dnd"] = true;  // every channel
  EXPECT_EQ(adapter()->parse(body.dump())->front().contact->do_not_disturb, true);
}

TEST(GhlAdapter, ReadsFullTagListOnTagUpdate) {
  InboundEvent event = parse_fixture("contact_tag_update.json");
  EXPECT_EQ(event.event_type, "ContactTagUpdate");
  EXPECT_FALSE(event.contact->tags.empty());
}

TEST(GhlAdapter, ParsesInboundSmsAsInteractionWithSenderPhone) {
  InboundEvent event = parse_fixture("inbound_message_sms.json");
  ASSERT_TRUE(event.interaction);
  EXPECT_EQ(event.interaction->external_id, "Mg6Hj8Kl0Zx2Cv4Bn6Mq");
  EXPECT_EQ(event.interaction->direction, Direction::kInbound);
  EXPECT_EQ(event.interaction->channel, "SMS");
  EXPECT_EQ(event.contact->external_id, "Hq7RtY2uIo9PaS4dF6gJ");
  EXPECT_EQ(event.contact->phone->e164(), "+15125550123");
}

TEST(GhlAdapter, GivesRedeliveryTheSameKey) {
  EXPECT_EQ(parse_fixture("inbound_message_sms.json").idempotency_key,
            parse_fixture("inbound_message_sms_redelivery.json").idempotency_key);
}

TEST(GhlAdapter, KeepsInternationalSender) {
  EXPECT_EQ(parse_fixture("inbound_message_international.json").contact->phone->e164(), "+447700900123");
}

TEST(GhlAdapter, AcceptsMmsWithoutText) {
  InboundEvent event = parse_fixture("inbound_message_mms_no_text.json");
  ASSERT_TRUE(event.interaction);
  EXPECT_TRUE(event.interaction->body.empty());
}

TEST(GhlAdapter, ParsesOutboundMessageAsOutbound) {
  EXPECT_EQ(parse_fixture("outbound_message_sms.json").interaction->direction, Direction::kOutbound);
}

TEST(GhlAdapter, ParsesOpportunityOutcomeAndValue) {
  InboundEvent won = parse_fixture("opportunity_status_update_won.json");
  ASSERT_TRUE(won.opportunity);
  EXPECT_EQ(won.opportunity->outcome, Outcome::kWon);
  EXPECT_EQ(won.opportunity->value.cents, 1500000);
  EXPECT_EQ(won.contact->external_id, "Hq7RtY2uIo9PaS4dF6gJ");
  EXPECT_EQ(parse_fixture("opportunity_status_update_lost.json").opportunity->outcome, Outcome::kLost);
  EXPECT_FALSE(parse_fixture("opportunity_stage_update.json").opportunity->pipeline_stage_id.empty());
}

TEST(GhlAdapter, MarksUnknownEventTypeUnrecognised) {
  auto events = adapter()->parse(R"({"type":"AppInstall","locationId":"loc1","webhookId":"w1"})");
  ASSERT_TRUE(events.ok());
  EXPECT_FALSE(events->front().recognised);
}

TEST(GhlAdapter, HashesBodyWhenWebhookIdIsMissing) {
  auto events = adapter()->parse(R"({"type":"ContactCreate","locationId":"l","id":"c1"})");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->front().idempotency_key.rfind("sha256:", 0), 0u);
}

TEST(GhlAdapter, RejectsMalformedBodies) {
  for (std::string body : {std::string("{\"type\":"), std::string("[1,2]"), std::string("{\"locationId\":\"l\"}"),
                           std::string("{\"type\":\"ContactCreate\"}"), std::string("{\"type\":\"Ma\xFF\",\"locationId\":\"l\"}")}) {
    auto events = adapter()->parse(body);
    ASSERT_FALSE(events.ok()) << body;
    EXPECT_EQ(events.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(GhlAdapter, ToleratesUnknownFields) {
  EXPECT_TRUE(adapter()->parse(R"({"type":"ContactCreate","locationId":"l","id":"c","brandNew":{"x":1}})").ok());
}

TEST(GhlAdapter, VerifiesRsaAndEd25519HeadersOverRawBody) {
  std::string body = testing::fixture("ghl/contact_create.json");
  WebhookRequest rsa{{{"X-WH-Signature", testing::sign_rsa(body)}}, body};
  EXPECT_TRUE(adapter()->verify(rsa).ok());
  WebhookRequest ed{{{"x-ghl-signature", testing::sign_ed25519(body)}}, body};
  EXPECT_TRUE(adapter()->verify(ed).ok());
}

TEST(GhlAdapter, RejectsMissingOrForgedSignature) {
  std::string body = testing::fixture("ghl/contact_create.json");
  WebhookRequest missing{{}, body};
  EXPECT_EQ(adapter()->verify(missing).error().code, ErrorCode::kUnauthenticated);
  std::string tampered = body;
  tampered[tampered.find("Maria")] = 'm';
  WebhookRequest forged{{{"x-wh-signature", testing::sign_rsa(body)}}, tampered};
  EXPECT_EQ(adapter()->verify(forged).error().code, ErrorCode::kUnauthenticated);
}

TEST(GhlAdapter, SkipsChecksOnlyWhenVerificationIsOff) {
  GhlWebhookKeys keys;
  keys.verify_signatures = false;
  WebhookRequest unsigned_request{{}, "{}"};
  EXPECT_TRUE(make_ghl_adapter(std::move(keys))->verify(unsigned_request).ok());
}

}  // namespace jorge::ingest
