// One suite, run unchanged on SQLite and on a real PostgreSQL server.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <future>
#include <thread>

#include "ingest/ghl/ghl_adapter.hpp"
#include "ingest/manual/manual_lead.hpp"
#include "store/store.hpp"
#include "support/test_env.hpp"

namespace jorge::store {
namespace {

enum class Backend { kSqlite, kPostgres };

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      if (testing::postgres_admin_url().empty()) GTEST_SKIP() << "JORGE_TEST_POSTGRES_URL not set (make test sets it)";
      url_ = testing::fresh_postgres_database();
    } else {
      url_ = "sqlite://" + dir_.file("jorge.db");
    }
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
        store_->ingest_async(manual(body, key), body,
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

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
