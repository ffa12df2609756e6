// kill -9 the real server during a burst of unique signed deliveries, then check that every
// delivery that got a 2xx is in the store, on both backends, at several kill points.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "store/store.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

class CrashTest : public ::testing::TestWithParam<Backend> {};

std::string delivery(int round, int sender, int number) {
  std::string id = "crash-" + std::to_string(round) + "-" + std::to_string(sender) + "-" + std::to_string(number);
  char phone[24];
  std::snprintf(phone, sizeof phone, "+1737555%04d", (sender * 1000 + number) % 10000);
  return R"({"type":"ContactCreate","locationId":"loc1","webhookId":")" + id + R"(","id":"c-)" + id +
         R"(","firstName":"Crash","lastName":"Test","phone":")" + phone + R"("})";
}

TEST_P(CrashTest, EveryAcknowledgedDeliverySurvivesKillDashNine) {
  TempDir dir;
  ServerConfig config;
  config.directory = dir.path();
  config.database = fresh_database(GetParam(), dir);
  if (config.database.empty()) GTEST_SKIP() << kNoPostgres;
  std::string config_path = write_server_config(config);
  std::vector<std::string> acknowledged;
  constexpr int kSenders = 6;
  for (int round = 0; round < 3; ++round) {
    const int kill_after = 40 + round * 150;  // kill at different points of the burst
    ServerProcess server(config_path);
    ASSERT_TRUE(server.started()) << read_file(server.log_path());
    std::mutex mutex;
    std::atomic<int> acks{0};
    std::atomic<bool> stop{false};
    std::atomic<int> active{kSenders};
    std::vector<std::thread> senders;
    for (int sender = 0; sender < kSenders; ++sender)
      senders.emplace_back([&, sender] {
        struct Leaving {
          std::atomic<int>& active;
          ~Leaving() { --active; }
        } leaving{active};
        crm::HttpClient client;
        for (int number = 0; !stop; ++number) {
          std::string body = delivery(round, sender, number);
          auto reply = post_signed(client, server.url(), body, "x-ghl-signature");
          if (!reply.ok()) break;  // the server is gone
          if (reply->status == 200) {
            std::lock_guard lock(mutex);
            acknowledged.push_back("crash-" + std::to_string(round) + "-" + std::to_string(sender) + "-" +
                                   std::to_string(number));
            ++acks;
          }
        }
      });
    while (acks < kill_after && active > 0) std::this_thread::yield();
    server.kill_hard();  // mid-burst: requests are in flight, some batches uncommitted
    stop = true;
    for (auto& thread : senders) thread.join();
    ASSERT_GE(acks, kill_after) << "the server stopped answering before the kill: " << read_file(server.log_path());
  }
  SystemClock clock;
  auto store = store::open_store(config.database, clock);
  ASSERT_TRUE(store.ok()) << store.error().message;
  size_t missing = 0;
  for (const std::string& key : acknowledged) {
    auto found = (*store)->has_event("ghl", key);
    ASSERT_TRUE(found.ok());
    if (!*found) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged deliveries";
  auto counts = (*store)->counts();
  EXPECT_GE(counts->events, static_cast<int64_t>(acknowledged.size()));
  EXPECT_EQ(counts->events, counts->jobs);  // each event committed whole: never an event without its job
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
