// The event log role (store/event_log.hpp): deliveries stored exactly once, with identity, consent and typed jobs.
// Run unchanged on SQLite and on a real PostgreSQL server.
#include "store/store_conformance.hpp"

namespace jorge::store {
namespace {

class EventLogConformance : public StoreConformance {};

TEST_P(EventLogConformance, StoresEventContactRecordAndJobInOneGo) {
  IngestOutcome first = ingest(ghl_event("contact_create.json"));
  EXPECT_FALSE(first.duplicate);
  ASSERT_TRUE(first.contact_id);
  StoreCounts after = counts();
  EXPECT_EQ(after.events, 1);
  EXPECT_EQ(after.contacts, 1);
  EXPECT_EQ(after.leads, 1);
  EXPECT_EQ(after.jobs, 1);
}

TEST_P(EventLogConformance, SameDeliveryTwiceChangesNothing) {
  IngestOutcome first = ingest(ghl_event("inbound_message_sms.json"));
  IngestOutcome again = ingest(ghl_event("inbound_message_sms_redelivery.json"));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.event_id, first.event_id);
  EXPECT_EQ(again.contact_id, first.contact_id);
  StoreCounts after = counts();
  EXPECT_EQ(after.events, 1);
  EXPECT_EQ(after.interactions, 1);
  EXPECT_EQ(after.jobs, 1);
}

TEST_P(EventLogConformance, MessageBeforeContactCreateIsTheSamePerson) {
  IngestOutcome message = ingest(ghl_event("inbound_message_sms.json"));
  IngestOutcome contact = ingest(ghl_event("contact_create.json"));
  EXPECT_EQ(message.contact_id, contact.contact_id);
  auto lead = store_->get_lead(*contact.contact_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->summary.full_name, "Maria Delgado");
  EXPECT_EQ(lead->summary.stage, Stage::kEngaged);
  EXPECT_EQ(lead->interactions.size(), 1u);
  EXPECT_EQ(counts().contacts, 1);
}

TEST_P(EventLogConformance, MatchesAnotherSourceByPhoneThenEmail) {
  IngestOutcome ghl = ingest(ghl_event("contact_create.json"));
  IngestOutcome by_phone = ingest(manual(R"({"phone":"512-555-0123","name":"Maria D"})", "k1"));
  EXPECT_EQ(by_phone.contact_id, ghl.contact_id);
  IngestOutcome by_email = ingest(manual(R"({"email":"MARIA.DELGADO@example.com"})", "k2"));
  EXPECT_EQ(by_email.contact_id, ghl.contact_id);
  IngestOutcome stranger = ingest(manual(R"({"email":"someone.else@example.com"})", "k3"));
  EXPECT_NE(stranger.contact_id, ghl.contact_id);
  auto lead = store_->get_lead(*ghl.contact_id);
  EXPECT_EQ(lead->summary.sources, (std::vector<std::string>{"ghl", "manual"}));
  EXPECT_EQ(lead->records.size(), 3u);
}

// #14: a second record joined by e-mail does not rename the person with a misspelling; it may
// complete a shorter name, and the record that gave the name may still correct it.
TEST_P(EventLogConformance, AnotherRecordCompletesButNeverMisspellsTheStoredName) {
  IngestOutcome first = ingest(manual(R"({"email":"maria@example.com","first_name":"M.","last_name":"Delgado"})", "r1"));
  ingest(manual(R"({"email":"maria@example.com","first_name":"Maria","last_name":"Delgaod"})", "r2"));
  auto lead = store_->get_lead(*first.contact_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->first_name, "Maria");     // "M." completed
  EXPECT_EQ(lead->last_name, "Delgado");    // the misspelt duplicate did not win
  EXPECT_EQ(counts().contacts, 1);
  IngestOutcome crm = ingest(ghl_event("contact_create.json"));  // Maria Delgado, 512-555-0123
  InboundEvent corrected = ghl_event("contact_create.json");
  corrected.idempotency_key += ":edit";
  corrected.contact->last_name = "Delgado-Ruiz";  // an agent's correction of the CRM contact
  corrected.contact->full_name = "Maria Delgado-Ruiz";
  ingest(corrected);
  lead = store_->get_lead(*crm.contact_id);
  EXPECT_EQ(lead->last_name, "Delgado-Ruiz");
}

TEST_P(EventLogConformance, WonOpportunityClosesTheContactWithItsValue) {
  IngestOutcome contact = ingest(ghl_event("contact_create.json"));
  ingest(ghl_event("opportunity_stage_update.json"));
  ingest(ghl_event("opportunity_status_update_won.json"));
  auto lead = store_->get_lead(*contact.contact_id);
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->summary.stage, Stage::kWon);
  ASSERT_FALSE(lead->opportunities.empty());
  bool has_won = false;
  for (const auto& opportunity : lead->opportunities)
    has_won = has_won || (opportunity.record.outcome == Outcome::kWon && opportunity.record.value.cents == 1500000);
  EXPECT_TRUE(has_won);
}

// #17: each change of stage is written with the change, in its transaction: when, from, to, why.
TEST_P(EventLogConformance, EveryStageChangeIsRecordedWithWhy) {
  IngestOutcome contact = ingest(ghl_event("contact_create.json"));
  clock_.advance(std::chrono::minutes(5));
  ingest(ghl_event("inbound_message_sms.json"));
  ingest(ghl_event("inbound_message_sms_redelivery.json"));  // the same message: no second change
  clock_.advance(std::chrono::hours(2));
  ingest(ghl_event("opportunity_stage_update.json"));
  clock_.advance(std::chrono::hours(24));
  ingest(ghl_event("opportunity_status_update_won.json"));
  auto lead = store_->get_lead(*contact.contact_id);
  ASSERT_TRUE(lead.ok());
  std::vector<std::string> contact_stages, opportunity_statuses;
  for (const auto& change : lead->stage_history) {
    if (change.kind == "contact_stage") contact_stages.push_back(change.from + ">" + change.to + " (" + change.reason + ")");
    if (change.kind == "opportunity_status") opportunity_statuses.push_back(change.from + ">" + change.to);
  }
  EXPECT_EQ(contact_stages, (std::vector<std::string>{"new>engaged (the lead wrote)",
                                                      "engaged>opportunity (an opportunity opened)",
                                                      "opportunity>won (the opportunity was won)"}));
  EXPECT_EQ(opportunity_statuses, (std::vector<std::string>{">open", "open>won"}));
  ASSERT_GE(lead->stage_history.size(), 2u);
  EXPECT_LT(lead->stage_history.front().at, lead->stage_history.back().at);
}

TEST_P(EventLogConformance, KeepsTypedCustomFieldsAndTags) {
  IngestOutcome contact = ingest(ghl_event("contact_create.json"));
  auto lead = store_->get_lead(*contact.contact_id);
  ASSERT_EQ(lead->custom_fields.size(), 2u);
  EXPECT_EQ(lead->custom_fields[0].value, FieldValue(525000.0));
  EXPECT_EQ(lead->tags, (std::vector<std::string>{"zillow", "buyer"}));
  EXPECT_EQ(lead->records.at(0).external_id, "Hq7RtY2uIo9PaS4dF6gJ");
}

TEST_P(EventLogConformance, StoresUnknownEventWithoutTouchingContacts) {
  InboundEvent unknown = ghl_event("contact_create.json");
  unknown.recognised = false;
  IngestOutcome outcome = ingest(unknown);
  EXPECT_FALSE(outcome.contact_id);
  EXPECT_EQ(counts().events, 1);
  EXPECT_EQ(counts().contacts, 0);
  EXPECT_TRUE(*store_->has_event("ghl", unknown.idempotency_key));
}

TEST_P(EventLogConformance, ConcurrentWritersAreAllCommittedExactlyOnce) {
  constexpr int kThreads = 8, kPerThread = 150;
  std::atomic<int> acknowledged{0}, duplicates{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::vector<std::future<Result<IngestOutcome>>> waiting;
      for (int i = 0; i < kPerThread; ++i) {
        auto promise = std::make_shared<std::promise<Result<IngestOutcome>>>();
        waiting.push_back(promise->get_future());
        std::string body = R"({"phone":"+1512555)" + std::to_string(1000 + t) + R"(","email":"p)" +
                           std::to_string(t * 1000 + i) + R"(@example.com"})";
        // Every thread also resends its first delivery once: it must come back as a duplicate.
        std::string key = i == kPerThread - 1 ? "t" + std::to_string(t) + "-0" : "t" + std::to_string(t) + "-" + std::to_string(i);
        store_->ingest_async(manual(body, key), body, JobPlan{},
                             [promise](Result<IngestOutcome> outcome) { promise->set_value(std::move(outcome)); });
      }
      for (auto& future : waiting) {
        auto outcome = future.get();
        ASSERT_TRUE(outcome.ok()) << outcome.error().message;
        ++acknowledged;
        if (outcome->duplicate) ++duplicates;
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(acknowledged, kThreads * kPerThread);
  EXPECT_EQ(duplicates, kThreads);
  StoreCounts after = counts();
  EXPECT_EQ(after.events, kThreads * (kPerThread - 1));
  EXPECT_EQ(after.jobs, kThreads * (kPerThread - 1));
  EXPECT_EQ(after.contacts, kThreads);  // one phone per thread: one person each
}

TEST_P(EventLogConformance, ReopeningKeepsDataAndIsReady) {
  ingest(ghl_event("contact_create.json"));
  reopen();
  EXPECT_TRUE(store_->check_ready().ok());
  EXPECT_EQ(counts().contacts, 1);
  EXPECT_TRUE(ingest(ghl_event("contact_create.json")).duplicate);
}

TEST_P(EventLogConformance, RefusesWritesAfterClose) {
  store_->close();
  auto outcome = store_->ingest(ghl_event("contact_create.json"), "{}");
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, ErrorCode::kUnavailable);
}

// --- jobs: the durable priority queue -------------------------------------------------------

// #17: GoHighLevel echoes Jorge's own doings; the echo is stored and makes no job. A message
// from a person of the team, or tags a person changed, make one, typed.
TEST_P(EventLogConformance, JorgesOwnEchoesMakeNoJobAndOtherEventsAreTyped) {
  ingest(ghl_event("contact_create.json"));
  auto jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 10);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(jobs->front().event, JobEvent::kContact);
  // The greeting went out; GoHighLevel answered with its message id.
  JobEffects effects;
  OutboxMessage text;
  text.contact_id = *jobs->front().contact_id;
  text.payload = "Hi";
  text.purpose = "first-touch";
  effects.messages.push_back(text);
  effects.messages.push_back(text);
  effects.messages.back().kind = OutboxKind::kTags;
  effects.messages.back().payload = "jorge-cold";
  effects.messages.back().purpose = "first-touch-tags";
  ASSERT_TRUE(store_->complete_job_with(jobs->front().id, "worker", clock_.now(), effects).ok());
  auto claimed = store_->claim_outbox("sender", clock_.now(), clock_.now() + std::chrono::seconds(30), 10);
  for (const auto& message : *claimed)
    ASSERT_TRUE(store_->finish_outbox(message.id, "sender", Store::OutboxOutcome::kSent, clock_.now(),
                                      message.kind == OutboxKind::kSms ? "Mg-sent-by-jorge" : "", "", "").ok());
  const int64_t jobs_before = counts().jobs;
  InboundEvent echo = ghl_event("outbound_message_sms.json");
  echo.interaction->external_id = "Mg-sent-by-jorge";
  echo.idempotency_key = "echo-of-jorge";
  ingest(echo);
  InboundEvent tags = ghl_event("contact_create.json");  // the contact's tags, plus Jorge's
  tags.idempotency_key = "tag-echo";
  tags.tags_only = true;
  tags.contact->tags.push_back("jorge-cold");
  ingest(tags);
  EXPECT_EQ(counts().jobs, jobs_before) << "echoes of Jorge's own text and tags";
  EXPECT_EQ(counts().interactions, 1) << "the echo is still recorded";
  // An agent's own text, an agent's tag, a message from the lead: each a typed job.
  ingest(ghl_event("outbound_message_sms.json"));
  InboundEvent agent_tag = tags;
  agent_tag.idempotency_key = "agent-tag";
  agent_tag.contact->tags.push_back("vip");
  ingest(agent_tag);
  ingest(ghl_event("inbound_message_sms.json"));
  jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 10);
  ASSERT_EQ(jobs->size(), 3u);
  std::vector<JobEvent> events;
  for (const auto& job : *jobs) events.push_back(job.event);
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<JobEvent>{JobEvent::kContact, JobEvent::kInboundMessage, JobEvent::kOutboundMessage}));
  for (const auto& job : *jobs)
    if (job.event != JobEvent::kContact) EXPECT_TRUE(job.interaction_id.has_value());
}

// SQLite fault: another process holds the write lock; the store must say "unavailable"
// (never acknowledge), then recover when the lock goes.
TEST(SqliteStore, ReportsUnavailableWhileDatabaseIsLockedThenRecovers) {
  testing::TempDir dir;
  ManualClock clock{from_unix_millis(1'795'000'000'000)};
  std::string path = dir.file("jorge.db");
  auto store = open_store("sqlite://" + path, clock);
  ASSERT_TRUE(store.ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  sqlite3_busy_timeout(other, 10000);  // the server's workers take the write lock briefly too
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto event = ingest::parse_manual_lead(R"({"email":"a@example.com"})");
  event->idempotency_key = "locked";
  auto blocked = (*store)->ingest(*event, "{}");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  auto retried = (*store)->ingest(*event, "{}");
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_FALSE(retried->duplicate);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLogConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace jorge::store
