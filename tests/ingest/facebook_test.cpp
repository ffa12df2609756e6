#include <gtest/gtest.h>

#include "ingest/facebook/facebook_webhook.hpp"
#include "ingest/facebook/graph_lead.hpp"
#include "support/test_env.hpp"

namespace jorge::ingest {
namespace {

constexpr const char* kAppSecret = "test-app-secret-not-real";

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

TEST(FacebookWebhook, VerifiesTheFixturesSignaturesAndRefusesForgeries) {
  auto adapter = make_facebook_adapter(kAppSecret);
  for (std::string name : {"leadgen_webhook", "leadgen_webhook_batched", "leadgen_webhook_organic_numeric_ids"}) {
    std::string body = testing::fixture("facebook/" + name + ".json");
    std::string signature = trimmed(testing::fixture("facebook/" + name + ".sig.txt"));
    EXPECT_TRUE(adapter->verify({{{"X-Hub-Signature-256", signature}}, body}).ok()) << name;
    std::string tampered = body;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT_EQ(adapter->verify({{{"X-Hub-Signature-256", signature}}, tampered}).error().code,
              ErrorCode::kUnauthenticated);
    EXPECT_FALSE(make_facebook_adapter("other-secret")->verify({{{"X-Hub-Signature-256", signature}}, body}).ok());
  }
}

TEST(FacebookWebhook, OneEventPerLeadWithNoPersonalData) {
  auto single = parse_leadgen_notification(testing::fixture("facebook/leadgen_webhook.json"));
  ASSERT_TRUE(single.ok());
  ASSERT_EQ(single->size(), 1u);
  const InboundEvent& event = single->front();
  EXPECT_EQ(event.source, "facebook");
  EXPECT_EQ(event.idempotency_key, "1987654321098765");
  EXPECT_EQ(event.job_kind, JobKind::kFetchFacebookLead);
  EXPECT_FALSE(event.contact);
  EXPECT_EQ(event.origin.ad_id, "120211000000000101");
  EXPECT_EQ(event.origin.adset_id, "120211000000000102");
  EXPECT_EQ(event.origin.form_id, "912345678901234");
  EXPECT_EQ(to_unix_millis(event.occurred_at), 1763650929000);

  auto batched = parse_leadgen_notification(testing::fixture("facebook/leadgen_webhook_batched.json"));
  ASSERT_TRUE(batched.ok());
  ASSERT_EQ(batched->size(), 2u);  // the "feed" change is ignored
  EXPECT_EQ((*batched)[0].idempotency_key, "1987654321098801");
  EXPECT_EQ((*batched)[1].idempotency_key, "1987654321098765");

  auto organic = parse_leadgen_notification(testing::fixture("facebook/leadgen_webhook_organic_numeric_ids.json"));
  ASSERT_TRUE(organic.ok());
  ASSERT_EQ(organic->size(), 1u);
  EXPECT_EQ(organic->front().idempotency_key, "1987654321099999");  // a JSON number, read as its digits
  EXPECT_EQ(organic->front().origin.form_id, "912345678901234");
  EXPECT_TRUE(organic->front().origin.ad_id.empty());

  EXPECT_FALSE(parse_leadgen_notification("{\"object\":\"page\",\"entry\":{}}").ok());
  EXPECT_FALSE(parse_leadgen_notification("{\"object\":\"page\",\"entry\":[{\"changes\":[{\"field\":\"leadgen\"}]}]}").ok());
}

TEST(FacebookWebhook, VerificationHandshake) {
  const char* token = "jorge-test-verify-token";
  EXPECT_EQ(verification_challenge("subscribe", token, "1158201444", token), std::optional<std::string>("1158201444"));
  EXPECT_FALSE(verification_challenge("subscribe", "wrong", "1158201444", token));
  EXPECT_FALSE(verification_challenge("unsubscribe", token, "1", token));
  EXPECT_FALSE(verification_challenge("subscribe", "", "1", ""));  // no token configured: nobody verifies
}

TEST(GraphLead, StandardQuestionsCustomAnswersAndOrigin) {
  auto parsed = parse_graph_lead(testing::fixture("facebook/graph_lead.json"), {});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const InboundEvent& event = *parsed;
  EXPECT_EQ(event.idempotency_key, "lead:1987654321098765");
  EXPECT_EQ(event.job_kind, JobKind::kProcessEvent);
  EXPECT_EQ(format_iso8601(event.occurred_at), "2026-11-20T15:02:09.000Z");
  EXPECT_EQ(event.origin.campaign_id, "120211000000000103");
  EXPECT_EQ(event.origin.campaign_name, "Buyer Leads Q4");
  EXPECT_EQ(event.origin.ad_name, "Austin Buyers - Nov");
  EXPECT_EQ(event.origin.adset_id, "120211000000000102");
  const ContactFacts& contact = *event.contact;
  EXPECT_EQ(contact.external_id, "1987654321098765");
  EXPECT_EQ(contact.first_name, "Tasha");
  EXPECT_EQ(contact.last_name, "Nguyen");
  EXPECT_EQ(contact.email, "tasha.nguyen@example.org");
  EXPECT_EQ(contact.phone->e164(), "+15125550147");
  EXPECT_EQ(contact.postal_code, "78745");
  EXPECT_EQ(contact.lead_source, "facebook");
  EXPECT_EQ(*testing::custom_field(event, "when_are_you_looking_to_buy?"), FieldValue(std::string("0-3_months")));
  EXPECT_EQ(*testing::custom_field(event, "are_you_pre-approved?"), FieldValue(std::string("yes")));
  EXPECT_EQ(*testing::custom_field(event, "budget_min"), FieldValue(400000.0));
  EXPECT_EQ(*testing::custom_field(event, "budget_max"), FieldValue(500000.0));
  EXPECT_EQ(*testing::custom_field(event, "timeline_months"), FieldValue(0.0));

  // A configured mapping renames an answer or sends it to a contact field.
  auto mapped = parse_graph_lead(testing::fixture("facebook/graph_lead.json"),
                                 {{"when_are_you_looking_to_buy?", "timeline"}, {"zip_code", "postal_code"}});
  EXPECT_EQ(*testing::custom_field(*mapped, "timeline"), FieldValue(std::string("0-3_months")));
  EXPECT_EQ(testing::custom_field(*mapped, "when_are_you_looking_to_buy?"), nullptr);
}

TEST(GraphLead, MissingPhoneNonAsciiMultiValueAndInternational) {
  auto lukas = parse_graph_lead(testing::fixture("facebook/graph_lead_no_phone_intl.json"), {});
  ASSERT_TRUE(lukas.ok());
  EXPECT_FALSE(lukas->contact->phone);
  EXPECT_EQ(lukas->contact->full_name, "Lukas Sch\xC3\xA4" "fer");
  EXPECT_EQ(lukas->contact->city, "M\xC3\xBCnchen");
  EXPECT_EQ(*testing::custom_field(*lukas, "what_are_you_interested_in?"), FieldValue(std::vector<std::string>{"buying", "renting"}));
  auto priya = parse_graph_lead(testing::fixture("facebook/graph_lead_intl_phone.json"), {});
  EXPECT_EQ(priya->contact->phone->e164(), "+919876543210");
  EXPECT_EQ(*testing::custom_field(*priya, "is_organic"), FieldValue(true));
}

TEST(GraphLead, ErrorsAreClassifiedByCode) {
  EXPECT_EQ(classify_graph_error(400, testing::fixture("facebook/graph_error_token.json")).failure,
            GraphFailure::kTokenBroken);
  EXPECT_EQ(classify_graph_error(400, testing::fixture("facebook/graph_error_throttled.json")).failure,
            GraphFailure::kThrottled);
  auto missing = classify_graph_error(400, testing::fixture("facebook/graph_error_lead_not_found.json"));
  EXPECT_EQ(missing.failure, GraphFailure::kNotFound);
  EXPECT_EQ(missing.code, 100);
  EXPECT_EQ(classify_graph_error(502, "<html>bad gateway</html>").failure, GraphFailure::kRetry);
  // A field of the wrong type is ignored, not thrown on (found by facebook_fuzz).
  EXPECT_NO_THROW(classify_graph_error(400, R"json({"error":{"message":"(#4)","is_transient":"QrSt"}})json"));
  EXPECT_EQ(classify_graph_error(400, R"({"error":{"code":190,"is_transient":1}})").failure, GraphFailure::kTokenBroken);
  EXPECT_EQ(classify_graph_error(400, R"({"error":{"code":12345,"is_transient":true}})").failure, GraphFailure::kRetry);
}

}  // namespace jorge::ingest
