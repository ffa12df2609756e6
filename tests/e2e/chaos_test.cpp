// The whole pipeline under kill -9: a burst of signed webhooks while servers are killed at
// random moments (20 kills), restarted each time; after draining, every acknowledged person got
// exactly one first-touch text at the local GoHighLevel server, and no person got two. One
// delivery in five is a duplicate of a person already sent (same name and phone, a new
// GoHighLevel contact id), as GoHighLevel's own duplicates are (#16). SQLite with one
// instance; PostgreSQL with two sharing the queue and outbox.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support/fake_ghl.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

class ChaosTest : public ::testing::TestWithParam<Backend> {};

std::string contact_id(int round, int sender, int number) {
  return "chaos" + std::to_string(round) + "x" + std::to_string(sender) + "x" + std::to_string(number);
}

// One number per person: the deliveries of one person share it.
std::string phone_of(int person) {
  char phone[24];
  std::snprintf(phone, sizeof phone, "+1737%07d", 2000000 + person);
  return phone;
}

std::string delivery(const std::string& contact, const std::string& phone) {
  return R"({"type":"ContactCreate","locationId":"loc1","webhookId":"wh-)" + contact + R"(","id":")" + contact +
         R"(","firstName":"Chaos","phone":")" + phone + R"(","state":"TX"})";
}

TEST_P(ChaosTest, EveryAcknowledgedLeadGetsExactlyOneTextAcrossTwentyKills) {
  TempDir dir;
  FakeGhl ghl;
  ServerConfig config;
  config.directory = dir.path();
  const bool postgres = GetParam() == Backend::kPostgres;
  config.database = fresh_database(GetParam(), dir);
  if (config.database.empty()) GTEST_SKIP() << kNoPostgres;
  std::string config_path = write_server_config(config);
  const std::map<std::string, std::string> env = {
      {"JORGE_GHL_API_TOKEN", "test-location-token"}, {"JORGE_GHL_API_BASE_URL", ghl.url()},
      {"JORGE_GHL_LOCATION_ID", "loc1"},              {"JORGE_COMPLIANCE_QUIET_HOURS", "off"},
      {"JORGE_QUEUE_WARM_DELAY", "0"},                {"JORGE_QUEUE_COLD_DELAY", "0"},
      {"JORGE_QUEUE_LEASE_SECONDS", "1"},             {"JORGE_GHL_REQUESTS_PER_10S", "10000"},
      {"JORGE_GHL_TIMEOUT_MS", "500"}};
  const int instances = postgres ? 2 : 1;
  std::mt19937 random(20261125);
  std::set<std::string> acknowledged;          // people (their numbers) with a delivery answered 200
  std::map<std::string, std::string> person_of;  // GoHighLevel contact id -> number
  std::mutex mutex;
  int kills = 0, serial = 0;
  for (int round = 0; kills < 20; ++round) {
    std::vector<std::unique_ptr<ServerProcess>> servers;
    for (int i = 0; i < instances; ++i) {
      servers.push_back(std::make_unique<ServerProcess>(config_path, env));
      ASSERT_TRUE(servers.back()->started()) << read_file(servers.back()->log_path());
    }
    std::atomic<int> acks{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> senders;
    for (int sender = 0; sender < 4; ++sender)
      senders.emplace_back([&, sender, first_serial = serial + sender * 10000] {
        crm::HttpClient client;
        for (int number = 0; !stop; ++number) {
          std::string contact = contact_id(round, sender, number);
          const bool duplicate = number % 5 == 4;  // the person of three deliveries ago, again
          const std::string phone = phone_of(first_serial + (duplicate ? number - 3 : number));
          {
            std::lock_guard lock(mutex);
            person_of[contact] = phone;
          }
          const std::string url = servers[static_cast<size_t>(number % instances)]->url();
          auto reply = post_signed(client, url, delivery(contact, phone), "x-ghl-signature");
          if (!reply.ok()) continue;  // that instance is gone; the other may still answer
          if (reply->status == 200) {
            std::lock_guard lock(mutex);
            acknowledged.insert(phone);
            ++acks;
          }
        }
      });
    serial += 40000;
    // Kill at a random moment: after a random number of acknowledged leads, so some texts are
    // mid-flight, some jobs claimed, some outbox rows attempted.
    for (auto& server : servers) {
      int target = acks + 1 + static_cast<int>(random() % 25);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (acks < target && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      server->kill_hard();
      ++kills;
    }
    stop = true;
    for (auto& thread : senders) thread.join();
  }
  ASSERT_GE(kills, 20);
  // Restart and drain: every acknowledged lead must get its text.
  std::vector<std::unique_ptr<ServerProcess>> survivors;
  for (int i = 0; i < instances; ++i) survivors.push_back(std::make_unique<ServerProcess>(config_path, env));
  auto texted = [&] {
    std::set<std::string> people;
    for (const auto& contact : ghl.sent_sms_contacts()) people.insert(person_of.at(contact));
    return people;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto done = texted();
    if (std::includes(done.begin(), done.end(), acknowledged.begin(), acknowledged.end())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past a lease: any second send would show now
  for (auto& survivor : survivors) EXPECT_EQ(survivor->terminate_and_wait(), 0);
  std::map<std::string, int> texts_per_person;
  for (const auto& contact : ghl.sent_sms_contacts()) ++texts_per_person[person_of.at(contact)];
  size_t missing = 0, doubled = 0;
  for (const auto& person : acknowledged)
    if (!texts_per_person.count(person)) ++missing;
  for (const auto& [person, count] : texts_per_person)
    if (count > 1) ++doubled;
  EXPECT_GT(acknowledged.size(), 40u);
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged people got no text";
  EXPECT_EQ(doubled, 0u) << "people got more than one first-touch text";
}

INSTANTIATE_TEST_SUITE_P(Backends, ChaosTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
