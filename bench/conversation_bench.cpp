// Conversations live (#19), on the real binary with a local GoHighLevel server that enforces
// GoHighLevel's 100 requests per 10 s: CONVERSATIONS leads are greeted, then each texts back
// within SPREAD seconds (all of them in conversation at once); for each text, the time from the
// webhook's 200 to the bot's reply reaching GoHighLevel, with bots.reply_delay = 0. Every text
// must get exactly one reply.
// CHAOS=N: the server is killed (SIGKILL) and restarted after every N texts; a text the dead
// server did not acknowledge is sent again, as GoHighLevel redelivers. Still exactly one reply
// per text.
// Usage: conversation_bench [sqlite|postgres] (env CONVERSATIONS=200 SPREAD=30 CHAOS=0)
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
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

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())))];
}

std::string contact_id(int i) { return "benchConv" + std::to_string(i); }
std::string phone_of(int i) {
  char phone[24];
  std::snprintf(phone, sizeof phone, "+1737%07d", 4000000 + i);
  return phone;
}

const char* kReplies[] = {"we're looking in hutto, around 400k", "pre-approved for 380k with our credit union",
                          "hoping to move by june", "3 bed 2 bath in round rock", "just browsing for now",
                          "thinking of selling, relocating for work"};

}  // namespace

int main(int argc, char** argv) {
  const std::string backend = argc > 1 ? argv[1] : "sqlite";
  const int conversations = env_int("CONVERSATIONS", 200), spread = env_int("SPREAD", 30), chaos = env_int("CHAOS", 0);
  TempDir dir;
  FakeGhl ghl;
  ghl.enforce_rate_limit(100, std::chrono::seconds(10));
  ServerConfig config;
  config.directory = dir.path();
  config.database = fresh_database(backend == "postgres" ? Backend::kPostgres : Backend::kSqlite, dir);
  if (config.database.empty()) {
    std::fprintf(stderr, "postgres: set JORGE_TEST_POSTGRES_URL\n");
    return 2;
  }
  const std::string config_path = write_server_config(config);
  const std::map<std::string, std::string> env = {
      {"JORGE_GHL_API_TOKEN", "t"}, {"JORGE_GHL_API_BASE_URL", ghl.url()}, {"JORGE_GHL_LOCATION_ID", "loc1"},
      {"JORGE_COMPLIANCE_QUIET_HOURS", "off"}, {"JORGE_WORKERS", "4"}, {"JORGE_QUEUE_WARM_DELAY", "0"},
      {"JORGE_QUEUE_COLD_DELAY", "0"}, {"JORGE_BOTS_REPLY_DELAY", "0"}, {"JORGE_QUEUE_LEASE_SECONDS", "12"}};
  auto running = std::make_unique<ServerProcess>(config_path, env);
  if (!running->started()) {
    std::fprintf(stderr, "server did not start: %s\n", read_file(running->log_path()).c_str());
    return 1;
  }
  int kills = 0;
  crm::HttpClient client;
  // 1. Every lead greeted first (the greetings share the rate limit with nothing else).
  for (int i = 0; i < conversations; ++i) {
    const nlohmann::json body = {{"type", "ContactCreate"}, {"locationId", "loc1"}, {"webhookId", "wh-c" + std::to_string(i)},
                                 {"id", contact_id(i)}, {"firstName", "Bench"}, {"phone", phone_of(i)}, {"state", "TX"}};
    auto reply = post_signed(client, running->url(), body.dump(), "x-ghl-signature");
    if (!reply.ok() || reply->status != 200) std::fprintf(stderr, "contact %d not accepted\n", i);
  }
  const auto greeted_by = Stopwatch::now() + std::chrono::seconds(120);
  while (static_cast<int>(ghl.sent_sms_messages().size()) < conversations && Stopwatch::now() < greeted_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const size_t greetings = ghl.sent_sms_messages().size();
  std::printf("greeted %zu of %d leads\n", greetings, conversations);
  // 2. Every lead texts back within SPREAD seconds.
  std::map<std::string, Stopwatch::time_point> acked;
  const auto start = Stopwatch::now();
  for (int i = 0; i < conversations; ++i) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(int64_t{spread} * 1000 * i / conversations));
    const nlohmann::json body = {{"type", "InboundMessage"}, {"locationId", "loc1"}, {"webhookId", "wh-m" + std::to_string(i)},
                                 {"contactId", contact_id(i)}, {"messageType", "SMS"}, {"messageId", "benchMsg" + std::to_string(i)},
                                 {"from", phone_of(i)}, {"body", kReplies[i % std::size(kReplies)]}};
    // Until acknowledged: GoHighLevel redelivers what was not answered 200.
    for (int attempt = 0; attempt < 50; ++attempt) {
      auto reply = post_signed(client, running->url(), body.dump(), "x-ghl-signature");
      if (reply.ok() && reply->status == 200) {
        acked[contact_id(i)] = Stopwatch::now();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!acked.count(contact_id(i))) std::fprintf(stderr, "message %d not accepted\n", i);
    if (chaos > 0 && (i + 1) % chaos == 0 && i + 1 < conversations) {
      running->kill_hard();  // mid-turn, mid-send: whatever the server was doing
      running = std::make_unique<ServerProcess>(config_path, env);
      ++kills;
      if (!running->started()) {
        std::fprintf(stderr, "server did not restart: %s\n", read_file(running->log_path()).c_str());
        return 1;
      }
    }
  }
  const auto done_by = Stopwatch::now() + std::chrono::seconds(chaos > 0 ? 180 : 120);
  while (ghl.sent_sms_messages().size() < greetings + acked.size() && Stopwatch::now() < done_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a second reply, if any, would come now
  const auto contacts = ghl.sent_sms_contacts();
  const auto times = ghl.sent_sms_times();
  std::vector<double> latencies_ms;
  std::map<std::string, int> replies;
  for (size_t k = greetings; k < contacts.size(); ++k) {
    const auto found = acked.find(contacts[k]);
    if (found == acked.end()) continue;
    if (++replies[contacts[k]] == 1)
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(times[k] - found->second).count());
  }
  int missing = 0, doubled = 0;
  for (const auto& [contact, at] : acked) {
    const int count = replies.count(contact) ? replies[contact] : 0;
    if (count == 0) ++missing;
    if (count > 1) ++doubled;
  }
  std::printf("%s%s: %zu texts acknowledged, %zu replied; webhook 200 -> reply at GoHighLevel: p50 %.1f ms, p90 %.1f ms, "
              "p99 %.1f ms, max %.1f ms; missing %d, replied twice %d; throttled by the local server %d\n",
              backend.c_str(), chaos > 0 ? (" with " + std::to_string(kills) + " kill -9").c_str() : "", acked.size(),
              latencies_ms.size(), percentile(latencies_ms, 0.5),
              percentile(latencies_ms, 0.9), percentile(latencies_ms, 0.99), percentile(latencies_ms, 1.0), missing, doubled,
              ghl.throttled());
  if (const char* keep = std::getenv("KEEP")) {  // the server's directory (its SQLite database) for a look afterwards
    running.reset();
    std::filesystem::copy(dir.path(), keep, std::filesystem::copy_options::recursive);
  }
  return missing == 0 && doubled == 0 ? 0 : 1;
}
