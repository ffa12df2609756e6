// Webhook event -> job -> worker -> outbox -> sender -> a local GoHighLevel server, with a
// real store (SQLite and PostgreSQL) and a manual clock.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "bots/compliance/opt_out.hpp"
#include "bots/first_touch.hpp"
#include "ingest/csv_import/csv_import.hpp"
#include "ingest/ghl/ghl_adapter.hpp"
#include "pipeline/consent.hpp"
#include "pipeline/outbox_sender.hpp"
#include "pipeline/worker.hpp"
#include "support/fake_ghl.hpp"
#include "support/test_env.hpp"
#include "support/test_time.hpp"

namespace jorge::pipeline {
namespace {

using jorge::testing::at;

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
    options.location_id = "kX3pLm9QaR2sT5vW8yZ1";
    options.timeout_ms = 2000;
    ghl_ = std::make_unique<crm::GhlClient>(options);
    queue::QueueOptions queue_options;
    queue_options.warm_delay = queue_options.cold_delay = std::chrono::seconds(0);
    jobs_ = std::make_unique<queue::JobQueue>(*store_, clock_, queue_options, [] { return 0.0; });
    worker_ = std::make_unique<Worker>(*store_, *jobs_, clock_, bots::FirstTouchTemplates{});
    SenderOptions sender_options;
    sender_options.location_id = "kX3pLm9QaR2sT5vW8yZ1";
    sender_options.max_attempts = 3;
    sender_options.owner_user_id = "owner-user-1";
    sender_ = std::make_unique<OutboxSender>(*store_, clock_, *ghl_, limiter_, *jobs_, sender_options);
  }

  void deliver(const std::string& fixture_name) { deliver_body(testing::fixture("ghl/" + fixture_name)); }
  void deliver_body(const std::string& body) {
    auto events = adapter_->parse(body);
    ASSERT_TRUE(events.ok());
    ASSERT_TRUE(store_->ingest(events->front(), "{}", jobs_->plan(Tier::kHot)).ok());
  }

  // By value: a range-for over a member of a temporary Result would dangle.
  std::vector<queue::OutboxMessage> outbox() {
    auto messages = store_->outbox_for_contact(1);
    EXPECT_TRUE(messages.ok());
    return messages.ok() ? *messages : std::vector<queue::OutboxMessage>{};
  }

  // Jobs completed in the last hour of the test's clock.
  int64_t jobs_completed() {
    auto queue = store_->queue_counts(clock_.now() - std::chrono::hours(1));
    EXPECT_TRUE(queue.ok());
    return queue.ok() ? queue->completed_in_window : -1;
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
  for (const auto& message : *outbox) EXPECT_EQ(message.state, OutboxState::kSent);
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
  for (const auto& message : outbox()) blocked = blocked || message.state == OutboxState::kBlocked;
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
  for (const auto& message : outbox()) dead = dead || message.state == OutboxState::kDead;
  EXPECT_TRUE(dead);
}

TEST_P(PipelineTest, SendInterruptedByACrashIsNotSentTwice) {
  deliver("contact_create.json");
  ASSERT_TRUE(worker_->run_once("worker", 10).ok());
  // A sender claims the text, GoHighLevel accepts it, and the sender dies before recording it.
  auto claimed = store_->claim_outbox("crashed", clock_.now(), clock_.now() + std::chrono::seconds(1), 10);
  ASSERT_TRUE(claimed.ok());
  for (const auto& message : *claimed)
    if (message.kind == queue::OutboxKind::kSms) {
      ASSERT_TRUE(store_->mark_outbox_attempt(message.id, "crashed", clock_.now(), clock_.now() + std::chrono::seconds(1)).ok());
      ASSERT_TRUE(ghl_->send_sms(message.external_contact_id, message.payload).ok());
    }
  ASSERT_EQ(fake_.sent_sms_messages().size(), 1u);
  clock_.advance(std::chrono::seconds(2));  // its lease runs out; another sender takes over
  drain();
  EXPECT_EQ(fake_.sent_sms_messages().size(), 1u);
  for (const auto& message : outbox()) EXPECT_EQ(message.state, OutboxState::kSent);
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
    sent = sent || (message.kind == queue::OutboxKind::kSms && message.state == OutboxState::kSent);
  EXPECT_TRUE(sent);
}

// #15: the number texted STOP before Jorge ever wrote; its GoHighLevel contact then arrives.
// Nobody texts it; the owner gets one task to reach the person another way.
TEST_P(PipelineTest, ANewLeadForAnOptedOutNumberIsFlaggedNotTexted) {
  deliver("inbound_message_stop.json");
  deliver("contact_create.json");
  drain();
  deliver("contact_tag_update.json");  // more news of the same person: no second task
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty() ||
              fake_.sent_sms_messages() == std::vector<std::string>{std::string(bots::kStopConfirmation)});
  const auto tasks = fake_.tasks();
  std::string states;
  for (const auto& message : outbox())
    states += std::string(queue::outbox_kind_name(message.kind)) + ":" + std::string(outbox_state_name(message.state)) + ":" + message.last_error + " ";
  ASSERT_EQ(tasks.size(), 1u) << states;
  EXPECT_EQ(tasks[0]["contactId"], "Hq7RtY2uIo9PaS4dF6gJ");
  EXPECT_EQ(tasks[0]["assignedTo"], "owner-user-1");
  EXPECT_EQ(tasks[0]["completed"], false);
  EXPECT_NE(tasks[0]["title"].get<std::string>().find("opted out"), std::string::npos);
}

// #15: the opt-out belongs to the number. Maria opts out, then changes her number in
// GoHighLevel; a new contact of another person gets her old number: nobody texts the old
// number, and the new contact is flagged instead.
TEST_P(PipelineTest, AnOptOutStaysWithTheNumberThroughAPhoneChange) {
  clock_.set(at("2026-11-29T05:00:00Z"));  // night: nothing is sent before the STOP is in
  deliver("contact_create.json");
  drain();
  deliver("inbound_message_stop.json");
  auto moved = nlohmann::json::parse(testing::fixture("ghl/contact_create.json"));
  moved["type"] = "ContactUpdate";
  moved["webhookId"] = "maria-new-number";
  moved["phone"] = "+15125550177";
  deliver_body(moved.dump());
  auto priya = nlohmann::json::parse(testing::fixture("ghl/contact_create.json"));
  priya["id"] = "PriyaHasTheOldNumber";
  priya["webhookId"] = "priya-create";
  priya["firstName"] = "Priya";
  priya["lastName"] = "Raman";
  priya["name"] = "Priya Raman";
  priya["email"] = "priya@example.com";
  deliver_body(priya.dump());  // Maria's old number, +15125550123
  clock_.set(at("2026-11-30T16:00:00Z"));  // Monday 10:00 in Austin: the window is open
  drain();
  for (size_t i = 0; i < fake_.sent_sms_contacts().size(); ++i)
    EXPECT_EQ(fake_.sent_sms_messages()[i], bots::kStopConfirmation) << "only the confirmation: " << fake_.sent_sms_messages()[i];
  bool flagged = false;
  for (const auto& task : fake_.tasks()) flagged |= task["contactId"] == "PriyaHasTheOldNumber";
  EXPECT_TRUE(flagged) << "a new contact for an opted-out number is flagged to the owner";
}

// #15: Florida allows three texts Jorge initiates in 24 hours; the fourth waits its turn.
TEST_P(PipelineTest, FloridaGetsAtMostThreeInitiatedTextsInADay) {
  auto body = nlohmann::json::parse(testing::fixture("ghl/contact_create.json"));
  body["state"] = "FL";
  body["postalCode"] = "33101";
  deliver_body(body.dump());
  drain();  // the greeting: one
  ASSERT_EQ(fake_.sent_sms_messages().size(), 1u);
  // Three follow-ups, as the bots will write them.
  for (int n = 1; n <= 3; ++n) {
    auto update = nlohmann::json::parse(testing::fixture("ghl/contact_tag_update.json"));
    update["webhookId"] = "update-" + std::to_string(n);
    update["type"] = "ContactUpdate";  // a tag update of Jorge's own tags would be its echo: no job
    update["state"] = "FL";
    update["postalCode"] = "33101";
    deliver_body(update.dump());
  }
  auto jobs = store_->claim_jobs("worker", clock_.now(), clock_.now() + std::chrono::seconds(30), 10);
  ASSERT_TRUE(jobs.ok());
  int n = 0;
  for (const auto& job : *jobs) {
    store::JobEffects effects;
    queue::OutboxMessage text;
    text.contact_id = 1;
    text.payload = "Still looking? Follow-up " + std::to_string(++n);
    text.purpose = "follow-up:" + std::to_string(n);
    effects.messages.push_back(text);
    ASSERT_TRUE(store_->complete_job_with(job.id, "worker", clock_.now(), effects).ok());
  }
  drain();
  EXPECT_EQ(fake_.sent_sms_messages().size(), 3u);
  std::string reason;
  for (const auto& message : outbox())
    if (message.state == OutboxState::kPending) reason = message.last_error;
  EXPECT_EQ(reason, "Florida: at most 3 texts in 24 hours");
  clock_.advance(std::chrono::hours(24));
  drain();
  EXPECT_EQ(fake_.sent_sms_messages().size(), 4u);
}

// #15, the invariant as a property: random interleavings of new contacts, inbound messages
// (STOP in words, START, chatter), merges, unmerges, crashed workers and senders, and the
// passing of time. No text other than the STOP confirmation or the HELP answer ever reaches a
// number after its opt-out was acknowledged (until an acknowledged START).
TEST_P(PipelineTest, NoTextEverReachesANumberAfterItsOptOutWasAcknowledged) {
  std::vector<std::string> phones;  // few enough that numbers are shared and STOPs meet greetings
  for (int n = 150; n < 165; ++n) phones.push_back("+15125550" + std::to_string(n));
  const char* kBodies[] = {"STOP", "stop texting me", "Unsubscribe. I sold it.", "START", "hi, is it still for sale?",
                           "HELP", "no más"};
  std::map<std::string, std::string> phone_of;                          // GoHighLevel contact id -> its number
  std::map<std::string, std::vector<std::pair<size_t, bool>>> consent;  // number -> (texts sent by then, opted out)
  size_t opt_outs = 0;
  for (unsigned seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
    std::vector<std::string> ids;
    int serial = 0;
    for (int step = 0; step < 150; ++step) {
      const size_t action = pick(10);
      if (action < 2 || ids.empty()) {  // a new GoHighLevel contact
        auto body = nlohmann::json::parse(testing::fixture("ghl/contact_create.json"));
        const std::string id = "prop" + std::to_string(seed) + "x" + std::to_string(++serial);
        body["id"] = id;
        body["webhookId"] = "create-" + id;
        body["phone"] = phones[pick(phones.size())];
        body["email"] = id + "@example.com";
        body["firstName"] = pick(2) ? "Maria" : "Darnell";  // namesakes on one number join; others stay apart
        phone_of[id] = body["phone"];
        ids.push_back(id);
        deliver_body(body.dump());
      } else if (action < 5) {  // an inbound message from a contact's number
        const std::string id = ids[pick(ids.size())];
        const std::string text = kBodies[pick(std::size(kBodies))];
        auto body = nlohmann::json::parse(testing::fixture("ghl/inbound_message_stop.json"));
        body["webhookId"] = "in-" + std::to_string(seed) + "x" + std::to_string(++serial);
        body["messageId"] = "Mg-" + std::to_string(seed) + "x" + std::to_string(serial);
        body["contactId"] = id;
        body["from"] = phone_of[id];
        body["body"] = text;
        body["dateAdded"] = format_iso8601(clock_.now());
        deliver_body(body.dump());  // acknowledged: the ingest returned
        const bots::InboundKeyword keyword = bots::classify_inbound(text);
        if (keyword == bots::InboundKeyword::kOptOut || keyword == bots::InboundKeyword::kOptIn)
          consent[phone_of[id]].push_back({fake_.sent_sms_messages().size(), keyword == bots::InboundKeyword::kOptOut});
        opt_outs += keyword == bots::InboundKeyword::kOptOut;
      } else if (action == 5) {  // a merge, or undoing one
        ContactId a = static_cast<ContactId>(1 + pick(static_cast<size_t>(serial))),
                  b = static_cast<ContactId>(1 + pick(static_cast<size_t>(serial)));
        if (pick(2)) (void)store_->merge_contacts(a, b, 1.0, "{}", "test", clock_.now());
        else (void)store_->unmerge_contact(a, clock_.now());
      } else if (action == 6) {  // a worker or a sender dies holding its claims
        if (pick(2)) (void)store_->claim_jobs("crashed", clock_.now(), clock_.now() + std::chrono::seconds(5), 3);
        else (void)store_->claim_outbox("crashed", clock_.now(), clock_.now() + std::chrono::seconds(5), 3);
      } else if (action == 7) {
        clock_.advance(std::chrono::seconds(1 + pick(20)));
      } else {
        ASSERT_TRUE(worker_->run_once("worker", 10).ok());
        ASSERT_TRUE(sender_->run_once("sender", 10).ok());
      }
    }
    clock_.advance(std::chrono::minutes(5));  // every crashed claim's lease is over
    drain();
    const auto texts = fake_.sent_sms_messages();
    const auto to = fake_.sent_sms_contacts();
    for (size_t i = 0; i < texts.size(); ++i) {
      if (texts[i] == bots::kStopConfirmation || texts[i].find("Reply STOP to opt out") != std::string::npos) continue;
      const std::string number = phone_of.count(to[i]) ? phone_of[to[i]] : "";
      bool opted_out = false;  // as acknowledged before this text left
      for (const auto& [sent_before, out] : consent[number])
        if (sent_before <= i) opted_out = out;
      EXPECT_FALSE(opted_out) << "text " << i << " to " << to[i] << " after its number opted out: " << texts[i];
    }
  }
  // Not vacuous: people were greeted, opted out and back in along the way.
  EXPECT_GE(fake_.sent_sms_messages().size(), 10u);
  EXPECT_GE(opt_outs, 10u);
}

// #17: a person of the team already wrote to the lead from GoHighLevel: Jorge does not greet
// them after the fact; the lead is still scored.
TEST_P(PipelineTest, NoGreetingAfterSomeoneOfTheTeamWrote) {
  deliver("outbound_message_sms.json");
  deliver("contact_create.json");
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
  EXPECT_EQ(jobs_completed(), 2) << "not vacuous: both jobs ran to completion";
}

TEST_P(PipelineTest, LeadWithoutPhoneGetsNoText) {
  deliver("contact_create_no_phone.json");
  drain();
  EXPECT_TRUE(fake_.sent_sms_messages().empty());
  // Not vacuous (#17): the lead's job ran to completion and wrote nothing to send.
  EXPECT_EQ(jobs_completed(), 1);
  EXPECT_TRUE(outbox().empty());
}

// #14: an open-house sheet whose "Buying or Selling" column says the visitor sells gets the
// Seller Bot's first question, a buyer the buyer greeting.
TEST_P(PipelineTest, AnImportedSellerGetsTheSellerGreeting) {
  const std::vector<std::string> header = {"Name", "Mobile", "Buying or Selling"};
  const auto mapping = ingest::propose_mapping(header);
  EXPECT_EQ(mapping[2], "role");
  for (const auto& row : std::vector<std::vector<std::string>>{{"Ana Ruiz", "(512) 555-0171", "Selling"},
                                                               {"Bo Lee", "(512) 555-0172", "buying"}}) {
    auto event = ingest::import_row("open_house", header, mapping, row, clock_.now());
    ASSERT_TRUE(event.ok()) << event.error().message;
    ASSERT_TRUE(store_->ingest(*event, "{}", jobs_->plan(Tier::kWarm)).ok());
  }
  drain();
  auto texts = fake_.sent_sms_messages();
  ASSERT_EQ(texts.size(), 2u);
  std::sort(texts.begin(), texts.end());
  EXPECT_NE(texts[0].find("Ana, Jorge here with the Rivera Team. Got your request about selling."), std::string::npos)
      << texts[0];
  EXPECT_EQ(texts[1].find("selling"), std::string::npos) << texts[1];
  for (const auto& text : texts) EXPECT_LE(text.size(), 160u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PipelineTest, ::testing::Values(testing::Backend::kSqlite, testing::Backend::kPostgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace jorge::pipeline
