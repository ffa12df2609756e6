// GoHighLevel misbehaving under the real binary: 429 with Retry-After, 500, 503, answers
// slower than our timeout and connections dropped before or after GoHighLevel acted, at
// random. Every lead still gets exactly one first-touch text, nothing is dropped, and dead
// letters appear only once a message has used up queue.max_attempts — on SQLite, and on
// PostgreSQL with two instances sharing the outbox.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <thread>

#include "support/fake_ghl.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

class FaultInjectionTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.directory = dir_.path();
    config.database = fresh_database(GetParam(), dir_);
    if (config.database.empty()) GTEST_SKIP() << kNoPostgres;
    config_path_ = write_server_config(config);
    api_token_ = config.api_token;
  }

  // Every instance the backend should run (two on PostgreSQL), with fast retries.
  void start(int max_attempts) {
    const std::map<std::string, std::string> env = {
        {"JORGE_GHL_API_TOKEN", "test-location-token"}, {"JORGE_GHL_API_BASE_URL", ghl_.url()},
        {"JORGE_GHL_LOCATION_ID", "loc1"},              {"JORGE_COMPLIANCE_QUIET_HOURS", "off"},
        {"JORGE_QUEUE_WARM_DELAY", "0"},                {"JORGE_QUEUE_COLD_DELAY", "0"},
        {"JORGE_QUEUE_RETRY_BASE_MS", "50"},            {"JORGE_QUEUE_RETRY_MAX_SECONDS", "1"},
        {"JORGE_QUEUE_LEASE_SECONDS", "2"},             {"JORGE_GHL_TIMEOUT_MS", "400"},
        {"JORGE_GHL_REQUESTS_PER_10S", "1000"},  // our own budget is not under test here
        {"JORGE_QUEUE_MAX_ATTEMPTS", std::to_string(max_attempts)}};
    int instances = GetParam() == Backend::kPostgres ? 2 : 1;
    for (int i = 0; i < instances; ++i) {
      servers_.push_back(std::make_unique<ServerProcess>(config_path_, env));
      ASSERT_TRUE(servers_.back()->started()) << read_file(servers_.back()->log_path());
    }
  }

  void send_leads(int count) {
    for (int i = 0; i < count; ++i) {
      std::string contact = "fault" + std::to_string(i);
      char phone[24];
      std::snprintf(phone, sizeof phone, "+1737555%04d", i);
      std::string body = R"({"type":"ContactCreate","locationId":"loc1","webhookId":"wh-)" + contact + R"(","id":")" +
                         contact + R"(","firstName":"Fault","phone":")" + phone + R"(","state":"TX"})";
      auto reply = post_signed(client_, servers_[static_cast<size_t>(i) % servers_.size()]->url(), body);
      ASSERT_TRUE(reply.ok());
      ASSERT_EQ(reply->status, 200) << reply->body;
      leads_.insert(contact);
    }
  }

  std::map<std::string, int> texts_per_lead() const {
    std::map<std::string, int> texts;
    for (const auto& contact : ghl_.sent_sms_contacts()) ++texts[contact];
    return texts;
  }

  // Waits until `done` holds or 60 s pass.
  template <typename Condition>
  void wait_for(Condition done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  nlohmann::json api(const std::string& method, const std::string& path) {
    auto reply = client_.request(method, servers_.front()->url() + path, {{"Authorization", "Bearer " + api_token_}});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? nlohmann::json::parse(reply->body, nullptr, false) : nlohmann::json();
  }

  TempDir dir_;
  FakeGhl ghl_;
  std::string config_path_, api_token_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  crm::HttpClient client_;
  std::set<std::string> leads_;
};

TEST_P(FaultInjectionTest, EveryLeadGetsOneTextWhateverGoHighLevelDoes) {
  // A third of all calls fail in one of six ways; slow answers outlast our 400 ms timeout.
  ghl_.inject_random_faults(0.35, 20261125, std::chrono::milliseconds(700));
  start(/*max_attempts=*/40);
  send_leads(60);
  wait_for([&] { return texts_per_lead().size() >= leads_.size(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past a lease: a second send would show
  auto dead = api("GET", "/api/v1/queue/dead");
  for (auto& server : servers_) EXPECT_EQ(server->terminate_and_wait(), 0);

  auto texts = texts_per_lead();
  for (const auto& lead : leads_) EXPECT_EQ(texts[lead], 1) << lead << " got " << texts[lead] << " texts";
  EXPECT_EQ(texts.size(), leads_.size());
  EXPECT_EQ(dead["jobs"].size(), 0u) << dead.dump();
  EXPECT_EQ(dead["messages"].size(), 0u) << dead.dump();
  auto injected = ghl_.injected();
  for (const char* kind : {"429", "500", "503", "slow", "drop_before", "drop_after"})
    EXPECT_GT(injected[kind], 0) << "no " << kind << " was injected; the test proves less than it claims";
}

TEST_P(FaultInjectionTest, DeadLettersOnlyPastMaxAttemptsThenRetriedByHand) {
  // Six failures: the text and the tier tag each fail three times, i.e. max_attempts.
  ghl_.fail_next(6, 500);
  start(/*max_attempts=*/3);
  send_leads(1);
  nlohmann::json dead;
  wait_for([&] {
    dead = api("GET", "/api/v1/queue/dead");
    return dead["messages"].size() >= 2;
  });
  ASSERT_EQ(dead["messages"].size(), 2u) << dead.dump();
  for (const auto& message : dead["messages"]) {
    EXPECT_EQ(message["attempts"], 3) << message.dump();
    EXPECT_NE(message["last_error"].get<std::string>().find("unavailable"), std::string::npos) << message.dump();
  }
  EXPECT_EQ(ghl_.requests().size(), 6u) << "each message is tried exactly max_attempts times";
  EXPECT_TRUE(ghl_.sent_sms_messages().empty());

  // GoHighLevel is back: a retry by hand sends the text once (after checking it was not sent).
  for (const auto& message : dead["messages"]) {
    auto revived = api("POST", "/api/v1/queue/dead/messages/" + std::to_string(message["id"].get<int64_t>()) + "/retry");
    EXPECT_EQ(revived["state"], "pending") << revived.dump();
  }
  wait_for([&] { return !ghl_.sent_sms_messages().empty(); });
  // Until the outbox has nothing left to send: a second send would have happened by then.
  wait_for([&] { return api("GET", "/api/v1/queue/status")["outbox"]["pending"] == 0; });
  EXPECT_EQ(ghl_.sent_sms_messages().size(), 1u);
  EXPECT_EQ(api("GET", "/api/v1/queue/dead")["messages"].size(), 0u);
  for (auto& server : servers_) EXPECT_EQ(server->terminate_and_wait(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, FaultInjectionTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
