// #17: the ingest and merge transactions, failing at every step in turn (SQLite's own way of
// testing): after each failure nothing is half-written, and doing it again succeeds with the
// same result as a run that never failed. Both backends, through the real databases.
#include <gtest/gtest.h>

#include "ingest/ghl/ghl_adapter.hpp"
#include "store/internal/sql_store.hpp"
#include "store/postgres/postgres_session.hpp"
#include "store/sqlite/sqlite_session.hpp"
#include "support/faulty_session.hpp"
#include "support/test_env.hpp"

namespace jorge::store {
namespace {

using testing::Backend;

class TransactionFaults : public ::testing::TestWithParam<Backend> {
 protected:
  // A fresh database and a store whose every session fails as `plan_` says.
  bool open_fresh() {
    store_.reset();
    dirs_.push_back(std::make_unique<testing::TempDir>());
    const std::string url = testing::fresh_database(GetParam(), *dirs_.back());
    if (url.empty()) return false;
    const bool sqlite = GetParam() == Backend::kSqlite;
    const std::string target = sqlite ? url.substr(std::string("sqlite://").size()) : url;
    internal::SessionFactory factory = [this, sqlite, target]() -> Result<std::unique_ptr<internal::SqlSession>> {
      auto real = sqlite ? internal::open_sqlite_session(target) : internal::open_postgres_session(target);
      if (!real.ok()) return real.error();
      return testing::faulty_session(std::move(real).value(), plan_);
    };
    StoreOptions options;
    // As jorge serve reads them (pipeline/consent.hpp), for the words these tests send.
    options.classify_inbound = [](std::string_view body) {
      return body == "STOP" ? ConsentKeyword::kOptOut : ConsentKeyword::kNone;
    };
    options.writer_threads = 1;
    auto opened = internal::open_sql_store(sqlite ? internal::Backend::kSqlite : internal::Backend::kPostgres, factory,
                                           clock_, options);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    if (!opened.ok()) return false;
    store_ = std::move(opened).value();
    return true;
  }

  InboundEvent ghl(const std::string& fixture_name) {
    auto events = adapter_->parse(testing::fixture("ghl/" + fixture_name));
    EXPECT_TRUE(events.ok());
    return events->front();
  }

  // Everything a person can see of the store: counts, and each contact as its detail shows it.
  std::string snapshot() {
    auto counts = store_->counts();
    EXPECT_TRUE(counts.ok());
    std::string out = std::to_string(counts->events) + "/" + std::to_string(counts->contacts) + "/" +
                      std::to_string(counts->leads) + "/" + std::to_string(counts->interactions) + "/" +
                      std::to_string(counts->jobs);
    for (ContactId id = 1; id <= counts->contacts + 1; ++id) {
      auto lead = store_->get_lead(id);
      if (!lead.ok()) continue;
      out += " | " + std::to_string(id) + ":" + lead->summary.full_name + ":" + lead->summary.phone + ":" +
             std::string(stage_name(lead->summary.stage)) + ":optout=" + std::to_string(lead->sms_opt_out) +
             ":records=" + std::to_string(lead->records.size()) + ":messages=" + std::to_string(lead->interactions.size()) +
             ":outbox=" + std::to_string(lead->waiting_messages.size()) +
             ":history=" + std::to_string(lead->stage_history.size()) + ":merged=" + std::to_string(lead->summary.sources.size());
    }
    return out;
  }

  std::vector<std::unique_ptr<testing::TempDir>> dirs_;
  testing::FaultPlan plan_;
  ManualClock clock_{from_unix_millis(1'795'000'000'000)};
  std::unique_ptr<Store> store_;
  std::unique_ptr<ingest::SourceAdapter> adapter_ = ingest::make_ghl_adapter({});
};

TEST_P(TransactionFaults, AnIngestFailingAtAnyStepWritesNothingAndSucceedsWhenRetried) {
  // A person, their STOP (consent, a blocked text, the confirmation, the tag), a deal won.
  const std::vector<std::string> events = {"contact_create.json", "inbound_message_stop.json",
                                           "opportunity_status_update_won.json"};
  for (size_t e = 0; e < events.size(); ++e) {
    int failures = 0;
    for (int step = 1;; ++step) {
      if (!open_fresh()) GTEST_SKIP() << testing::kNoPostgres;
      for (size_t before = 0; before < e; ++before) ASSERT_TRUE(store_->ingest(ghl(events[before]), "{}").ok());
      const std::string untouched = snapshot();
      plan_.arm(step);
      auto outcome = store_->ingest(ghl(events[e]), "{}");
      plan_.disarm();
      if (outcome.ok()) break;  // past the transaction's last step: nothing left to fail
      ++failures;
      EXPECT_EQ(snapshot(), untouched) << events[e] << " failing at step " << step << " left something half-written";
      ASSERT_TRUE(store_->ingest(ghl(events[e]), "{}").ok()) << events[e] << " retried after step " << step;
      EXPECT_EQ(store_->ingest(ghl(events[e]), "{}")->duplicate, true);
    }
    EXPECT_GE(failures, 3) << events[e] << ": the transaction has more steps than that";
  }
}

TEST_P(TransactionFaults, AMergeFailingAtAnyStepLeavesBothContactsAsTheyWere) {
  std::string reference;
  int failures = 0;
  for (int step = 1;; ++step) {
    if (!open_fresh()) GTEST_SKIP() << testing::kNoPostgres;
    ASSERT_TRUE(store_->ingest(ghl("contact_create.json"), "{}").ok());
    InboundEvent other = ghl("contact_create.json");
    other.idempotency_key = "other";
    other.contact->external_id = "AnotherIdOfMaria0001";
    other.contact->email = "maria.d@example.com";
    other.contact->phone = *Phone::parse("+15125550177");
    ASSERT_TRUE(store_->ingest(other, "{}").ok());
    ASSERT_TRUE(store_->ingest(ghl("inbound_message_sms.json"), "{}").ok());
    const std::string untouched = snapshot();
    plan_.arm(step);
    auto merged = store_->merge_contacts(1, 2, 1.0, "{}", "test", clock_.now());
    plan_.disarm();
    if (merged.ok()) {
      if (reference.empty()) reference = snapshot();
      break;
    }
    ++failures;
    EXPECT_EQ(snapshot(), untouched) << "a merge failing at step " << step << " left something half-written";
    ASSERT_TRUE(store_->merge_contacts(1, 2, 1.0, "{}", "test", clock_.now()).ok()) << "retried after step " << step;
    if (reference.empty()) reference = snapshot();
    EXPECT_EQ(snapshot(), reference) << "after a failure at step " << step;
  }
  EXPECT_GE(failures, 10) << "a merge has more steps than that";
}

// #17: a delivery whose transaction fails in a way that would come back every time (data the
// database refuses) is kept as it came, marked unprocessable, and reported stored, so the source
// stops retrying; nothing else is written, and a redelivery is a duplicate.
TEST_P(TransactionFaults, ADeliveryThatCanNeverBeStoredIsKeptAsItCameAndNotRetried) {
  if (!open_fresh()) GTEST_SKIP() << testing::kNoPostgres;
  plan_.arm(3, ErrorCode::kInvalidArgument);
  auto outcome = store_->ingest(ghl("contact_create.json"), R"({"as":"sent"})");
  plan_.disarm();
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_TRUE(outcome->unprocessable);
  EXPECT_GT(outcome->event_id, 0);
  EXPECT_FALSE(outcome->contact_id);
  EXPECT_EQ(snapshot(), "1/0/0/0/0");  // the raw delivery alone: no contact, record or job
  EXPECT_TRUE(*store_->has_event("ghl", ghl("contact_create.json").idempotency_key));
  auto again = store_->ingest(ghl("contact_create.json"), "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  // A passing fault is still "try again": nothing kept, the sender retries.
  plan_.arm(3, ErrorCode::kUnavailable);
  auto busy = store_->ingest(ghl("inbound_message_sms.json"), "{}");
  plan_.disarm();
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(snapshot(), "1/0/0/0/0");
}

INSTANTIATE_TEST_SUITE_P(Backends, TransactionFaults, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace jorge::store
