// Webhook event -> job -> worker -> outbox -> sender -> a local GoHighLevel server, with a
// real store (SQLite and PostgreSQL) and a manual clock.
#include <gtest/gtest.h>

#include <thread>

#include "ingest/ghl/ghl_adapter.hpp"
#include "pipeline/consent.hpp"
#include "pipeline/outbox_sender.hpp"
#include "pipeline/worker.hpp"
#include "support/fake_ghl.hpp"
#include "support/test_env.hpp"

namespace jorge::pipeline {
namespace {

SystemTime at(const char* iso) {
  SystemTime time;
  EXPECT_TRUE(parse_iso8601(iso, time));
  return time;
}

// Every case on SQLite and on a real PostgreSQL server.
class PipelineTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    const std::string database = testing::fresh_database(GetParam(), dir_);
    if (database.empty()) GTEST_SKIP() << testing::kNoPostgres;
    store::StoreOptions store_options;
    store_options.classify_inbound = consent_classifier();  // as jorge serve opens it: STOP read as stored
    store_ = std::move(store::open_store(database, clock_, store_options)).value();
    crm::GhlClientOptions options;
    options.base_url = fake_.url();
    options.token = "test-token";
    options.timeout_ms = 2000;
    ghl_ = std::make_unique<crm::GhlClient>(options);
    queue::QueueOptions queue_options;
    queue_options.warm_delay = queue_options.cold_delay = std::chrono::seconds(0);
    jobs_ = std::make_unique<queue::JobQueue>(*store_, clock_, queue_options, [] { return 0.0; });
    worker_ = std::make_unique<Worker>(*store_, *jobs_, clock_, bots::FirstTouchTemplates{});
    SenderOptions sender_options;
    sender_options.location_id = "kX3pLm9QaR2sT5vW8yZ1";
    sender_options.max_attempts = 3;
    sender_ = std::make_unique<OutboxSender>(*store_, clock_, *ghl_, limiter_, *jobs_, sender_options);
  }

  void deliver(const std::string& fixture_name) {
    auto events = adapter_->parse(testing::fixture("ghl/" + fixture_name));
    ASSERT_TRUE(events.ok());
    ASSERT_TRUE(store_->ingest(events->front(), "{}", jobs_->plan(scoring::Tier::kHot)).ok());
  }

  // By value: a range-for over a member of a temporary Result would dangle.
  std::vector<store::OutboxMessage> outbox() {
    auto messages = store_->outbox_for_contact(1);
    EXPECT_TRUE(messages.ok());
    return messages.ok() ? *messages : std::vector<store::OutboxMessage>{};
  }

  void drain() {
    for (int round = 0; round < 5; ++round) {
      ASSERT_TRUE(worker_->run_once("worker", 50).ok());
      ASSERT_TRUE(sender_->run_once("sender", 50).ok());
    }
  }

  testing::TempDir dir_;
  ManualClock clock_{at("2026-11-25T16:00:00Z")};  // Wednesday 10:00 in Austin
  testing::FakeGhl fake_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crm::GhlClient> ghl_;
  crm::RateLimiter limiter_{clock_, 100, std::chrono::seconds(10), 10};
  std::unique_ptr<queue::JobQueue> jobs_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<OutboxSender> sender_;
  std::unique_ptr<ingest::SourceAdapter> adapter_ = ingest::make_ghl_adapter({});
};

}  // namespace

TEST_P(PipelineTest, NewLeadGetsExactlyOneFirstTouchText) {
  deliver("contact_create.json");
  drain();
  deliver("contact_tag_update.json");  // more news about the same person: no second first touch
  drain();
  auto texts = fake_.sent_sms_messages();
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_NE(texts[0].find("Jorge here with the Rivera Team"), std::string::npos) << texts[0];
  EXPECT_LE(texts[0].size(), 160u);
  auto outbox = store_->outbox_for_contact(1);
  ASSERT_EQ(outbox->size(), 2u);  // the SMS and the tier tag
  for (const auto& message : *outbox) EXPECT_EQ(message.state, "sent");
}

TEST_P(PipelineTest, TexasLeadAtElevenSaturdayNightIsTextedSundayNoon) {
  clock_.set(at("2026-11-29T05:00:00Z"));  // Saturday 23:00 in Austin
  deliver("contact_create.json");
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
  clock_.advance(std::chrono::hours(12));  // Sunday 11:00: still too early on a Sunday
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
  clock_.advance(std::chrono::hours(1));  // Sunday noon
  drain();
  EXPECT_EQ(fake_.sent_sms_messages().size(), 1u);
}

TEST_P(PipelineTest, OptedOutContactGetsNothingEver) {
  clock_.set(at("2026-11-29T05:00:00Z"));  // the first touch waits for the morning...
  deliver("contact_create.json");
  drain();
  deliver("inbound_message_stop.json");  // ...and the person texts STOP before it goes out
  drain();
  clock_.advance(std::chrono::hours(24));
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
  EXPECT_TRUE(store_->get_lead(1)->sms_opt_out);
  bool blocked = false;
  for (const auto& message : outbox()) blocked = blocked || message.state == "blocked";
  EXPECT_TRUE(blocked);
}

TEST_P(PipelineTest, ThrottledAndFailingGoHighLevelStillGetsTheTextOnce) {
  fake_.fail_next(1, 429, 2);
  fake_.fail_next(1, 500);
  deliver("contact_create.json");
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
  clock_.advance(std::chrono::seconds(2));  // Retry-After
  drain();
  clock_.advance(std::chrono::seconds(2));  // backoff after the 500
  drain();
  clock_.advance(std::chrono::seconds(10));
  drain();
  EXPECT_EQ(fake_.sent_sms_messages().size(), 1u);
}

TEST_P(PipelineTest, RejectedMessageBecomesDeadNotRetriedForever) {
  fake_.fail_next(2, 422);
  deliver("contact_create.json");
  drain();
  clock_.advance(std::chrono::minutes(10));
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
  bool dead = false;
  for (const auto& message : outbox()) dead = dead || message.state == "dead";
  EXPECT_TRUE(dead);
}

TEST_P(PipelineTest, SendInterruptedByACrashIsNotSentTwice) {
  deliver("contact_create.json");
  ASSERT_TRUE(worker_->run_once("worker", 10).ok());
  // A sender claims the text, GoHighLevel accepts it, and the sender dies before recording it.
  auto claimed = store_->claim_outbox("crashed", clock_.now(), clock_.now() + std::chrono::seconds(1), 10);
  ASSERT_TRUE(claimed.ok());
  for (const auto& message : *claimed)
    if (message.kind == store::OutboxKind::kSms) {
      ASSERT_TRUE(store_->mark_outbox_attempt(message.id, "crashed", clock_.now(), clock_.now() + std::chrono::seconds(1)).ok());
      ASSERT_TRUE(ghl_->send_sms(message.external_contact_id, message.payload).ok());
    }
  ASSERT_EQ(fake_.sent_sms_messages().size(), 1u);
  clock_.advance(std::chrono::seconds(2));  // its lease runs out; another sender takes over
  drain();
  EXPECT_EQ(fake_.sent_sms_messages().size(), 1u);
  for (const auto& message : outbox()) EXPECT_EQ(message.state, "sent");
}

TEST_P(PipelineTest, AnswerTooSlowToArriveIsNotSentTwice) {
  ghl_ = std::make_unique<crm::GhlClient>(crm::GhlClientOptions{fake_.url(), "test-token", "loc1", 300});
  SenderOptions options;
  options.location_id = "loc1";
  sender_ = std::make_unique<OutboxSender>(*store_, clock_, *ghl_, limiter_, *jobs_, options);
  fake_.delay_next(1, std::chrono::milliseconds(900));  // GoHighLevel sends, but we time out first
  deliver("contact_create.json");
  drain();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the late answer comes and goes
  clock_.advance(std::chrono::minutes(1));
  drain();
  EXPECT_EQ(fake_.sent_sms_messages().size(), 1u);
  bool sent = false;
  for (const auto& message : outbox())
    sent = sent || (message.kind == store::OutboxKind::kSms && message.state == "sent");
  EXPECT_TRUE(sent);
}

TEST_P(PipelineTest, LeadWithoutPhoneGetsNoText) {
  deliver("contact_create_no_phone.json");
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, PipelineTest, ::testing::Values(testing::Backend::kSqlite, testing::Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace jorge::pipeline
