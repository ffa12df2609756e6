// One suite, run unchanged on SQLite and on a real PostgreSQL server.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <functional>
#include <future>
#include <thread>

#include "ingest/ghl/ghl_adapter.hpp"
#include "ingest/manual/manual_lead.hpp"
#include "store/store.hpp"
#include "support/test_env.hpp"

namespace jorge::store {
namespace {

using testing::Backend;

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    url_ = testing::fresh_database(GetParam(), dir_);
    if (url_.empty()) GTEST_SKIP() << testing::kNoPostgres;
    reopen();
  }

  void reopen() {
    store_.reset();
    auto opened = open_store(url_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }

  InboundEvent ghl_event(const std::string& fixture_name) {
    auto events = adapter_->parse(testing::fixture("ghl/" + fixture_name));
    EXPECT_TRUE(events.ok());
    return events->front();
  }

  IngestOutcome ingest(InboundEvent event, const std::string& raw = "{}") {
    auto outcome = store_->ingest(std::move(event), raw);
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    return outcome.ok() ? *outcome : IngestOutcome{};
  }

  InboundEvent manual(const std::string& body, const std::string& key) {
    auto event = ingest::parse_manual_lead(body);
    EXPECT_TRUE(event.ok());
    event->idempotency_key = key;
    return *event;
  }

  StoreCounts counts() { return *store_->counts(); }

  testing::TempDir dir_;
  ManualClock clock_{from_unix_millis(1'795'000'000'000)};
  std::string url_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ingest::SourceAdapter> adapter_ = ingest::make_ghl_adapter({});
};

TEST_P(StoreConformance, StoresEventContactRecordAndJobInOneGo) {
  IngestOutcome first = ingest(ghl_event("contact_create.json"));
  EXPECT_FALSE(first.duplicate);
  ASSERT_TRUE(first.contact_id);
  StoreCounts after = counts();
  EXPECT_EQ(after.events, 1);
  EXPECT_EQ(after.contacts, 1);
  EXPECT_EQ(after.leads, 1);
  EXPECT_EQ(after.jobs, 1);
}

TEST_P(StoreConformance, SameDeliveryTwiceChangesNothing) {
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

TEST_P(StoreConformance, MessageBeforeContactCreateIsTheSamePerson) {
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

TEST_P(StoreConformance, MatchesAnotherSourceByPhoneThenEmail) {
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
TEST_P(StoreConformance, AnotherRecordCompletesButNeverMisspellsTheStoredName) {
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

TEST_P(StoreConformance, WonOpportunityClosesTheContactWithItsValue) {
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
TEST_P(StoreConformance, EveryStageChangeIsRecordedWithWhy) {
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

TEST_P(StoreConformance, KeepsTypedCustomFieldsAndTags) {
  IngestOutcome contact = ingest(ghl_event("contact_create.json"));
  auto lead = store_->get_lead(*contact.contact_id);
  ASSERT_EQ(lead->custom_fields.size(), 2u);
  EXPECT_EQ(lead->custom_fields[0].value, FieldValue(525000.0));
  EXPECT_EQ(lead->tags, (std::vector<std::string>{"zillow", "buyer"}));
  EXPECT_EQ(lead->records.at(0).external_id, "Hq7RtY2uIo9PaS4dF6gJ");
}

TEST_P(StoreConformance, StoresUnknownEventWithoutTouchingContacts) {
  InboundEvent unknown = ghl_event("contact_create.json");
  unknown.recognised = false;
  IngestOutcome outcome = ingest(unknown);
  EXPECT_FALSE(outcome.contact_id);
  EXPECT_EQ(counts().events, 1);
  EXPECT_EQ(counts().contacts, 0);
  EXPECT_TRUE(*store_->has_event("ghl", unknown.idempotency_key));
}

TEST_P(StoreConformance, ListsWithFiltersAndCursor) {
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

TEST_P(StoreConformance, UnknownLeadIsNotFound) {
  auto lead = store_->get_lead(999999);
  ASSERT_FALSE(lead.ok());
  EXPECT_EQ(lead.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ConcurrentWritersAreAllCommittedExactlyOnce) {
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

TEST_P(StoreConformance, ReopeningKeepsDataAndIsReady) {
  ingest(ghl_event("contact_create.json"));
  reopen();
  EXPECT_TRUE(store_->check_ready().ok());
  EXPECT_EQ(counts().contacts, 1);
  EXPECT_TRUE(ingest(ghl_event("contact_create.json")).duplicate);
}

TEST_P(StoreConformance, RefusesWritesAfterClose) {
  store_->close();
  auto outcome = store_->ingest(ghl_event("contact_create.json"), "{}");
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, ErrorCode::kUnavailable);
}

// --- jobs: the durable priority queue -------------------------------------------------------

TEST_P(StoreConformance, ClaimsHotBeforeWarmBeforeColdAndOnlyWhenDue) {
  SystemTime now = clock_.now();
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"cold@example.com"})", "c"), "{}", JobPlan{2, now}).ok());
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"warm@example.com"})", "w"), "{}", JobPlan{1, now}).ok());
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"hot@example.com"})", "h"), "{}", JobPlan{0, now}).ok());
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"later@example.com"})", "l"), "{}",
                             JobPlan{0, now + std::chrono::seconds(60)}).ok());
  auto claimed = store_->claim_jobs("w1", now, now + std::chrono::minutes(5), 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[0].priority, 0);
  EXPECT_EQ((*claimed)[1].priority, 1);
  EXPECT_EQ((*claimed)[2].priority, 2);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  EXPECT_TRUE(store_->claim_jobs("w1", now, now + std::chrono::seconds(30), 10)->empty());
  SystemTime later = now + std::chrono::seconds(61);
  EXPECT_EQ(store_->claim_jobs("w1", later, later + std::chrono::seconds(30), 10)->size(), 1u);
}

TEST_P(StoreConformance, ExpiredLeaseGoesToTheNextWorker) {
  SystemTime now = clock_.now();
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"a@example.com"})", "a"), "{}", JobPlan{0, now}).ok());
  auto first = store_->claim_jobs("dies", now, now + std::chrono::seconds(30), 1);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE(store_->claim_jobs("other", now + std::chrono::seconds(10), now + std::chrono::seconds(40), 1)->empty());
  SystemTime after = now + std::chrono::seconds(31);
  auto second = store_->claim_jobs("other", after, after + std::chrono::seconds(30), 1);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().id, first->front().id);
  EXPECT_EQ(second->front().attempts, 2);
  // The first worker comes back: its lease is gone, so it cannot finish the job.
  EXPECT_EQ(store_->complete_job(first->front().id, "dies", after).error().code, ErrorCode::kAborted);
  EXPECT_TRUE(store_->complete_job(first->front().id, "other", after).ok());
}

TEST_P(StoreConformance, RetriesLaterBuriesAndRevives) {
  SystemTime now = clock_.now();
  ASSERT_TRUE(store_->ingest(manual(R"({"email":"a@example.com"})", "a"), "{}", JobPlan{1, now}).ok());
  auto job = store_->claim_jobs("w", now, now + std::chrono::seconds(30), 1)->at(0);
  ASSERT_TRUE(store_->retry_job(job.id, "w", now + std::chrono::seconds(5), "unavailable: ghl 503").ok());
  EXPECT_TRUE(store_->claim_jobs("w", now, now + std::chrono::seconds(30), 1)->empty());
  SystemTime later = now + std::chrono::seconds(5);
  job = store_->claim_jobs("w", later, later + std::chrono::seconds(30), 1)->at(0);
  EXPECT_EQ(job.last_error, "unavailable: ghl 503");
  ASSERT_TRUE(store_->bury_job(job.id, "w", later, "invalid_argument: no phone").ok());
  auto dead = store_->dead_jobs(10);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().id, job.id);
  EXPECT_EQ(store_->revive_job(424242, later).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->revive_job(job.id, later).ok());
  auto revived = store_->claim_jobs("w", later, later + std::chrono::seconds(30), 1);
  ASSERT_EQ(revived->size(), 1u);
  EXPECT_EQ(revived->front().attempts, 1);
}

TEST_P(StoreConformance, CountsQueueByTierWithServiceTime) {
  SystemTime now = clock_.now();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->ingest(manual(R"({"email":"q)" + std::to_string(i) + R"(@example.com"})", "q" + std::to_string(i)),
                               "{}", JobPlan{i, now}).ok());
  auto job = store_->claim_jobs("w", now, now + std::chrono::seconds(30), 1)->at(0);
  ASSERT_TRUE(store_->complete_job(job.id, "w", now + std::chrono::milliseconds(200)).ok());
  auto counts = store_->queue_counts(now - std::chrono::seconds(60));
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->by_priority[0].depth, 0);
  EXPECT_EQ(counts->by_priority[1].depth, 1);
  EXPECT_EQ(counts->by_priority[2].depth, 1);
  EXPECT_EQ(counts->completed_in_window, 1);
  EXPECT_NEAR(counts->mean_service_seconds, 0.2, 1e-6);
}

TEST_P(StoreConformance, ConcurrentClaimersNeverShareAJob) {
  SystemTime now = clock_.now();
  constexpr int kJobs = 120;
  for (int i = 0; i < kJobs; ++i)
    ASSERT_TRUE(store_->ingest(manual(R"({"email":"j)" + std::to_string(i) + R"(@example.com"})", "j" + std::to_string(i)),
                               "{}", JobPlan{i % 3, now}).ok());
  std::mutex mutex;
  std::vector<int64_t> seen;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (;;) {
        auto claimed = store_->claim_jobs("w" + std::to_string(w), now, now + std::chrono::seconds(60), 7);
        ASSERT_TRUE(claimed.ok()) << claimed.error().message;
        if (claimed->empty()) return;
        std::lock_guard lock(mutex);
        for (const Job& job : *claimed) seen.push_back(job.id);
      }
    });
  for (auto& worker : workers) worker.join();
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a job was claimed twice";
}

// Finishes one job per lead, each writing an SMS for that lead into the outbox at `priority`.
std::vector<ContactId> queue_texts(Store& store, SystemTime now, const std::vector<int>& priorities,
                                   const std::function<InboundEvent(int)>& event_for) {
  std::vector<ContactId> contacts;
  for (size_t i = 0; i < priorities.size(); ++i) {
    auto outcome = store.ingest(event_for(static_cast<int>(i)), "{}", JobPlan{priorities[i], now});
    EXPECT_TRUE(outcome.ok());
    contacts.push_back(outcome->contact_id.value_or(0));
  }
  for (;;) {
    auto jobs = store.claim_jobs("worker", now, now + std::chrono::seconds(30), 50);
    EXPECT_TRUE(jobs.ok());
    if (!jobs.ok() || jobs->empty()) break;
    for (const Job& job : *jobs) {
      JobEffects effects;
      OutboxMessage text;
      text.contact_id = *job.contact_id;
      text.external_contact_id = "crm" + std::to_string(*job.contact_id);
      text.priority = job.priority;
      text.payload = "Hi, Jorge here";
      text.due_at = now;
      effects.messages.push_back(text);
      EXPECT_TRUE(store.complete_job_with(job.id, "worker", now, effects).ok());
    }
  }
  return contacts;
}

TEST_P(StoreConformance, OutboxHandsHotTextsOutFirstAndOnlyWhenDue) {
  SystemTime now = clock_.now();
  queue_texts(*store_, now, {2, 0, 1}, [&](int i) { return manual(R"({"phone":"+1512555010)" + std::to_string(i) + R"("})", "o" + std::to_string(i)); });
  auto claimed = store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[0].priority, 0);
  EXPECT_EQ((*claimed)[1].priority, 1);
  EXPECT_EQ((*claimed)[2].priority, 2);
  for (const auto& message : *claimed) {
    EXPECT_FALSE(message.attempted_before);
    EXPECT_EQ(message.attempts, 1);
  }
  for (size_t i = 1; i < claimed->size(); ++i)
    ASSERT_TRUE(store_->finish_outbox((*claimed)[i].id, "sender", Store::OutboxOutcome::kSent, now, "m", "c", "").ok());
  // Postponed without counting (quiet hours): not due until then, and the claim is undone.
  const auto& first = (*claimed)[0];
  ASSERT_TRUE(store_->postpone_outbox(first.id, "sender", now + std::chrono::hours(1), false, "quiet hours").ok());
  EXPECT_TRUE(store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10)->empty());
  SystemTime later = now + std::chrono::hours(1);
  auto again = store_->claim_outbox("sender", later, later + std::chrono::seconds(30), 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().attempts, 1);
  EXPECT_EQ(again->front().last_error, "quiet hours");
}

TEST_P(StoreConformance, OutboxLeaseLostMidSendComesBackMarkedForReconciliation) {
  SystemTime now = clock_.now();
  queue_texts(*store_, now, {0}, [&](int) { return manual(R"({"phone":"+15125550199"})", "mid-send"); });
  auto claimed = store_->claim_outbox("dies", now, now + std::chrono::seconds(5), 10);
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(store_->mark_outbox_attempt(claimed->front().id, "dies", now, now + std::chrono::seconds(5)).ok());
  EXPECT_TRUE(store_->claim_outbox("other", now, now + std::chrono::seconds(5), 10)->empty());  // still leased
  SystemTime later = now + std::chrono::seconds(6);
  auto taken = store_->claim_outbox("other", later, later + std::chrono::seconds(5), 10);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_TRUE(taken->front().attempted_before);
  // The first sender's late answer no longer counts: its lease is gone.
  EXPECT_EQ(store_->finish_outbox(taken->front().id, "dies", Store::OutboxOutcome::kSent, later, "m1", "c1", "").error().code,
            ErrorCode::kAborted);
  ASSERT_TRUE(store_->finish_outbox(taken->front().id, "other", Store::OutboxOutcome::kSent, later, "m1", "c1", "").ok());
  auto rows = store_->outbox_for_contact(taken->front().contact_id);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().state, "sent");
  EXPECT_EQ(rows->front().conversation_id, "c1");
}

TEST_P(StoreConformance, DeadMessagesAreListedAndRevived) {
  SystemTime now = clock_.now();
  queue_texts(*store_, now, {1}, [&](int) { return manual(R"({"phone":"+15125550198"})", "dead-text"); });
  auto claimed = store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10);
  ASSERT_EQ(claimed->size(), 1u);
  int64_t id = claimed->front().id;
  ASSERT_TRUE(store_->finish_outbox(id, "sender", Store::OutboxOutcome::kDead, now, "", "", "invalid_argument: 422").ok());
  auto dead = store_->dead_outbox(10);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().id, id);
  EXPECT_EQ(dead->front().last_error, "invalid_argument: 422");
  EXPECT_EQ(store_->revive_outbox(424242, now).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->revive_outbox(id, now).ok());
  EXPECT_TRUE(store_->dead_outbox(10)->empty());
  auto revived = store_->claim_outbox("sender", now, now + std::chrono::seconds(30), 10);
  ASSERT_EQ(revived->size(), 1u);
  EXPECT_EQ(revived->front().attempts, 1);
}

TEST_P(StoreConformance, ConcurrentSendersNeverShareAMessage) {
  SystemTime now = clock_.now();
  constexpr int kTexts = 60;
  queue_texts(*store_, now, std::vector<int>(kTexts, 1), [&](int i) {
    return manual(R"({"email":"s)" + std::to_string(i) + R"(@example.com"})", "s" + std::to_string(i));
  });
  std::mutex mutex;
  std::vector<int64_t> seen;
  std::vector<std::thread> senders;
  for (int s = 0; s < 4; ++s)
    senders.emplace_back([&, s] {
      for (;;) {
        auto claimed = store_->claim_outbox("s" + std::to_string(s), now, now + std::chrono::seconds(60), 5);
        ASSERT_TRUE(claimed.ok()) << claimed.error().message;
        if (claimed->empty()) return;
        std::lock_guard lock(mutex);
        for (const auto& message : *claimed) seen.push_back(message.id);
      }
    });
  for (auto& sender : senders) sender.join();
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kTexts));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a message was claimed twice";
}

TEST_P(StoreConformance, OutreachFactsCarryWhatScoringNeedsInOneQuery) {
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

TEST_P(StoreConformance, TheCrmLinkOfALeadIsNotCountedAsASecondSource) {
  IngestOutcome stored = ingest(manual(R"({"first_name":"Ana","phone":"+15125550188"})", "manual-1"));
  ASSERT_TRUE(stored.contact_id);
  ASSERT_TRUE(store_->link_crm_contact(*stored.contact_id, "ghl", "ghl-contact-1", clock_.now()).ok());
  auto facts = store_->outreach_facts(*stored.contact_id, "ghl");
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  EXPECT_EQ(facts->crm_contact_id, "ghl-contact-1");
  EXPECT_EQ(facts->distinct_sources, 1) << "we put the lead into GoHighLevel; the person did not come from there";
}

TEST_P(StoreConformance, CustomFieldsHoldingTheAggregatesSeparatorsAreReadBackWhole) {
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

// #16: one first text per person, whatever merges happen around it.
class OneTextPerPerson : public StoreConformance {
 protected:
  ContactId person(const std::string& email) {
    IngestOutcome stored = ingest(manual(R"({"first_name":"Ana","email":")" + email + R"("})", email));
    EXPECT_TRUE(stored.contact_id);
    return stored.contact_id.value_or(0);
  }
  // Finishes a job as the worker does for a new lead: the person's first text. (Which job it
  // is does not matter to the store; one is made when none waits.)
  void greet(ContactId contact) {
    auto jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 1);
    if (jobs.ok() && jobs->empty()) {
      ingest(manual(R"({"email":"job)" + std::to_string(++made_jobs_) + R"(@example.com"})", "job" + std::to_string(made_jobs_)));
      jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 1);
    }
    ASSERT_TRUE(jobs.ok() && jobs->size() == 1u);
    ASSERT_TRUE(store_->complete_job_with(jobs->front().id, "worker", clock_.now(), first_touch(contact)).ok());
  }
  // What the worker writes for a new lead: its first text, keyed for its person.
  static JobEffects first_touch(ContactId contact) {
    JobEffects effects;
    OutboxMessage text;
    text.contact_id = contact;
    text.external_contact_id = "crm" + std::to_string(contact);
    text.payload = "Hi, Jorge here";
    text.purpose = "first-touch";
    effects.messages.push_back(text);
    return effects;
  }
  void send_all() {
    auto claimed = store_->claim_outbox("sender", clock_.now(), clock_.now() + std::chrono::seconds(30), 50);
    ASSERT_TRUE(claimed.ok());
    for (const auto& message : *claimed)
      ASSERT_TRUE(store_->finish_outbox(message.id, "sender", Store::OutboxOutcome::kSent, clock_.now(), "m", "c", "").ok());
  }
  std::vector<std::string> states(ContactId contact) {
    std::vector<std::string> out;
    for (const auto& message : *store_->outbox_for_contact(contact)) out.push_back(message.state);
    std::sort(out.begin(), out.end());
    return out;
  }
  Status merge(ContactId kept, ContactId merged) {
    auto merged_id = store_->merge_contacts(kept, merged, 1.0, "{}", "test", clock_.now());
    return merged_id.ok() ? ok_status() : Status{merged_id.error()};
  }
  int made_jobs_ = 0;
};

TEST_P(OneTextPerPerson, AMergeCancelsTheMergedContactsPendingGreetingAndSaysWhy) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(ana);
  greet(also_ana);
  ASSERT_TRUE(merge(ana, also_ana).ok());
  EXPECT_EQ(states(ana), (std::vector<std::string>{"cancelled", "pending"}));
  auto detail = store_->get_lead(ana);
  ASSERT_TRUE(detail.ok());
  bool shown = false;
  for (const auto& waiting : detail->waiting_messages)
    shown |= waiting.state == "cancelled" && waiting.reason == "merged into " + std::to_string(ana);
  EXPECT_TRUE(shown) << "the lead's detail shows the cancelled duplicate and why";
  // A job of the merged-away contact still in flight writes nothing more: it greets the person.
  ingest(manual(R"({"first_name":"Ana","email":"ana.d@example.com","phone":"+15125550177"})", "late"));
  greet(also_ana);
  EXPECT_EQ(states(ana), (std::vector<std::string>{"cancelled", "pending"}));
}

TEST_P(OneTextPerPerson, AGreetingSentToTheMergedContactCountsForThePerson) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(also_ana);
  send_all();
  ASSERT_TRUE(merge(ana, also_ana).ok());
  ingest(manual(R"({"first_name":"Ana","email":"ana@example.com","phone":"+15125550176"})", "again"));
  greet(ana);
  greet(ana);
  EXPECT_EQ(states(ana), (std::vector<std::string>{"sent"})) << "the person was greeted once, as the other contact";
  // Undone, they are two people again: the restored one keeps its greeting, the other may get one.
  ASSERT_TRUE(store_->unmerge_contact(also_ana, clock_.now()).ok());
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"sent"}));
  ingest(manual(R"({"first_name":"Ana","email":"ana@example.com","phone":"+15125550175"})", "after-undo"));
  greet(ana);
  EXPECT_EQ(states(ana), (std::vector<std::string>{"pending"}));
  greet(also_ana);
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"sent"}));
}

TEST_P(OneTextPerPerson, TheKeptContactsUnsentGreetingYieldsToOneAlreadySent) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(also_ana);
  send_all();
  greet(ana);
  ASSERT_TRUE(merge(ana, also_ana).ok());
  EXPECT_EQ(states(ana), (std::vector<std::string>{"cancelled", "sent"}));
  EXPECT_TRUE(store_->claim_outbox("sender", clock_.now(), clock_.now() + std::chrono::seconds(30), 50)->empty());
}

TEST_P(OneTextPerPerson, AnUnmergeLeavesACancelledGreetingCancelled) {
  ContactId ana = person("ana@example.com"), also_ana = person("ana.d@example.com");
  greet(ana);
  greet(also_ana);
  ASSERT_TRUE(merge(ana, also_ana).ok());
  ASSERT_TRUE(store_->unmerge_contact(also_ana, clock_.now()).ok());
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"cancelled"}));
  ingest(manual(R"({"first_name":"Ana","email":"ana.d@example.com","phone":"+15125550174"})", "after-undo"));
  greet(also_ana);
  EXPECT_EQ(states(also_ana), (std::vector<std::string>{"cancelled"})) << "greeted only if neither side ever was";
}

TEST_P(OneTextPerPerson, JobsRacingForOnePersonWriteOneGreeting) {
  ContactId ana = person("ana@example.com");
  for (int i = 0; i < 7; ++i) ingest(manual(R"({"first_name":"Ana","email":"ana@example.com"})", "dup" + std::to_string(i)));
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      for (;;) {
        auto jobs = store_->claim_jobs("w" + std::to_string(w), clock_.now(), clock_.now() + std::chrono::seconds(30), 1);
        if (!jobs.ok() || jobs->empty()) return;
        EXPECT_TRUE(store_->complete_job_with(jobs->front().id, "w" + std::to_string(w), clock_.now(), first_touch(ana)).ok());
      }
    });
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(states(ana), (std::vector<std::string>{"pending"}));
}

// A merge and the jobs writing both contacts' greetings, at the same moment, many times over:
// whoever wins, the person is left with exactly one greeting that may go out.
TEST_P(OneTextPerPerson, AMergeRacingTheGreetingsLeavesOneThatMayGoOut) {
  for (int round = 0; round < 12; ++round) {
    const std::string tag = std::to_string(round);
    ContactId ana = person("ana" + tag + "@example.com"), also_ana = person("ana.d" + tag + "@example.com");
    auto jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 2);
    ASSERT_TRUE(jobs.ok() && jobs->size() == 2u);
    auto write = [&](ContactId contact, const Job& job) {
      EXPECT_TRUE(store_->complete_job_with(job.id, "worker", clock_.now(), first_touch(contact)).ok());
    };
    std::thread first([&] { write(ana, (*jobs)[0]); });
    std::thread second([&] { write(also_ana, (*jobs)[1]); });
    std::thread merger([&] { EXPECT_TRUE(merge(ana, also_ana).ok()); });
    first.join(), second.join(), merger.join();
    std::vector<std::string> rows = states(ana);
    EXPECT_EQ(std::count(rows.begin(), rows.end(), "pending"), 1) << "round " << round;
    EXPECT_TRUE(states(also_ana).empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OneTextPerPerson, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

// #17: GoHighLevel echoes Jorge's own doings; the echo is stored and makes no job. A message
// from a person of the team, or tags a person changed, make one, typed.
TEST_P(StoreConformance, JorgesOwnEchoesMakeNoJobAndOtherEventsAreTyped) {
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

TEST_P(StoreConformance, ModelRegistryActivatesAndRollsBack) {
  SystemTime now = clock_.now();
  EXPECT_EQ(*store_->active_model_version(), "");
  EXPECT_FALSE(store_->active_model()->has_value());
  ModelRecord first{"m-1", "table", "abc", R"({"auc":0.8})", "{\"body\":1}", now, false};
  ModelRecord second{"m-2", "table", "def", R"({"auc":0.9})", "{\"body\":2}", now + std::chrono::seconds(1), false};
  ASSERT_TRUE(store_->add_model(first).ok());
  ASSERT_TRUE(store_->add_model(first).ok());  // the same file again: nothing changes
  ASSERT_TRUE(store_->add_model(second).ok());
  second.body = "other";
  EXPECT_EQ(store_->add_model(second).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->activate_model("nope", now).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->rollback_model(now).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(store_->activate_model("m-1", now).ok());
  ASSERT_TRUE(store_->activate_model("m-2", now).ok());
  EXPECT_EQ(*store_->active_model_version(), "m-2");
  auto active = store_->active_model();
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->body, "{\"body\":2}");
  auto listed = store_->list_models();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().version, "m-2");
  EXPECT_TRUE(listed->front().active);
  EXPECT_FALSE(listed->back().active);
  EXPECT_EQ(*store_->rollback_model(now), "m-1");
  EXPECT_EQ(*store_->active_model_version(), "m-1");
  EXPECT_EQ(*store_->rollback_model(now), "m-2");
}

TEST_P(StoreConformance, KeepsEachScoreWithItsModelVersion) {
  SystemTime now = clock_.now();
  auto outcome = store_->ingest(manual(R"({"email":"s@example.com"})", "scored"), "{}");
  ASSERT_TRUE(outcome.ok());
  ContactId contact = *outcome->contact_id;
  EXPECT_FALSE(store_->latest_lead_score(contact)->has_value());
  ASSERT_TRUE(store_->save_lead_score({contact, "rules-v1", "WARM", 55.5, "[]", "[1,2]", now}).ok());
  ASSERT_TRUE(store_->save_lead_score({contact, "m-2", "HOT", 87.25, R"([{"field":"x"}])", "[3,4]",
                                       now + std::chrono::seconds(5)}).ok());
  auto latest = store_->latest_lead_score(contact);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->model_version, "m-2");
  EXPECT_DOUBLE_EQ((*latest)->score, 87.25);
  EXPECT_EQ((*latest)->quality, "HOT");
  EXPECT_EQ(store_->lead_scores_since(now + std::chrono::seconds(1), 10)->size(), 1u);
  EXPECT_EQ(store_->lead_scores_since(now, 10)->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

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

}  // namespace
}  // namespace jorge::store
