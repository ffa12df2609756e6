// #15: quiet hours in each recipient's own zone, through the real binary whose clock starts at
// a chosen minute (`clock.start`) and the local GoHighLevel server, on both backends. Each
// person independent tries texted too early is here, held until 09:00 where they are.
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

class QuietHoursEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    config_.directory = dir_.path();
    config_.database = fresh_database(GetParam(), dir_);
    if (config_.database.empty()) GTEST_SKIP() << kNoPostgres;
  }

  // Wednesday 2026-12-02 15:30 UTC: 09:30 in Austin, 08:30 in El Paso, 05:30 in Honolulu,
  // Thursday 01:30 in Guam and 00:30 in Tokyo.
  void start(const std::string& clock_start = "2026-12-02T15:30:00Z") {
    server_ = std::make_unique<ServerProcess>(
        write_server_config(config_),
        std::map<std::string, std::string>{{"JORGE_GHL_API_TOKEN", "test-location-token"},
                                           {"JORGE_GHL_API_BASE_URL", ghl_.url()},
                                           {"JORGE_GHL_LOCATION_ID", "kX3pLm9QaR2sT5vW8yZ1"},
                                           {"JORGE_QUEUE_WARM_DELAY", "0"},
                                           {"JORGE_QUEUE_COLD_DELAY", "0"},
                                           {"JORGE_CLOCK_START", clock_start}});
    ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  }

  json api(const std::string& path) {
    auto reply = client_.request("GET", server_->url() + path, {{"Authorization", "Bearer " + config_.api_token}});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? json::parse(reply->body, nullptr, false) : json();
  }

  // A GoHighLevel contact of its own at `phone`, with an address only where given.
  void contact(const std::string& id, const std::string& phone, const std::string& state, const std::string& zip) {
    json body = json::parse(fixture("ghl/contact_create.json"));
    body["id"] = id;
    body["webhookId"] = "create-" + id;
    body["firstName"] = id;
    body["name"] = id + " Delgado";
    body["email"] = id + "@example.com";
    body["phone"] = phone;
    for (const char* field : {"address1", "city", "state", "postalCode"}) body.erase(field);
    if (!state.empty()) body["state"] = state;
    if (!zip.empty()) body["postalCode"] = zip;
    auto reply = post_signed(client_, server_->url(), body.dump());
    ASSERT_TRUE(reply.ok());
    ASSERT_EQ(reply->status, 200) << reply->body;
  }

  // The lead's waiting or stopped first text, once the worker and the sender have seen it.
  json first_text_of(const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      const json leads = api("/api/v1/leads?limit=100")["leads"];
      for (const auto& lead : leads) {
        if (lead["name"] != id + " Delgado") continue;
        json detail = api("/api/v1/leads/" + std::to_string(lead["id"].get<int64_t>()));
        for (const auto& message : detail["outbox"])
          if (message["kind"] == "sms" && message["state"] == "pending" && message["reason"] != "") return message;
      }
      const json dead = api("/api/v1/queue/dead");  // kept: a loop over a temporary's member dangles
      for (const auto& message : dead["messages"])
        if (id == "TollFree" && message["last_error"].is_string() &&
            message["last_error"].get<std::string>().rfind("time zone unknown", 0) == 0)
          return message;
      if (std::chrono::steady_clock::now() > deadline) return json();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  TempDir dir_;
  ServerConfig config_;
  FakeGhl ghl_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
};

TEST_P(QuietHoursEndToEnd, EachRecipientIsTextedFromNineInTheirOwnZone) {
  start();
  contact("Austin", "+15125550101", "TX", "78751");
  contact("ElPaso", "+19155550102", "TX", "79901");
  contact("TexasHomeHawaiiPhone", "+18085550103", "TX", "78751");
  contact("Guam", "+16715550104", "", "");
  contact("Tokyo", "+81312345678", "", "");
  contact("TollFree", "+18005550105", "", "");
  // In Austin it is 09:30: that one goes now.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ghl_.sent_sms_messages().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(ghl_.sent_sms_messages().size(), 1u) << read_file(server_->log_path());
  const std::map<std::string, std::string> held_until = {
      {"ElPaso", "2026-12-02T16:00:00.000Z"},                // 09:00 MST
      {"TexasHomeHawaiiPhone", "2026-12-02T19:00:00.000Z"},  // 09:00 HST: both zones allow it
      {"Guam", "2026-12-02T23:00:00.000Z"},                  // Thursday 09:00 ChST
      {"Tokyo", "2026-12-03T00:00:00.000Z"},                 // Thursday 09:00 JST
  };
  for (const auto& [id, until] : held_until) {
    json text = first_text_of(id);
    ASSERT_TRUE(text.is_object()) << id;
    EXPECT_EQ(text["reason"], "quiet hours until " + until) << id << ": " << text.dump();
    EXPECT_EQ(text["due_at"], until) << id;
  }
  // A number with no place and no address: never a guess; a person decides (a dead letter).
  json toll_free = first_text_of("TollFree");
  ASSERT_TRUE(toll_free.is_object()) << api("/api/v1/queue/dead").dump();
  json status = api("/api/v1/queue/status");
  EXPECT_EQ(status["outbox"]["held_quiet_hours"], 4) << status.dump();
  EXPECT_EQ(ghl_.sent_sms_messages().size(), 1u);
  // /metrics counts what each rule holds.
  auto metrics = client_.request("GET", server_->url() + "/metrics", {});
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("jorge_outbox_held_messages{rule=\"quiet_hours\"} 4"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("jorge_outbox_held_messages{rule=\"time_zone_unknown\"} 1"), std::string::npos);
  EXPECT_EQ(server_->terminate_and_wait(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, QuietHoursEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
