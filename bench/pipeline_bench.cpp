// The pipeline end to end, on the real binary with a local GoHighLevel server:
//  1. speed to lead: LEADS leads (one in five hot) arrive within SPREAD seconds while the
//     local server enforces 100 requests per 10 s; time from the webhook's 200 to the SMS
//     reaching GoHighLevel, per tier; every lead must get its text, no 429 provoked.
//  2. throughput with the rate limit lifted: JOBS leads stored first, then workers started;
//     jobs per second until the queue is empty.
// Usage: pipeline_bench [sqlite|postgres URL] (env LEADS=1000 SPREAD=60 JOBS=20000)
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/fake_ghl.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

using namespace jorge;
using namespace jorge::testing;
using Stopwatch = std::chrono::steady_clock;

namespace {

int env_int(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text ? std::atoi(text) : fallback;
}

// Hot: an inbound text that asks for a showing, pre-approved, this week. Others: a bare
// contact (cold) or one with budget and timeline fields (warm).
std::string lead_body(int number, bool hot, const std::string& run) {
  std::string contact = "bench" + run + "c" + std::to_string(number);
  char phone[24];
  std::snprintf(phone, sizeof phone, "+1737%07d", 3000000 + number);
  if (hot)
    return R"({"type":"InboundMessage","locationId":"loc1","webhookId":"wh-)" + contact + R"(","contactId":")" +
           contact + R"(","messageType":"SMS","messageId":"m-)" + contact + R"(","from":")" + phone +
           R"(","body":"We're pre-approved up to 600k and want to see the Mueller house this week. Free Saturday?"})";
  bool warm = number % 2 == 0;
  std::string fields = warm ? R"(,"customFields":[{"id":"budget","value":450000},{"id":"timeline","value":"3-6 months"}])" : "";
  return R"({"type":"ContactCreate","locationId":"loc1","webhookId":"wh-)" + contact + R"(","id":")" + contact +
         R"(","firstName":"Bench","phone":")" + phone + R"(","state":"TX")" + fields + "}";
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())))];
}

std::string fresh_database(const TempDir& dir, const std::string& backend) {
  return testing::fresh_database(backend == "postgres" ? Backend::kPostgres : Backend::kSqlite, dir);
}

void speed_to_lead(const std::string& backend) {
  const int leads = env_int("LEADS", 1000), spread = env_int("SPREAD", 60);
  TempDir dir;
  FakeGhl ghl;
  ghl.enforce_rate_limit(100, std::chrono::seconds(10));
  ServerConfig config;
  config.directory = dir.path();
  config.database = fresh_database(dir, backend);
  ServerProcess server(write_server_config(config), {{"JORGE_GHL_API_TOKEN", "t"}, {"JORGE_GHL_API_BASE_URL", ghl.url()},
                                                     {"JORGE_GHL_LOCATION_ID", "loc1"},
                                                     {"JORGE_COMPLIANCE_QUIET_HOURS", "off"}, {"JORGE_WORKERS", "4"},
                                                     {"JORGE_QUEUE_WARM_DELAY", std::to_string(env_int("WARM_DELAY", 60))},
                                                     {"JORGE_QUEUE_COLD_DELAY", std::to_string(env_int("COLD_DELAY", 300))}});
  if (!server.started()) { std::fprintf(stderr, "server did not start: %s\n", read_file(server.log_path()).c_str()); return; }
  std::map<std::string, Stopwatch::time_point> acked;
  std::map<std::string, bool> is_hot;
  crm::HttpClient client;
  auto start = Stopwatch::now();
  for (int i = 0; i < leads; ++i) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(int64_t{spread} * 1000 * i / leads));
    bool hot = i % 5 == 0;
    std::string contact = "benchsc" + std::to_string(i);
    auto reply = post_signed(client, server.url(), lead_body(i, hot, "s"), "x-ghl-signature");
    if (reply.ok() && reply->status == 200) {
      acked[contact] = Stopwatch::now();
      is_hot[contact] = hot;
    }
  }
  std::printf("speed-to-lead %s: %zu of %d leads acknowledged in %.1f s; waiting for every text\n", backend.c_str(),
              acked.size(), leads, std::chrono::duration<double>(Stopwatch::now() - start).count());
  auto deadline = Stopwatch::now() + std::chrono::seconds(spread * 2 + 400);
  while (ghl.sent_sms_contacts().size() < acked.size() && Stopwatch::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto contacts = ghl.sent_sms_contacts();
  auto times = ghl.sent_sms_times();
  std::vector<double> hot_ms, other_ms;
  std::map<std::string, int> per_contact;
  for (size_t i = 0; i < contacts.size(); ++i) {
    ++per_contact[contacts[i]];
    auto found = acked.find(contacts[i]);
    if (found == acked.end()) continue;
    double ms = std::chrono::duration<double, std::milli>(times[i] - found->second).count();
    (is_hot[contacts[i]] ? hot_ms : other_ms).push_back(ms);
  }
  size_t doubled = std::count_if(per_contact.begin(), per_contact.end(), [](const auto& p) { return p.second > 1; });
  std::printf("RESULT speed_to_lead_%s hot: n=%zu p50=%.1fms p99=%.1fms | warm+cold (delays %d/%d s): n=%zu p50=%.0fms "
              "p99=%.0fms | texted=%zu of %zu acknowledged, doubled=%zu, 429s=%d, last text %.0f s after start\n",
              backend.c_str(), hot_ms.size(), percentile(hot_ms, 0.5), percentile(hot_ms, 0.99),
              env_int("WARM_DELAY", 60), env_int("COLD_DELAY", 300), other_ms.size(),
              percentile(other_ms, 0.5), percentile(other_ms, 0.99), per_contact.size(), acked.size(), doubled,
              ghl.throttled(), times.empty() ? 0.0 : std::chrono::duration<double>(times.back() - start).count());
  server.terminate_and_wait();
}

void throughput(const std::string& backend) {
  const int jobs = env_int("JOBS", 20000);
  TempDir dir;
  FakeGhl ghl;
  ServerConfig config;
  config.directory = dir.path();
  config.database = fresh_database(dir, backend);
  std::string config_path = write_server_config(config);
  std::map<std::string, std::string> env = {{"JORGE_GHL_API_TOKEN", "t"}, {"JORGE_GHL_API_BASE_URL", ghl.url()},
                                            {"JORGE_GHL_LOCATION_ID", "loc1"}, {"JORGE_COMPLIANCE_QUIET_HOURS", "off"},
                                            {"JORGE_QUEUE_WARM_DELAY", "0"}, {"JORGE_QUEUE_COLD_DELAY", "0"},
                                            {"JORGE_GHL_REQUESTS_PER_10S", "10000"}, {"JORGE_LOG_LEVEL", "warn"}};
  {  // store the leads first, with no workers
    env["JORGE_WORKERS"] = "0";
    ServerProcess loader(config_path, env);
    if (!loader.started()) {
      std::fprintf(stderr, "server did not start: %s\n", read_file(loader.log_path()).c_str());
      return;
    }
    std::vector<std::thread> senders;
    for (int t = 0; t < 8; ++t)
      senders.emplace_back([&, t] {
        crm::HttpClient client;
        for (int i = t; i < jobs; i += 8) (void)post_signed(client, loader.url(), lead_body(i, i % 5 == 0, "t"), "x-ghl-signature");
      });
    for (auto& thread : senders) thread.join();
    loader.terminate_and_wait();
  }
  env["JORGE_WORKERS"] = std::to_string(env_int("WORKERS", 4));
  auto start = Stopwatch::now();
  ServerProcess server(config_path, env);
  if (!server.started()) {
    std::fprintf(stderr, "server did not start: %s\n", read_file(server.log_path()).c_str());
    return;
  }
  crm::HttpClient client;
  int64_t depth = -1;
  while (depth != 0 && Stopwatch::now() - start < std::chrono::seconds(600)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto reply = client.request("GET", server.url() + "/api/v1/queue/status", {{"Authorization", "Bearer " + config.api_token}});
    if (reply.ok() && reply->status == 200) depth = nlohmann::json::parse(reply->body)["depth"].get<int64_t>();
  }
  double jobs_seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
  while (ghl.sent_sms_contacts().size() < static_cast<size_t>(jobs) && Stopwatch::now() - start < std::chrono::seconds(300))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  double all_seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
  std::printf("RESULT pipeline_throughput_%s: %d jobs in %.2f s = %.0f jobs/s (workers=%s); %zu texts sent in %.2f s = %.0f texts/s\n",
              backend.c_str(), jobs, jobs_seconds, jobs / jobs_seconds, env["JORGE_WORKERS"].c_str(),
              ghl.sent_sms_contacts().size(), all_seconds, static_cast<double>(ghl.sent_sms_contacts().size()) / all_seconds);
  server.terminate_and_wait();
}

}  // namespace

int main(int argc, char** argv) {
  std::string backend = argc > 1 ? argv[1] : "sqlite";
  std::string what = argc > 2 ? argv[2] : "all";
  if (backend == "postgres" && postgres_admin_url().empty()) {
    std::fprintf(stderr, "set JORGE_TEST_POSTGRES_URL for the postgres run\n");
    return 2;
  }
  if (what == "all" || what == "throughput") throughput(backend);
  if (what == "all" || what == "speed") speed_to_lead(backend);
  return 0;
}
