// The real binary over HTTP, on both backends: what a new user tries first.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include "support/fake_ghl.hpp"
#include "support/server_process.hpp"

#include <thread>
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

class WebhookEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.directory = dir_.path();
    config.database = fresh_database(GetParam(), dir_);
    if (config.database.empty()) GTEST_SKIP() << kNoPostgres;
    token_ = config.api_token;
    server_ = std::make_unique<ServerProcess>(write_server_config(config));
    ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  }

  crm::HttpReply get(const std::string& path, bool with_token = true) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (with_token) headers.emplace_back("Authorization", "Bearer " + token_);
    auto reply = client_.request("GET", server_->url() + path, headers);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }

  crm::HttpReply post(const std::string& path, const std::string& body,
                      std::vector<std::pair<std::string, std::string>> headers) {
    auto reply = client_.request("POST", server_->url() + path, headers, body);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }

  crm::HttpReply webhook(const std::string& body) {
    auto reply = post_signed(client_, server_->url(), body);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }

  static void expect_json_error(const crm::HttpReply& reply, long status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    auto body = nlohmann::json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << reply.body;
    EXPECT_TRUE(body["error"]["code"].is_string());
    EXPECT_TRUE(body["error"]["message"].is_string());
  }

  // The same database, now with a GoHighLevel account (`ghl`): the pipeline runs, the sender
  // sends at once (no tier delays, no quiet hours).
  std::unique_ptr<ServerProcess> restart_texting(const FakeGhl& ghl) {
    server_->terminate_and_wait();
    return std::make_unique<ServerProcess>(
        dir_.file("jorge.toml"),
        std::map<std::string, std::string>{{"JORGE_GHL_API_TOKEN", "test-location-token"},
                                           {"JORGE_GHL_API_BASE_URL", ghl.url()},
                                           {"JORGE_GHL_LOCATION_ID", "kX3pLm9QaR2sT5vW8yZ1"},
                                           {"JORGE_QUEUE_WARM_DELAY", "0"},
                                           {"JORGE_QUEUE_COLD_DELAY", "0"},
                                           {"JORGE_COMPLIANCE_QUIET_HOURS", "off"}});
  }

  size_t lead_count() { return nlohmann::json::parse(get("/api/v1/leads?limit=500").body)["leads"].size(); }

  TempDir dir_;
  std::string token_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
};

TEST_P(WebhookEndToEnd, HealthAndReadiness) {
  EXPECT_EQ(get("/healthz", false).status, 200);
  EXPECT_EQ(get("/readyz", false).status, 200);
}

TEST_P(WebhookEndToEnd, SignedContactCreateShowsInLeadsOnce) {
  std::string body = fixture("ghl/contact_create.json");
  crm::HttpReply first = webhook(body);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_FALSE(first.header("x-request-id").empty());
  auto leads = nlohmann::json::parse(get("/api/v1/leads").body)["leads"];
  ASSERT_EQ(leads.size(), 1u);
  EXPECT_EQ(leads[0]["name"], "Maria Delgado");
  EXPECT_EQ(leads[0]["phone"], "+15125550123");
  EXPECT_EQ(leads[0]["sources"], nlohmann::json::array({"ghl"}));

  crm::HttpReply again = webhook(body);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos);
  EXPECT_EQ(lead_count(), 1u);

  auto detail = nlohmann::json::parse(get("/api/v1/leads/" + leads[0]["id"].dump()).body);
  EXPECT_EQ(detail["source_records"][0]["payload"]["id"], "Hq7RtY2uIo9PaS4dF6gJ");
  EXPECT_EQ(detail["custom_fields"]["cF1budgetMax00000001"]["value"], 525000.0);
}

TEST_P(WebhookEndToEnd, Ed25519SignedDeliveryIsAccepted) {
  auto reply = post_signed(client_, server_->url(), fixture("ghl/inbound_message_sms.json"), "x-ghl-signature");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->status, 200) << reply->body;
}

TEST_P(WebhookEndToEnd, RejectsBadInputWithJsonErrorsAndStoresNothing) {
  std::string body = fixture("ghl/contact_create.json");
  expect_json_error(post("/webhooks/ghl", body, {{"x-wh-signature", sign_rsa(body + " ")}}), 401);
  expect_json_error(post("/webhooks/ghl", body, {}), 401);
  std::string malformed = "{\"type\": \"ContactCreate\", ";
  expect_json_error(post("/webhooks/ghl", malformed, {{"x-wh-signature", sign_rsa(malformed)}}), 400);
  std::string not_utf8 = "{\"type\":\"ContactCreate\",\"locationId\":\"l\",\"id\":\"c\",\"name\":\"\xC0\xAF\"}";
  expect_json_error(post("/webhooks/ghl", not_utf8, {{"x-wh-signature", sign_rsa(not_utf8)}}), 400);
  std::string huge(2 << 20, 'a');
  expect_json_error(post("/webhooks/ghl", huge, {{"x-wh-signature", "AAAA"}}), 413);
  expect_json_error(get("/api/v1/leads", /*with_token=*/false), 401);
  expect_json_error(client_.request("GET", server_->url() + "/api/v1/leads", {{"Authorization", "Bearer wrong-token"}}).value(), 401);
  // The scheme's name is case-insensitive (RFC 9110 §11.1): any spelling of Bearer is read.
  for (const char* scheme : {"bearer ", "BEARER ", "BeArEr "})
    EXPECT_EQ(client_.request("GET", server_->url() + "/api/v1/leads", {{"Authorization", scheme + token_}})->status, 200)
        << scheme;
  expect_json_error(post("/webhooks/nosuchsource", body, {}), 404);
  EXPECT_EQ(lead_count(), 0u);
  // ...and the server is still serving.
  EXPECT_EQ(webhook(body).status, 200);
}

TEST_P(WebhookEndToEnd, UnknownEventTypeIsStoredAnsweredAndCounted) {
  crm::HttpReply reply = webhook(R"({"type":"AppInstall","locationId":"loc1","webhookId":"wh-unknown-1"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  std::string metrics = get("/metrics", false).body;
  EXPECT_NE(metrics.find(R"(jorge_webhooks_total{source="ghl",outcome="unknown_type"} 1)"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jorge_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST_P(WebhookEndToEnd, ManualLeadWithIdempotencyKeyIsCreatedOnce) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}, {"Idempotency-Key", "open-house-7"}};
  std::string body = R"({"name":"Grace Morrison","phone":"512-555-0177","source":"open house"})";
  crm::HttpReply created = post("/api/v1/leads", body, headers);
  EXPECT_EQ(created.status, 201) << created.body;
  crm::HttpReply retried = post("/api/v1/leads", body, headers);
  EXPECT_EQ(retried.status, 200);
  EXPECT_EQ(nlohmann::json::parse(created.body)["id"], nlohmann::json::parse(retried.body)["id"]);
  EXPECT_EQ(lead_count(), 1u);
  expect_json_error(post("/api/v1/leads", R"({"nmae":"typo","phone":"512-555-0177"})", headers), 400);
}

TEST_P(WebhookEndToEnd, ListFiltersValidateTheirValues) {
  expect_json_error(get("/api/v1/leads?limit=501"), 400);
  expect_json_error(get("/api/v1/leads?stage=hot"), 400);
  expect_json_error(get("/api/v1/leads?updated_since=yesterday"), 400);
  expect_json_error(get("/api/v1/leads/abc"), 400);
  expect_json_error(get("/api/v1/leads/424242"), 404);
  EXPECT_EQ(get("/api/v1/leads?source=ghl&stage=new&updated_since=2026-01-01T00:00:00Z&limit=500").status, 200);
}

TEST_P(WebhookEndToEnd, SigtermFinishesAndExitsZero) {
  EXPECT_EQ(webhook(fixture("ghl/contact_create.json")).status, 200);
  EXPECT_EQ(server_->terminate_and_wait(), 0);
  std::string log = read_file(server_->log_path());
  EXPECT_NE(log.find("stopped cleanly"), std::string::npos) << log;
}

TEST_P(WebhookEndToEnd, LogsNeverContainPhonesEmailsOrMessageText) {
  webhook(fixture("ghl/contact_create.json"));
  webhook(fixture("ghl/inbound_message_sms.json"));
  std::string bad = R"({"type":"ContactCreate","locationId":"l","email":"leak@example.com")";
  post("/webhooks/ghl", bad, {{"x-wh-signature", sign_rsa(bad)}});
  get("/api/v1/leads?source=ghl");
  // #14: a type holding a newline forged a log line; an unknown field's name was logged as sent.
  std::string forged = R"({"type":"Odd\n[2026-12-01 00:00:00.000] [jorge] [info] FORGED","locationId":"l","id":"x"})";
  webhook(forged);
  std::string named = R"({"type":"ContactCreate","locationId":"l","id":"y","customFields":"x",")"
                      R"(+15125550177 leak2@example.com":1, "dnd": {"a":[1]}})";
  post("/webhooks/ghl", named, {{"x-wh-signature", sign_rsa(named)}});
  for (int i = 0; i < 50; ++i) post("/webhooks/ghl", bad, {});  // unauthenticated: throttled lines
  server_->terminate_and_wait();
  std::string log = read_file(server_->log_path());
  for (std::string secret : {"5125550123", "555-0123", "maria.delgado", "@example.com", "pre-approved", "Avenue C",
                             "FORGED", "5125550177"})
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked into the log";
  size_t refusal_lines = 0;
  for (size_t at = log.find("rejected_signature"); at != std::string::npos; at = log.find("rejected_signature", at + 1))
    ++refusal_lines;
  EXPECT_LE(refusal_lines, 10u) << "repeated refusals are throttled";
}

TEST_P(WebhookEndToEnd, QueueStatusShowsEachLeadInItsTier) {
  EXPECT_EQ(webhook(fixture("ghl/contact_create.json")).status, 200);  // budget + near timeline: warm
  auto status = nlohmann::json::parse(get("/api/v1/queue/status").body);
  EXPECT_EQ(status["tiers"]["warm"]["depth"], 1) << status.dump();
  EXPECT_EQ(status["tiers"]["hot"]["depth"], 0);
  EXPECT_EQ(status["depth"], 1);
  EXPECT_GE(status["recommended_workers"].get<int>(), 1);
  EXPECT_TRUE(status["jobs_per_second"].is_number());
  EXPECT_TRUE(status["mean_service_seconds"].is_number());
  expect_json_error(get("/api/v1/queue/status", /*with_token=*/false), 401);
  EXPECT_EQ(nlohmann::json::parse(get("/api/v1/queue/dead").body)["jobs"].size(), 0u);
  expect_json_error(post("/api/v1/queue/dead/424242/retry", "", {{"Authorization", "Bearer " + token_}}), 404);
}

TEST_P(WebhookEndToEnd, FirstTouchTextReachesGoHighLevelExactlyOnce) {
  FakeGhl ghl;
  auto texting_server = restart_texting(ghl);
  ServerProcess& texting = *texting_server;
  ASSERT_TRUE(texting.started()) << read_file(texting.log_path());
  std::string body = fixture("ghl/contact_create.json");
  ASSERT_EQ(post_signed(client_, texting.url(), body)->status, 200);
  ASSERT_EQ(post_signed(client_, texting.url(), body)->status, 200);  // GoHighLevel resends: still one text
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (ghl.sent_sms_messages().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(ghl.sent_sms_messages().size(), 1u) << read_file(texting.log_path());
  EXPECT_NE(ghl.sent_sms_messages()[0].find("Jorge here"), std::string::npos);
  EXPECT_EQ(texting.terminate_and_wait(), 0);
  EXPECT_EQ(ghl.sent_sms_messages().size(), 1u);
}

// #15: a STOP was read only when the lead's job ran, after its tier's delay, and only the
// newest message counted: a greeting still went out, and "STOP" then "who is this?" never
// opted out. Now the webhook's own transaction records it for the number before the 200.
TEST_P(WebhookEndToEnd, StopOptsTheNumberOutBeforeTheWebhookIsAnswered) {
  FakeGhl ghl;
  server_->terminate_and_wait();
  ServerProcess texting(dir_.file("jorge.toml"), {{"JORGE_GHL_API_TOKEN", "test-location-token"},
                                                  {"JORGE_GHL_API_BASE_URL", ghl.url()},
                                                  {"JORGE_GHL_LOCATION_ID", "kX3pLm9QaR2sT5vW8yZ1"},
                                                  {"JORGE_QUEUE_HOT_DELAY", "1"},
                                                  {"JORGE_QUEUE_WARM_DELAY", "1"},
                                                  {"JORGE_QUEUE_COLD_DELAY", "1"},
                                                  {"JORGE_COMPLIANCE_QUIET_HOURS", "off"}});
  ASSERT_TRUE(texting.started()) << read_file(texting.log_path());
  auto api = [&](const std::string& path) {
    return nlohmann::json::parse(
        client_.request("GET", texting.url() + path, {{"Authorization", "Bearer " + token_}})->body);
  };
  ASSERT_EQ(post_signed(client_, texting.url(), fixture("ghl/contact_create.json"))->status, 200);
  ASSERT_EQ(post_signed(client_, texting.url(), fixture("ghl/inbound_message_stop.json"))->status, 200);
  auto chatter = nlohmann::json::parse(fixture("ghl/inbound_message_sms.json"));
  chatter["body"] = "who is this?";
  chatter["webhookId"] = "later-message-1";
  chatter["messageId"] = "Mg-later-1";
  chatter["dateAdded"] = "2026-11-21T21:47:30.000Z";
  ASSERT_EQ(post_signed(client_, texting.url(), chatter.dump())->status, 200);
  // Before any job ran (each waits a second), the number is opted out.
  auto leads = api("/api/v1/leads")["leads"];
  ASSERT_EQ(leads.size(), 1u);
  const std::string maria = "/api/v1/leads/" + std::to_string(leads[0]["id"].get<int64_t>());
  EXPECT_EQ(api(maria)["sms_opt_out"], true);
  // A new GoHighLevel contact for the same number (another person's name) is stored, never texted.
  // A GoHighLevel ContactCreate of another person; `phone` empty: Maria's number.
  auto contact = [](const std::string& id, const std::string& first, const std::string& last, const std::string& phone) {
    auto body = nlohmann::json::parse(fixture("ghl/contact_create.json"));
    body["id"] = id;
    body["webhookId"] = "create-" + id;
    body["firstName"] = first;
    body["lastName"] = last;
    body["name"] = first + " " + last;
    body["email"] = first + "@example.com";
    if (!phone.empty()) body["phone"] = phone;
    return body.dump();
  };
  // Messages of Maria's conversation, or from `from` as `contact_id`.
  auto inbound = [](const std::string& id, const std::string& text, const std::string& from = "",
                    const std::string& contact_id = "") {
    auto body = nlohmann::json::parse(fixture("ghl/inbound_message_stop.json"));
    body["webhookId"] = "in-" + id;
    body["messageId"] = "Mg-" + id;
    body["body"] = text;
    if (!from.empty()) body["from"] = from;
    if (!contact_id.empty()) body["contactId"] = contact_id;
    return body.dump();
  };
  ASSERT_EQ(post_signed(client_, texting.url(), contact("NewIdSameNumber00001", "Priya", "Raman", ""))->status, 200);
  // A person at another number is greeted: once that text is out, every job before it ran.
  ASSERT_EQ(post_signed(client_, texting.url(), contact("SomeoneElse000000001", "Wei", "Okafor", "+15125550166"))->status,
            200);
  // A second STOP gets no second confirmation; HELP gets the help text.
  ASSERT_EQ(post_signed(client_, texting.url(), inbound("second-stop", "stop stop"))->status, 200);
  ASSERT_EQ(post_signed(client_, texting.url(), inbound("help-1", "HELP", "+15125550166", "SomeoneElse000000001"))->status,
            200);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto queue_empty = [&] { return api("/api/v1/queue/status")["depth"] == 0; };
  while ((ghl.sent_sms_messages().size() < 3 || !queue_empty()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto contacts = ghl.sent_sms_contacts();
  const auto texts = ghl.sent_sms_messages();
  std::string sent;
  for (size_t i = 0; i < texts.size(); ++i) sent += contacts[i] + ": " + texts[i] + "\n";
  ASSERT_EQ(contacts.size(), 3u) << sent;
  size_t confirmations = 0, greetings = 0, helps = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].find("You're unsubscribed") != std::string::npos) {
      ++confirmations;
      EXPECT_EQ(contacts[i], "Hq7RtY2uIo9PaS4dF6gJ");
    } else if (texts[i].find("Reply STOP to opt out") != std::string::npos) {
      ++helps;
      EXPECT_EQ(contacts[i], "SomeoneElse000000001");
    } else {
      ++greetings;
      EXPECT_EQ(contacts[i], "SomeoneElse000000001") << texts[i];
    }
  }
  EXPECT_EQ(confirmations, 1u);
  EXPECT_EQ(helps, 1u);
  EXPECT_EQ(greetings, 1u);
  bool tagged = false;
  for (const auto& request : ghl.requests())
    tagged = tagged || (request.path.find("Hq7RtY2uIo9PaS4dF6gJ/tags") != std::string::npos &&
                        request.body.find("opted-out") != std::string::npos);
  EXPECT_TRUE(tagged) << "the opted-out tag in GoHighLevel";
  EXPECT_EQ(texting.terminate_and_wait(), 0);
}

// #15: a text held or blocked was invisible. The lead's detail lists each waiting message with
// why; the queue status counts them. A STOP blocks the pending greeting in its own transaction.
TEST_P(WebhookEndToEnd, WaitingAndBlockedTextsAreVisibleWithTheirReason) {
  server_->terminate_and_wait();
  // No GoHighLevel token: the sender is off, so the greeting waits in the outbox.
  ServerProcess quiet(dir_.file("jorge.toml"), {{"JORGE_QUEUE_WARM_DELAY", "0"}, {"JORGE_QUEUE_COLD_DELAY", "0"}});
  ASSERT_TRUE(quiet.started()) << read_file(quiet.log_path());
  auto api = [&](const std::string& path) {
    return nlohmann::json::parse(client_.request("GET", quiet.url() + path, {{"Authorization", "Bearer " + token_}})->body);
  };
  ASSERT_EQ(post_signed(client_, quiet.url(), fixture("ghl/contact_create.json"))->status, 200);
  std::string maria;
  nlohmann::json waiting;
  for (int i = 0; i < 600 && waiting.empty(); ++i) {
    auto leads = api("/api/v1/leads")["leads"];
    if (!leads.empty()) {
      maria = "/api/v1/leads/" + std::to_string(leads[0]["id"].get<int64_t>());
      const nlohmann::json detail = api(maria);  // kept: a loop over a temporary's member dangles
      for (const auto& message : detail["outbox"])
        if (message["kind"] == "sms" && message["purpose"] == "first-touch") waiting.push_back(message);
    }
    if (waiting.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0]["state"], "pending");
  EXPECT_TRUE(waiting[0]["due_at"].is_string());
  EXPECT_GE(api("/api/v1/queue/status")["outbox"]["pending"].get<int64_t>(), 1);
  ASSERT_EQ(post_signed(client_, quiet.url(), fixture("ghl/inbound_message_stop.json"))->status, 200);
  nlohmann::json blocked;
  const nlohmann::json after = api(maria);
  int blocked_texts = 0;
  for (const auto& message : after["outbox"]) {
    if (message["kind"] != "sms") continue;
    EXPECT_EQ(message["state"], "blocked") << message;  // the greeting and the follow-ups after it
    ++blocked_texts;
    if (message["purpose"] == "first-touch") blocked = message;
  }
  EXPECT_EQ(blocked["state"], "blocked") << blocked;
  EXPECT_EQ(blocked["reason"], "opted out");
  EXPECT_EQ(api("/api/v1/queue/status")["outbox"]["blocked"], blocked_texts);
  EXPECT_EQ(quiet.terminate_and_wait(), 0);
}

// #15: SMS DND set by ContactDndUpdate was cleared by a later ContactTagUpdate carrying
// "dnd": false and no dndSettings; only an explicit inactive SMS DND clears it.
TEST_P(WebhookEndToEnd, SmsDndStaysUntilExplicitlyCleared) {
  ASSERT_EQ(webhook(fixture("ghl/contact_dnd_update_sms_stop.json")).status, 200);
  ASSERT_EQ(webhook(fixture("ghl/contact_tag_update.json")).status, 200);
  auto leads = nlohmann::json::parse(get("/api/v1/leads").body)["leads"];
  ASSERT_EQ(leads.size(), 1u) << leads.dump();
  const std::string path = "/api/v1/leads/" + std::to_string(leads[0]["id"].get<int64_t>());
  EXPECT_EQ(nlohmann::json::parse(get(path).body)["do_not_disturb"], true);
  auto cleared = nlohmann::json::parse(fixture("ghl/contact_dnd_update_sms_stop.json"));
  cleared["webhookId"] = "b4c0d3e2-8f70-4b6c-9daf-1f203b4c5d6f";
  cleared["timestamp"] = "2026-11-22T10:00:00.000Z";
  cleared["dndSettings"]["SMS"]["status"] = "inactive";
  ASSERT_EQ(webhook(cleared.dump()).status, 200);
  EXPECT_EQ(nlohmann::json::parse(get(path).body)["do_not_disturb"], false);
}

// #14: "Darnell Jackson", another GoHighLevel contact with his own e-mail but Maria's phone,
// was joined into Maria's contact and her text began "Darnell". Families and offices share
// phones: two contacts, the pair in review, each text to its own person and contact id.
TEST_P(WebhookEndToEnd, TwoPeopleSharingAPhoneStayTwoContactsEachTextedByName) {
  FakeGhl ghl;
  auto texting_server = restart_texting(ghl);
  ServerProcess& texting = *texting_server;
  ASSERT_TRUE(texting.started()) << read_file(texting.log_path());
  std::string maria = fixture("ghl/contact_create.json");
  auto darnell_json = nlohmann::json::parse(maria);
  darnell_json["id"] = "Dj4rNe11JacK5on00001";
  darnell_json["webhookId"] = "6f0c1b7e-2a4d-4c1e-9e3a-5b8d2f7a9c02";
  darnell_json["firstName"] = "Darnell";
  darnell_json["lastName"] = "Jackson";
  darnell_json["name"] = "Darnell Jackson";
  darnell_json["email"] = "darnell.jackson@example.com";
  darnell_json["customFields"] = nlohmann::json::array({{{"id", "cF2timeline000000002"}, {"value", "just looking"}}});
  const std::string darnell = darnell_json.dump();
  ASSERT_EQ(post_signed(client_, texting.url(), maria)->status, 200);
  ASSERT_EQ(post_signed(client_, texting.url(), darnell)->status, 200);
  // Generous: the loop ends as soon as both texts are in; a loaded CI machine may take long.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ghl.sent_sms_messages().size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto texts = ghl.sent_sms_messages();
  const auto contacts = ghl.sent_sms_contacts();
  ASSERT_EQ(texts.size(), 2u) << read_file(texting.log_path());
  for (size_t i = 0; i < texts.size(); ++i) {
    const bool to_maria = contacts[i] == "Hq7RtY2uIo9PaS4dF6gJ";
    EXPECT_TRUE(to_maria || contacts[i] == "Dj4rNe11JacK5on00001") << contacts[i];
    // Greetings of the tiers the score gives may use no name at all; none may use the other person's.
    EXPECT_EQ(texts[i].find(to_maria ? "Darnell" : "Maria"), std::string::npos) << texts[i];
  }
  EXPECT_NE(contacts[0], contacts[1]);
  auto authorised = [&](const std::string& path) {
    return nlohmann::json::parse(
        client_.request("GET", texting.url() + path, {{"Authorization", "Bearer " + token_}})->body);
  };
  auto leads = authorised("/api/v1/leads")["leads"];
  ASSERT_EQ(leads.size(), 2u) << leads.dump();
  for (const auto& lead : leads) {
    auto detail = authorised("/api/v1/leads/" + std::to_string(lead["id"].get<int64_t>()));
    EXPECT_EQ(detail["source_records"].size(), 1u) << detail.dump();
  }
  auto reviews = authorised("/api/v1/identity/review")["reviews"];
  ASSERT_EQ(reviews.size(), 1u) << reviews.dump();
  EXPECT_EQ(reviews[0]["evidence"]["phone"]["agreement"], "agree");
  EXPECT_EQ(texting.terminate_and_wait(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

// When the database cannot commit, GoHighLevel must get 429 (its only retry signal), never 5xx.
TEST(WebhookWhenDatabaseIsDown, AnswersTooManyRequestsSoGoHighLevelRetries) {
  TempDir dir;
  ServerConfig config;
  config.directory = dir.path();
  config.database = "sqlite://" + dir.file("jorge.db");
  ServerProcess server(write_server_config(config));
  ASSERT_TRUE(server.started());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("jorge.db").c_str(), &other), SQLITE_OK);
  sqlite3_busy_timeout(other, 10000);  // the server's workers take the write lock briefly too
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  crm::HttpClient client;
  std::string body = fixture("ghl/contact_create.json");
  auto refused = post_signed(client, server.url(), body);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 429) << refused->body;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  auto retried = post_signed(client, server.url(), body);
  EXPECT_EQ(retried->status, 200) << retried->body;
  EXPECT_NE(retried->body.find("accepted"), std::string::npos);
}

}  // namespace
}  // namespace jorge::testing

namespace jorge::testing {
namespace {

// PostgreSQL going away must look like SQLite being locked: 429 (retry), never 5xx, and
// service resumes by itself once the database is back.
TEST(WebhookWhenPostgresIsDown, AnswersTooManyRequestsThenRecovers) {
  if (postgres_admin_url().empty()) GTEST_SKIP() << "JORGE_TEST_POSTGRES_URL not set (make test sets it)";
  TempDir dir;
  ServerConfig config;
  config.directory = dir.path();
  config.database = fresh_postgres_database();
  std::string name = config.database.substr(config.database.rfind('/') + 1);
  ServerProcess server(write_server_config(config));
  ASSERT_TRUE(server.started()) << read_file(server.log_path());
  crm::HttpClient client;
  ASSERT_EQ(post_signed(client, server.url(), fixture("ghl/contact_create.json"))->status, 200);

  pqxx::connection admin(postgres_admin_url());
  pqxx::nontransaction sql(admin);
  sql.exec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false");
  sql.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
  auto refused = post_signed(client, server.url(), fixture("ghl/inbound_message_sms.json"));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 429) << refused->body;
  EXPECT_EQ(client.request("GET", server.url() + "/readyz", {})->status, 503);

  sql.exec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
  auto retried = post_signed(client, server.url(), fixture("ghl/inbound_message_sms.json"));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->status, 200) << retried->body;
  EXPECT_NE(retried->body.find("accepted"), std::string::npos);
}

}  // namespace
}  // namespace jorge::testing
