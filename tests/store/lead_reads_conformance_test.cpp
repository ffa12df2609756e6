// The lead reads role (store/lead_reads.hpp).
// Run unchanged on SQLite and on a real PostgreSQL server.
#include "store/store_conformance.hpp"

namespace jorge::store {
namespace {

class LeadReadsConformance : public StoreConformance {};

TEST_P(LeadReadsConformance, ListsWithFiltersAndCursor) {
  for (int i = 0; i < 7; ++i)
    ingest(manual(R"({"email":"lead)" + std::to_string(i) + R"(@example.com"})", "m" + std::to_string(i)));
  clock_.advance(std::chrono::minutes(5));
  ingest(ghl_event("contact_create.json"));
  LeadFilter filter;
  filter.limit = 3;
  std::vector<ContactId> seen;
  for (int page = 0; page < 5; ++page) {
    auto listed = store_->list_leads(filter);
    ASSERT_TRUE(listed.ok()) << listed.error().message;
    for (const auto& lead : listed->leads) seen.push_back(lead.id);
    if (!listed->next_after_id) break;
    filter.after_id = *listed->next_after_id;
  }
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  LeadFilter by_source;
  by_source.source = "ghl";
  EXPECT_EQ(store_->list_leads(by_source)->leads.size(), 1u);
  LeadFilter recent;
  recent.updated_since = clock_.now();
  EXPECT_EQ(store_->list_leads(recent)->leads.size(), 1u);
  LeadFilter won;
  won.stage = Stage::kWon;
  EXPECT_TRUE(store_->list_leads(won)->leads.empty());
}

TEST_P(LeadReadsConformance, UnknownLeadIsNotFound) {
  auto lead = store_->get_lead(999999);
  ASSERT_FALSE(lead.ok());
  EXPECT_EQ(lead.error().code, ErrorCode::kNotFound);
}

TEST_P(LeadReadsConformance, OutreachFactsCarryWhatScoringNeedsInOneQuery) {
  ingest(ghl_event("contact_create.json"));
  ingest(ghl_event("inbound_message_sms.json"));
  auto facts = store_->outreach_facts(1, "ghl");
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  EXPECT_EQ(facts->interactions, 1);
  EXPECT_NE(facts->inbound_texts.find("pre-approved up to 525k"), std::string::npos) << facts->inbound_texts;
  ASSERT_EQ(facts->custom_fields.size(), 2u);
  bool budget = false;
  for (const auto& field : facts->custom_fields)
    if (field.key == "cF1budgetMax00000001") budget = std::get<double>(field.value) == 525000.0;
  EXPECT_TRUE(budget);
  EXPECT_GT(to_unix_millis(facts->created_at), 0);
  EXPECT_FALSE(facts->response_hours) << "no message from us yet, so no response time";
  ingest(ghl_event("outbound_message_sms.json"));
  InboundEvent reply = ghl_event("inbound_message_sms.json");
  reply.idempotency_key = "later-reply";
  reply.interaction->external_id = "later-reply";
  reply.interaction->occurred_at = ghl_event("outbound_message_sms.json").interaction->occurred_at + std::chrono::minutes(90);
  ingest(reply);
  facts = store_->outreach_facts(1, "ghl");
  ASSERT_TRUE(facts->response_hours.has_value());
  EXPECT_DOUBLE_EQ(*facts->response_hours, 1.5);
}

// #17: the sender's narrow read, for the person a merged-away contact stands for.
TEST_P(LeadReadsConformance, RecipientFactsAreThePersonsWhatEverContactTheMessageNames) {
  IngestOutcome crm = ingest(ghl_event("contact_create.json"));
  IngestOutcome other = ingest(manual(R"({"first_name":"Maria","email":"maria.d@example.org"})", "other"));
  ASSERT_TRUE(store_->merge_contacts(*crm.contact_id, *other.contact_id, 1.0, "{}", "test", clock_.now()).ok());
  auto facts = store_->recipient_facts(*other.contact_id, "ghl");
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  const auto wide = store_->outreach_facts(*crm.contact_id, "ghl");
  EXPECT_EQ(facts->id, *crm.contact_id);
  EXPECT_EQ(facts->phone, wide->phone);
  EXPECT_EQ(facts->state, wide->state);
  EXPECT_EQ(facts->crm_contact_id, wide->crm_contact_id);
  EXPECT_FALSE(facts->crm_contact_id.empty());
  EXPECT_FALSE(facts->sms_opt_out);
  EXPECT_FALSE(facts->third_last_text_at);
  EXPECT_EQ(store_->recipient_facts(999, "ghl").error().code, ErrorCode::kNotFound);
}

TEST_P(LeadReadsConformance, TheCrmLinkOfALeadIsNotCountedAsASecondSource) {
  IngestOutcome stored = ingest(manual(R"({"first_name":"Ana","phone":"+15125550188"})", "manual-1"));
  ASSERT_TRUE(stored.contact_id);
  ASSERT_TRUE(store_->link_crm_contact(*stored.contact_id, "ghl", "ghl-contact-1", clock_.now()).ok());
  auto facts = store_->outreach_facts(*stored.contact_id, "ghl");
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  EXPECT_EQ(facts->crm_contact_id, "ghl-contact-1");
  EXPECT_EQ(facts->distinct_sources, 1) << "we put the lead into GoHighLevel; the person did not come from there";
}

TEST_P(LeadReadsConformance, CustomFieldsHoldingTheAggregatesSeparatorsAreReadBackWhole) {
  IngestOutcome stored = ingest(manual(
      R"({"first_name":"Ana","phone":"+15125550177","custom_fields":{"notes":"a\u001eb\u001fc","budget":500000}})",
      "manual-separators"));
  ASSERT_TRUE(stored.contact_id);
  auto facts = store_->outreach_facts(*stored.contact_id, "ghl");
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  ASSERT_EQ(facts->custom_fields.size(), 2u);
  for (const auto& field : facts->custom_fields) {
    if (field.key == "notes") EXPECT_EQ(std::get<std::string>(field.value), "a b c");
    else EXPECT_EQ(std::get<double>(field.value), 500000.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LeadReadsConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace jorge::store
