// #19: conversations live over GoHighLevel, through the real binary and the local GoHighLevel
// server, on both backends: an inbound text gets one reply, quick messages one answer, STOP one
// confirmation and nothing after, a person of the team puts the bot to sleep, a redelivery
// changes nothing, a handoff leaves tags, a task and a note, and pause/resume work.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <thread>

#include "support/fake_ghl.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

using nlohmann::json;

constexpr const char* kMaria = "Hq7RtY2uIo9PaS4dF6gJ";  // contact_create.json, inbound_message_sms.json

class ConversationEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    config_.directory = dir_.path();
    config_.database = fresh_database(GetParam(), dir_);
    if (config_.database.empty()) GTEST_SKIP() << kNoPostgres;
    config_path_ = write_server_config(config_);
  }

  // `clock_start`: the server's clock starts there (a later start is days passing).
  void start(int reply_delay_seconds = 0, const std::string& clock_start = "") {
    server_.reset();
    server_ = std::make_unique<ServerProcess>(config_path_, env_of(reply_delay_seconds, clock_start));
    ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  }

  std::map<std::string, std::string> env_of(int reply_delay_seconds, const std::string& clock_start = "") {
    std::map<std::string, std::string> env{{"JORGE_GHL_API_TOKEN", "test-location-token"},
                                                         {"JORGE_GHL_API_BASE_URL", ghl_.url()},
                                                         {"JORGE_GHL_LOCATION_ID", "kX3pLm9QaR2sT5vW8yZ1"},
                                                         {"JORGE_QUEUE_WARM_DELAY", "0"},
                                                         {"JORGE_QUEUE_COLD_DELAY", "0"},
                                                         {"JORGE_QUEUE_RETRY_BASE_MS", "100"},
                                                         {"JORGE_COMPLIANCE_QUIET_HOURS", "off"},
                                                         {"JORGE_BOTS_REPLY_DELAY", std::to_string(reply_delay_seconds)},
                                                         {"JORGE_TEAM_OWNER_USER_ID", "uOwner0000000000001"}};
    if (!clock_start.empty()) env["JORGE_CLOCK_START"] = clock_start;
    for (const auto& [name, value] : extra_env_) env[name] = value;
    return env;
  }

  crm::HttpReply call(const std::string& method, const std::string& path) {
    auto reply = client_.request(method, server_->url() + path,
                                 {{"Authorization", "Bearer " + config_.api_token}, {"Content-Type", "application/json"}});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }

  void webhook(const std::string& body, const ServerProcess* server = nullptr) {
    auto reply = post_signed(client_, (server ? server : server_.get())->url(), body);
    ASSERT_TRUE(reply.ok());
    ASSERT_EQ(reply->status, 200) << reply->body;
  }

  // Maria texts `text` as message `id` (a new webhook delivery each time unless `webhook_id`).
  void inbound(const std::string& id, const std::string& text, const std::string& webhook_id = "",
               const ServerProcess* server = nullptr, const std::string& contact = kMaria) {
    json body = json::parse(fixture("ghl/inbound_message_sms.json"));
    body["contactId"] = contact;
    body["messageId"] = id;
    body["webhookId"] = webhook_id.empty() ? "wh-" + id : webhook_id;
    body["body"] = text;
    webhook(body.dump(), server);
  }

  // Until every job ran and no message waits in the outbox (sent, blocked or cancelled).
  void drain() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      json status = json::parse(call("GET", "/api/v1/queue/status").body, nullptr, false);
      if (status["depth"] == 0 && status["outbox"]["pending"] == 0) return;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << status.dump();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Maria exists (her ContactCreate) and got her greeting; the texts after it are the bot's.
  int64_t maria() {
    json body = json::parse(fixture("ghl/contact_create.json"));
    webhook(body.dump());
    drain();
    json leads = json::parse(call("GET", "/api/v1/leads").body);
    return leads["leads"][0]["id"].get<int64_t>();
  }

  // Another person, as GoHighLevel creates them: their own id, name, number and e-mail.
  int64_t contact(const std::string& ghl_id, const std::string& first_name, const std::string& phone) {
    json body = json::parse(fixture("ghl/contact_create.json"));
    body["webhookId"] = "wh-create-" + ghl_id;
    body["id"] = ghl_id;
    body["firstName"] = first_name;
    body["name"] = first_name + " Brooks";
    body["lastName"] = "Brooks";
    body["email"] = first_name + ".brooks@example.com";
    body["phone"] = phone;
    body["tags"] = json::array({"zillow"});
    body["customFields"] = json::array();
    body.erase("assignedTo");  // no agent of their own: tasks go to the team's owner
    webhook(body.dump());
    drain();
    const json leads = json::parse(call("GET", "/api/v1/leads").body);
    for (const auto& lead : leads["leads"])
      if (lead["phone"] == phone) return lead["id"].get<int64_t>();
    ADD_FAILURE() << "no lead with the number of " << first_name << ": " << leads.dump();
    return 0;
  }

  // The lead texts each line in turn and waits for the answer.
  void converse(std::initializer_list<const char*> lines, const std::string& contact = kMaria) {
    for (const char* line : lines) {
      inbound("msg-" + contact.substr(0, 4) + "-" + std::to_string(++messages_), line, "", nullptr, contact);
      drain();
    }
  }

  std::vector<std::string> texts() const { return ghl_.sent_sms_messages(); }
  std::string all_texts() const {
    std::string out;
    for (const auto& text : texts()) out += text + "\n";
    return out;
  }
  json conversation(int64_t contact) {
    return json::parse(call("GET", "/api/v1/conversations/" + std::to_string(contact)).body, nullptr, false);
  }

  TempDir dir_;
  ServerConfig config_;
  std::string config_path_;
  FakeGhl ghl_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
  std::map<std::string, std::string> extra_env_;
  int messages_ = 0;
};

// #19 booking: the team's calendar, and the day the conversations happen (Thursday 2026-12-03,
// 10:00 in Austin).
constexpr const char* kCalendar = "calJorge000000000001";
constexpr const char* kThursdayMorning = "2026-12-03T16:00:00Z";

class BookingEndToEnd : public ConversationEndToEnd {
 protected:
  void SetUp() override {
    ConversationEndToEnd::SetUp();
    extra_env_["JORGE_TEAM_CALENDAR_ID"] = kCalendar;
  }

  json booking_turn(int64_t id) {
    const json view = conversation(id);
    for (const auto& turn : view["turns"])
      if (turn["kind"] == "booking") return turn["detail"];
    return json();
  }
};

TEST_P(BookingEndToEnd, ABuyerGoesFromTheGreetingToABookedCall) {
  ghl_.set_free_slots({"2026-12-04T14:00:00-06:00", "2026-12-04T15:00:00-06:00", "2026-12-05T10:00:00-06:00"});
  start(0, kThursdayMorning);
  const int64_t id = maria();
  ASSERT_EQ(texts().size(), 1u) << all_texts();  // the greeting
  converse({"we're buying, need to move in the next 30 days", "around 425k", "yes, pre-approved with Chase for 440"});
  ASSERT_EQ(conversation(id)["state"], "handed_off") << all_texts();
  ASSERT_NE(texts().back().find("What time works"), std::string::npos) << all_texts();
  const size_t asked = texts().size();
  converse({"tomorrow at 3 works"});
  ASSERT_EQ(ghl_.appointments().size(), 1u) << all_texts();
  const json appointment = ghl_.appointments()[0];
  EXPECT_EQ(appointment["calendarId"], kCalendar);
  EXPECT_EQ(appointment["contactId"], kMaria);
  EXPECT_EQ(appointment["startTime"], "2026-12-04T15:00:00-06:00");  // the free slot as listed
  ASSERT_EQ(texts().size(), asked + 1) << all_texts();
  EXPECT_EQ(texts().back(), "Booked: Fri Dec 4 at 3pm, your time. Jorge will call you then.");
  EXPECT_EQ(booking_turn(id)["outcome"], "booked") << conversation(id).dump();
  // Booked: the bot leaves the rest to the agent; nothing is booked twice.
  converse({"great, thanks. can I bring my wife on the call?"});
  EXPECT_EQ(texts().size(), asked + 1) << all_texts();
  EXPECT_EQ(ghl_.appointments().size(), 1u);
  const std::string metrics = client_.request("GET", server_->url() + "/metrics", {})->body;
  EXPECT_NE(metrics.find("jorge_bot_bookings 1"), std::string::npos) << metrics;
}

TEST_P(BookingEndToEnd, ASellerWhoseSlotVanishesIsOfferedTwoOthersAndBooksTheSecond) {
  constexpr const char* kDana = "Dn4BrK8sLm2QwE6rT9yU";
  ghl_.set_free_slots({"2026-12-04T16:00:00-06:00", "2026-12-05T09:30:00-06:00", "2026-12-05T11:00:00-06:00",
                       "2026-12-08T10:00:00-06:00"},
                      /*vanishing=*/{"2026-12-05T09:30:00-06:00"});
  start(0, kThursdayMorning);
  const int64_t id = contact(kDana, "Dana", "+15125550188");
  converse({"we want to sell our house, going through a divorce", "within 60 days", "needs some paint and carpet but solid",
            "at least 390k"},
           kDana);
  ASSERT_EQ(conversation(id)["state"], "handed_off") << all_texts();
  ASSERT_NE(texts().back().find("What time works"), std::string::npos) << all_texts();
  ASSERT_EQ(ghl_.tasks().size(), 1u);
  EXPECT_EQ(ghl_.tasks()[0]["assignedTo"], "uOwner0000000000001");  // Dana has no agent of her own
  converse({"Sat morning"}, kDana);
  // 09:30 went to someone else between the listing and the booking: the two nearest others.
  EXPECT_TRUE(ghl_.appointments().empty());
  EXPECT_EQ(texts().back(), "That time's taken. Jorge can do Fri Dec 4 at 4pm or Sat Dec 5 at 11am. Which one works?")
      << all_texts();
  EXPECT_EQ(booking_turn(id)["outcome"], "offered");
  converse({"the second one"}, kDana);
  ASSERT_EQ(ghl_.appointments().size(), 1u) << all_texts();
  EXPECT_EQ(ghl_.appointments()[0]["startTime"], "2026-12-05T11:00:00-06:00");
  EXPECT_EQ(ghl_.appointments()[0]["contactId"], kDana);
  EXPECT_EQ(texts().back(), "Booked: Sat Dec 5 at 11am, your time. Jorge will call you then.");
}

TEST_P(BookingEndToEnd, ABookingWhoseAnswerIsLostIsFoundAndNotMadeTwice) {
  ghl_.set_free_slots({"2026-12-04T15:00:00-06:00"});
  start(0, kThursdayMorning);
  const int64_t id = maria();
  converse({"asap, paying cash"});
  ASSERT_EQ(conversation(id)["state"], "handed_off") << all_texts();
  const size_t asked = texts().size();
  ghl_.lose_next_booking_answer();
  converse({"tomorrow at 3pm"});
  EXPECT_EQ(ghl_.appointments().size(), 1u);
  ASSERT_EQ(texts().size(), asked + 1) << all_texts();
  EXPECT_EQ(texts().back(), "Booked: Fri Dec 4 at 3pm, your time. Jorge will call you then.");
  EXPECT_EQ(booking_turn(id)["outcome"], "already_booked");
}

TEST_P(BookingEndToEnd, StopAfterTheHandoffMeansNoBookingAndNoText) {
  ghl_.set_free_slots({"2026-12-04T15:00:00-06:00"});
  start(0, kThursdayMorning);
  const int64_t id = maria();
  converse({"asap, paying cash"});
  ASSERT_EQ(conversation(id)["state"], "handed_off") << all_texts();
  converse({"STOP"});
  const size_t stopped = texts().size();
  converse({"tomorrow at 3pm"});
  EXPECT_TRUE(ghl_.appointments().empty());
  EXPECT_EQ(texts().size(), stopped) << all_texts();
}

INSTANTIATE_TEST_SUITE_P(Backends, BookingEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

TEST_P(ConversationEndToEnd, AnInboundTextGetsOneReplyAndTheConversationShowsWhatTheBotLearnt) {
  start();
  const int64_t id = maria();
  const size_t greeted = texts().size();
  ASSERT_EQ(greeted, 1u) << all_texts();
  inbound("msgA1", "we're looking in hutto, around 400k");
  drain();
  ASSERT_EQ(texts().size(), greeted + 1) << all_texts();
  const json view = conversation(id);
  EXPECT_EQ(view["slots"]["budget_max"]["value"], 400000) << view.dump();
  EXPECT_EQ(view["slots"]["areas"]["value"], json::array({"Hutto"})) << view.dump();
  EXPECT_EQ(view["slots"]["budget_max"]["extractor"], "rules");
  EXPECT_EQ(view["state"], "qualifying");
  EXPECT_FALSE(view["pending_question"].is_null());
  ASSERT_FALSE(view["turns"].empty());
  EXPECT_EQ(view["turns"][0]["kind"], "turn");
  EXPECT_TRUE(view["turns"][0]["detail"].contains("template"));
  EXPECT_TRUE(view["turns"][0]["detail"].contains("experiment_variants"));
  const std::string metrics = client_.request("GET", server_->url() + "/metrics", {})->body;
  EXPECT_NE(metrics.find("jorge_bot_replies{state=\"sent\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jorge_bot_turns{kind=\"turn\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jorge_bot_reply_latency_seconds{quantile=\"0.99\"}"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jorge_bot_reply_latency_histogram_seconds_bucket{le=\"+Inf\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jorge_bot_reply_latency_histogram_seconds_count 1"), std::string::npos) << metrics;
}

TEST_P(ConversationEndToEnd, TwoQuickMessagesGetOneReplyToTheNewest) {
  start(/*reply_delay_seconds=*/3);
  maria();
  const size_t greeted = texts().size();
  inbound("msgB1", "hi yes");
  inbound("msgB2", "we want to move by june");
  drain();
  ASSERT_EQ(texts().size(), greeted + 1) << all_texts();
}

TEST_P(ConversationEndToEnd, StopGetsOneConfirmationAndThenNothing) {
  start();
  maria();
  const size_t greeted = texts().size();
  inbound("msgC1", "STOP");
  drain();
  inbound("msgC2", "actually what about the house on avenue c");
  inbound("msgC3", "hello?");
  drain();
  ASSERT_EQ(texts().size(), greeted + 1) << all_texts();
  EXPECT_NE(texts().back().find("START"), std::string::npos) << all_texts();  // the confirmation says how to opt back in
}

TEST_P(ConversationEndToEnd, AMessageFromAPersonOfTheTeamPutsTheBotToSleep) {
  start();
  const int64_t id = maria();
  const size_t greeted = texts().size();
  json human = json::parse(fixture("ghl/outbound_message_sms.json"));  // userId, source "app"-like, not Jorge's id
  human["source"] = "app";
  webhook(human.dump());
  drain();
  inbound("msgD1", "ok sounds good, budget is 450k");
  drain();
  EXPECT_EQ(texts().size(), greeted) << all_texts();
  const json view = conversation(id);
  EXPECT_FALSE(view["sleep_until"].is_null()) << view.dump();
  // A workflow's message is an automation: it does not.
  call("POST", "/api/v1/conversations/" + std::to_string(id) + "/resume");
  json workflow = json::parse(fixture("ghl/outbound_message_sms.json"));
  workflow["messageId"] = "MwWorkflow000000001";
  workflow["webhookId"] = "wh-workflow-1";
  workflow["source"] = "workflow";
  webhook(workflow.dump());
  drain();
  inbound("msgD2", "we're pre-approved too");
  drain();
  EXPECT_EQ(texts().size(), greeted + 1) << all_texts();
}

TEST_P(ConversationEndToEnd, ARedeliveredInboundGetsOneReply) {
  start();
  maria();
  const size_t greeted = texts().size();
  inbound("msgE1", "looking in kyle", "wh-first");
  inbound("msgE1", "looking in kyle", "wh-first");   // the same delivery again
  inbound("msgE1", "looking in kyle", "wh-second");  // a redelivery with a new webhook id
  drain();
  EXPECT_EQ(texts().size(), greeted + 1) << all_texts();
}

TEST_P(ConversationEndToEnd, AHandoffSendsItsTextThenTagsATaskAndANoteAndTheBotIsSilent) {
  extra_env_["JORGE_TEAM_NOTIFY_URL"] = ghl_.url() + "/hooks/T0000B0000";
  start();
  const int64_t id = maria();
  const size_t greeted = texts().size();
  inbound("msgF1", "can we go see the one on avenue c saturday?");
  drain();
  ASSERT_EQ(texts().size(), greeted + 1) << all_texts();
  ASSERT_EQ(ghl_.tasks().size(), 1u);
  EXPECT_EQ(ghl_.tasks()[0]["contactId"], kMaria);
  EXPECT_EQ(ghl_.tasks()[0]["assignedTo"], "uA8sD7fG6hJ5kL4zX3cV");  // Maria's own agent (assignedTo)
  ASSERT_EQ(ghl_.notes().size(), 1u);
  EXPECT_NE(ghl_.notes()[0]["body"].get<std::string>().find("showing_request"), std::string::npos);
  // team.notify_url: the team's chat hears of it too.
  ASSERT_EQ(ghl_.chat_messages().size(), 1u);
  EXPECT_NE(ghl_.chat_messages()[0]["text"].get<std::string>().find("showing_request"), std::string::npos);
  bool tagged = false;
  for (const auto& request : ghl_.requests())
    if (request.path == std::string("/contacts/") + kMaria + "/tags" && request.body.find("jorge-handoff") != std::string::npos)
      tagged = true;
  EXPECT_TRUE(tagged);
  EXPECT_EQ(conversation(id)["state"], "handed_off");
  inbound("msgF2", "hello? also our budget is 500k");
  drain();
  EXPECT_EQ(texts().size(), greeted + 1) << all_texts();
  // Handed back, the bot answers again.
  const json resumed = json::parse(call("POST", "/api/v1/conversations/" + std::to_string(id) + "/resume").body);
  EXPECT_EQ(resumed["state"], "qualifying") << resumed.dump();
  inbound("msgF3", "we need to move by june");
  drain();
  EXPECT_EQ(texts().size(), greeted + 2) << all_texts();
}

TEST_P(ConversationEndToEnd, RemovingTheHandoffTagInGoHighLevelHandsTheConversationBack) {
  start();
  const int64_t id = maria();
  const size_t greeted = texts().size();
  inbound("msgR1", "can we go see the one on avenue c saturday?");
  drain();
  ASSERT_EQ(conversation(id)["state"], "handed_off");
  // GoHighLevel's echo of Jorge's tags (no job), then a person removes `jorge-handoff`.
  json tagged = json::parse(fixture("ghl/contact_tag_update.json"));
  tagged["id"] = kMaria;
  tagged["webhookId"] = "wh-tags-echo";
  tagged["tags"] = {"buyer", "jorge-handoff", "jorge-warm"};
  webhook(tagged.dump());
  drain();
  EXPECT_EQ(conversation(id)["state"], "handed_off");
  json removed = tagged;
  removed["webhookId"] = "wh-tags-removed";
  removed["tags"] = {"buyer", "jorge-warm"};
  webhook(removed.dump());
  drain();
  EXPECT_EQ(conversation(id)["state"], "qualifying") << conversation(id).dump();
  inbound("msgR2", "we need to move by june");
  drain();
  EXPECT_EQ(texts().size(), greeted + 2) << all_texts();
}

TEST_P(ConversationEndToEnd, ABookingInGoHighLevelSetsTheStageAndStopsTheFollowUps) {
  start();
  const int64_t id = maria();
  inbound("msgP1", "we want to buy in kyle");
  drain();
  json status = json::parse(call("GET", "/api/v1/queue/status").body);
  ASSERT_GT(status["outbox"]["follow_ups_scheduled"].get<int>(), 0) << status.dump();
  const json booked = {{"type", "AppointmentCreate"},
                       {"locationId", "kX3pLm9QaR2sT5vW8yZ1"},
                       {"webhookId", "wh-appointment-1"},
                       {"appointment",
                        {{"id", "apptTest0000000000001"}, {"calendarId", "calTest000000000001"}, {"contactId", kMaria},
                         {"startTime", "2026-12-05T15:00:00-06:00"}, {"endTime", "2026-12-05T15:30:00-06:00"},
                         {"appointmentStatus", "confirmed"}, {"assignedUserId", "uOwner0000000000001"}}}};
  webhook(booked.dump());
  drain();
  status = json::parse(call("GET", "/api/v1/queue/status").body);
  EXPECT_EQ(status["outbox"]["follow_ups_scheduled"], 0) << status.dump();
  const json lead = json::parse(call("GET", "/api/v1/leads/" + std::to_string(id)).body);
  EXPECT_EQ(lead["stage"], "appointment_set") << lead.dump();
  EXPECT_EQ(conversation(id)["turns"][0]["kind"], "appointment");
}

TEST_P(ConversationEndToEnd, ASourceKeptAwayFromTheBotGetsItsGreetingButNoBot) {
  // Maria came from Zillow (her contact's source): the team works Zillow leads itself.
  config_.extra_toml = {"[sources.zillow]", "secret = \"zillow-shared-secret-for-tests\"", "bots = false"};
  config_path_ = write_server_config(config_);
  start();
  maria();
  ASSERT_EQ(texts().size(), 1u) << all_texts();  // the first text still goes
  inbound("msgS1", "we want to buy in kyle around 300k");
  drain();
  EXPECT_EQ(texts().size(), 1u) << all_texts();
  const json status = json::parse(call("GET", "/api/v1/queue/status").body);
  EXPECT_EQ(status["outbox"]["follow_ups_scheduled"], 0) << status.dump();
}

TEST_P(ConversationEndToEnd, APausedConversationIsSilentUntilResumed) {
  start();
  const int64_t id = maria();
  const size_t greeted = texts().size();
  const json paused = json::parse(call("POST", "/api/v1/conversations/" + std::to_string(id) + "/pause").body);
  EXPECT_EQ(paused["paused"], true) << paused.dump();
  inbound("msgG1", "looking in buda");
  drain();
  EXPECT_EQ(texts().size(), greeted);
  EXPECT_EQ(call("GET", "/api/v1/conversations/abc").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/conversations/999999").status, 404);
}

TEST_P(ConversationEndToEnd, AQuietLeadGetsEachFollowUpOnItsDayOnceAcrossRestarts) {
  start(0, "2026-11-20T15:10:00Z");
  const int64_t id = maria();
  inbound("msgH1", "we want to buy in pflugerville");  // the fixture's time: 2026-11-20 15:09 UTC
  drain();
  const size_t answered = texts().size();
  json status = json::parse(call("GET", "/api/v1/queue/status").body);
  EXPECT_GT(status["outbox"]["follow_ups_scheduled"].get<int>(), 10) << status.dump();  // the cadence and the 14-day tail
  EXPECT_TRUE(conversation(id)["turns"][0]["detail"].contains("follow_ups"));
  // Two days and an hour later (a restart: the timers are rows in the store).
  start(0, "2026-11-22T16:10:00Z");
  drain();
  ASSERT_EQ(texts().size(), answered + 1) << all_texts();
  start(0, "2026-11-22T18:00:00Z");  // the same day again: nothing more
  drain();
  EXPECT_EQ(texts().size(), answered + 1) << all_texts();
  start(0, "2026-11-25T16:10:00Z");  // day 5
  drain();
  EXPECT_EQ(texts().size(), answered + 2) << all_texts();
  // The lead writes: the rest of the cadence starts again from this message.
  inbound("msgH2", "still looking, budget 380k");
  drain();
  EXPECT_EQ(texts().size(), answered + 3) << all_texts();
  start(0, "2026-11-27T15:00:00Z");  // day 7 of the first cadence, and the new one not at its day 2 yet
  drain();
  EXPECT_EQ(texts().size(), answered + 3) << all_texts();
}

TEST_P(ConversationEndToEnd, TheTeamSetsTheFollowUpDays) {
  extra_env_["JORGE_BOTS_FOLLOWUP_DAYS"] = "3,6";
  extra_env_["JORGE_BOTS_FOLLOWUP_EVERY_DAYS"] = "0";
  start(0, "2026-11-20T15:10:00Z");
  maria();
  inbound("msgD1", "we want to buy in pflugerville");
  drain();
  const size_t answered = texts().size();
  const json status = json::parse(call("GET", "/api/v1/queue/status").body);
  EXPECT_EQ(status["outbox"]["follow_ups_scheduled"], 2) << status.dump();
  start(0, "2026-11-22T16:10:00Z");  // day 2: not one of the team's days
  drain();
  EXPECT_EQ(texts().size(), answered) << all_texts();
  start(0, "2026-11-23T16:10:00Z");  // day 3
  drain();
  EXPECT_EQ(texts().size(), answered + 1) << all_texts();
}

TEST_P(ConversationEndToEnd, AKillBetweenTheTurnAndTheSendStillSendsOneReply) {
  start(/*reply_delay_seconds=*/3);
  const int64_t id = maria();
  const size_t greeted = texts().size();
  inbound("msgK1", "looking in leander under 350k");
  // The turn is committed with its reply waiting for the delay: the process dies right there.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (conversation(id)["scheduled"].empty() || conversation(id)["turns"].empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server_->kill_hard();
  EXPECT_EQ(texts().size(), greeted);
  start();
  drain();
  EXPECT_EQ(texts().size(), greeted + 1) << all_texts();
}

TEST_P(ConversationEndToEnd, TwoInstancesOnOneDatabaseShareTheConversations) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "several instances share PostgreSQL; SQLite is one process's";
  start();
  ServerProcess second(config_path_, env_of(0));
  ASSERT_TRUE(second.started()) << read_file(second.log_path());
  const int64_t id = maria();
  const size_t greeted = texts().size();
  inbound("msgT1", "we want to buy in round rock", "", server_.get());
  drain();
  inbound("msgT2", "budget is 425k", "", &second);
  inbound("msgT2", "budget is 425k", "wh-msgT2-again", server_.get());  // the same message at the other instance
  drain();
  inbound("msgT3", "we need to move by july", "", &second);
  drain();
  EXPECT_EQ(texts().size(), greeted + 3) << all_texts();
  const json view = conversation(id);
  EXPECT_EQ(view["slots"]["areas"]["value"], json::array({"Round Rock"})) << view.dump();
  EXPECT_EQ(view["slots"]["budget_max"]["value"], 425000) << view.dump();
  EXPECT_TRUE(view["slots"].contains("timeline_months")) << view.dump();
}

INSTANTIATE_TEST_SUITE_P(Backends, ConversationEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
