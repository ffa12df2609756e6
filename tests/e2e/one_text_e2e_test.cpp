// #16: one person, one first text, through the real binary and the local GoHighLevel server, on
// both backends. GoHighLevel holds duplicate contacts of one person and the same person arrives
// from several sources; each scenario counts the texts that reach GoHighLevel per person.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <thread>

#include "core/bytes.hpp"
#include "support/fake_ghl.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

using nlohmann::json;

constexpr const char* kZillowSecret = "zillow-shared-secret-for-tests";
constexpr const char* kMariaGhlId = "Hq7RtY2uIo9PaS4dF6gJ";  // contact_create.json

class OneTextEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    config_.directory = dir_.path();
    config_.database = fresh_database(GetParam(), dir_);
    if (config_.database.empty()) GTEST_SKIP() << kNoPostgres;
    config_.extra_toml = {"[sources.zillow]", std::string("secret = \"") + kZillowSecret + "\""};
    config_path_ = write_server_config(config_);
    server_ = start();
    ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  }

  // A texting server: GoHighLevel is the local one, every tier runs at once, no quiet hours.
  std::unique_ptr<ServerProcess> start() {
    return std::make_unique<ServerProcess>(
        config_path_, std::map<std::string, std::string>{{"JORGE_GHL_API_TOKEN", "test-location-token"},
                                                         {"JORGE_GHL_API_BASE_URL", ghl_.url()},
                                                         {"JORGE_GHL_LOCATION_ID", "kX3pLm9QaR2sT5vW8yZ1"},
                                                         {"JORGE_QUEUE_WARM_DELAY", "0"},
                                                         {"JORGE_QUEUE_COLD_DELAY", "0"},
                                                         {"JORGE_QUEUE_LEASE_SECONDS", "6"},
                                                         {"JORGE_GHL_TIMEOUT_MS", "5000"},
                                                         {"JORGE_COMPLIANCE_QUIET_HOURS", "off"}});
  }

  crm::HttpReply call(const std::string& method, const std::string& path, const std::string& body = "",
                      const ServerProcess* server = nullptr) {
    auto reply = client_.request(method, (server ? server : server_.get())->url() + path,
                                 {{"Authorization", "Bearer " + config_.api_token}, {"Content-Type", "application/json"}},
                                 body);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }
  json api(const std::string& path) { return json::parse(call("GET", path).body, nullptr, false); }

  void webhook(const std::string& body, const ServerProcess* server = nullptr) {
    auto reply = post_signed(client_, (server ? server : server_.get())->url(), body);
    ASSERT_TRUE(reply.ok());
    ASSERT_EQ(reply->status, 200) << reply->body;
  }

  // A GoHighLevel ContactCreate: Maria's fixture with another id and whatever else is given.
  static std::string contact(const std::string& id, json changes = json::object()) {
    json body = json::parse(fixture("ghl/contact_create.json"));
    body["id"] = id;
    body["webhookId"] = "create-" + id;
    for (const auto& [key, value] : changes.items()) body[key] = value;
    return body.dump();
  }

  // Until every job ran and every message left the outbox (sent, blocked or cancelled).
  void drain(const ServerProcess* server = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      json status = json::parse(call("GET", "/api/v1/queue/status", "", server).body, nullptr, false);
      if (status["depth"] == 0 && status["outbox"]["pending"] == 0) return;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << status.dump();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::map<std::string, int> texts_per_contact() {
    std::map<std::string, int> texts;
    for (const auto& contact : ghl_.sent_sms_contacts()) ++texts[contact];
    return texts;
  }
  std::string sent() {
    std::string out;
    const auto contacts = ghl_.sent_sms_contacts();
    const auto texts = ghl_.sent_sms_messages();
    for (size_t i = 0; i < texts.size(); ++i) out += contacts[i] + ": " + texts[i] + "\n";
    return out;
  }

  TempDir dir_;
  ServerConfig config_;
  std::string config_path_;
  FakeGhl ghl_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
};

TEST_P(OneTextEndToEnd, ThreeGoHighLevelContactsOfOnePersonGetOneTextAtTheOldestId) {
  webhook(contact(kMariaGhlId));
  webhook(contact("DuplicateOfMaria0002"));
  webhook(contact("DuplicateOfMaria0003"));
  drain();
  EXPECT_EQ(texts_per_contact(), (std::map<std::string, int>{{kMariaGhlId, 1}})) << sent();
  auto leads = api("/api/v1/leads")["leads"];
  ASSERT_EQ(leads.size(), 1u) << leads.dump();
  EXPECT_EQ(api("/api/v1/leads/" + std::to_string(leads[0]["id"].get<int64_t>()))["source_records"].size(), 3u);
  // Tags go to the same id as the text: one rule for every call.
  for (const auto& request : ghl_.requests())
    if (request.path.find("/tags") != std::string::npos) EXPECT_NE(request.path.find(kMariaGhlId), std::string::npos);
}

TEST_P(OneTextEndToEnd, OneNameOneEmailUnderTwoIdsIsOnePersonTextedOnce) {
  webhook(contact(kMariaGhlId, {{"phone", "+15125550140"}}));
  webhook(contact("SameEmailOtherPhone2", {{"phone", "+17375550141"}}));
  drain();
  EXPECT_EQ(texts_per_contact(), (std::map<std::string, int>{{kMariaGhlId, 1}})) << sent();
}

TEST_P(OneTextEndToEnd, AManualEntryOfAPersonAlreadyInGoHighLevelIsNotTextedAgain) {
  webhook(contact(kMariaGhlId));
  drain();
  ASSERT_LT(call("POST", "/api/v1/leads",
                 R"({"first_name":"Maria","last_name":"Delgado","phone":"(512) 555-0123","source":"open house"})")
                .status,
            300);
  drain();
  EXPECT_EQ(texts_per_contact(), (std::map<std::string, int>{{kMariaGhlId, 1}})) << sent();
  EXPECT_TRUE(ghl_.upserts().empty()) << "GoHighLevel already knows her";
}

TEST_P(OneTextEndToEnd, AZillowLeadAndTheGoHighLevelContactMadeOfItGetOneText) {
  const std::string lead = fixture("zillow/lead.json");
  auto reply = client_.request("POST", server_->url() + "/webhooks/zillow",
                               {{"Content-Type", "application/json"},
                                {"X-Jorge-Signature", "sha256=" + hmac_sha256_hex(kZillowSecret, lead)}},
                               lead);
  ASSERT_TRUE(reply.ok());
  ASSERT_EQ(reply->status, 200) << reply->body;
  // A GoHighLevel workflow makes its own contact of the lead, under an id of its own.
  webhook(contact(kMariaGhlId));
  drain();
  const auto texts = texts_per_contact();
  ASSERT_EQ(texts.size(), 1u) << sent();
  EXPECT_EQ(texts.begin()->second, 1) << sent();
}

TEST_P(OneTextEndToEnd, TheSamePersonJoinedByNameAndAddressIsTextedOnce) {
  // Another phone, another e-mail, the same name at the same address: joined online.
  webhook(contact(kMariaGhlId, {{"address1", "4407 Avenue C"}, {"city", "Austin"}, {"postalCode", "78751"}}));
  webhook(contact("SameHomeOtherPhone03", {{"phone", "+17375550199"},
                                           {"email", "mdelgado@example.org"},
                                           {"address1", "4407 Avenue C"},
                                           {"city", "Austin"},
                                           {"postalCode", "78751"}}));
  drain();
  auto leads = api("/api/v1/leads")["leads"];
  ASSERT_EQ(leads.size(), 1u) << leads.dump();
  EXPECT_EQ(texts_per_contact(), (std::map<std::string, int>{{kMariaGhlId, 1}})) << sent();
}

// A reviewer merges two contacts while both greetings wait (GoHighLevel is slow to answer the
// first upsert); then the server dies at once. After the restart one text goes out.
TEST_P(OneTextEndToEnd, AMergeWhileGreetingsWaitLeavesOneTextEvenAcrossAKill) {
  ghl_.delay_next(1, std::chrono::milliseconds(4000));
  auto lead = [&](const std::string& first, const std::string& phone) {
    crm::HttpReply reply = call("POST", "/api/v1/leads",
                                R"({"first_name":")" + first + R"(","last_name":"Delgado","phone":")" + phone +
                                    R"(","address":"4407 Avenue C","city":"Austin","state":"TX","postal_code":"78751"})");
    EXPECT_LT(reply.status, 300) << reply.body;
  };
  lead("Maria", "(512) 555-0123");
  lead("Marla", "(737) 555-0142");  // a typo or another person: a reviewer decides
  json reviews;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    reviews = api("/api/v1/identity/review")["reviews"];
    json status = api("/api/v1/queue/status");
    if (reviews.size() == 1 && status["depth"] == 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << reviews.dump() << status.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(ghl_.sent_sms_messages().empty()) << "the first upsert is still in flight";
  crm::HttpReply same =
      call("POST", "/api/v1/identity/review/" + std::to_string(reviews[0]["id"].get<int64_t>()), R"({"decision":"same"})");
  ASSERT_EQ(same.status, 200) << same.body;
  server_->kill_hard();
  server_ = start();
  ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  drain();
  ASSERT_EQ(ghl_.sent_sms_messages().size(), 1u) << sent();
  auto leads = api("/api/v1/leads")["leads"];
  ASSERT_EQ(leads.size(), 1u) << leads.dump();
  json detail = api("/api/v1/leads/" + std::to_string(leads[0]["id"].get<int64_t>()));
  bool cancelled = false;
  for (const auto& message : detail["outbox"])
    cancelled |= message["state"] == "cancelled" &&
                 message["reason"] == "cancelled: merged into " + std::to_string(leads[0]["id"].get<int64_t>());
  EXPECT_TRUE(cancelled) << detail["outbox"].dump();
}

// Two instances on one PostgreSQL database get the duplicates of one person at the same moment.
TEST_P(OneTextEndToEnd, TwoInstancesRacingOnDuplicatesSendOneText) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "two instances share a PostgreSQL database";
  auto second = start();
  ASSERT_TRUE(second->started()) << read_file(second->log_path());
  std::vector<std::thread> deliveries;
  for (int i = 0; i < 6; ++i)
    deliveries.emplace_back([&, i] {
      crm::HttpClient client;
      const ServerProcess& server = i % 2 ? *second : *server_;
      auto reply = post_signed(client, server.url(), contact("RacingDuplicate00" + std::to_string(10 + i)));
      EXPECT_TRUE(reply.ok() && reply->status == 200);
    });
  for (auto& delivery : deliveries) delivery.join();
  drain();
  drain(second.get());
  EXPECT_EQ(ghl_.sent_sms_messages().size(), 1u) << sent();
  EXPECT_EQ(api("/api/v1/leads")["leads"].size(), 1u);
  EXPECT_EQ(second->terminate_and_wait(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, OneTextEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
