// How soon a lead e-mail dropped into a real Dovecot mailbox is a contact, and a scored one,
// in a running `jorge serve` (SQLite, IDLE, poll interval ten minutes so only IDLE counts).
// Queue tier delays are 0 here: with the defaults a cold lead's job, which stores its score,
// waits queue.cold_delay by design; the contact itself appears as fast either way.
//
//   email_bench FIXTURES_DIR [COUNT]
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "support/dovecot.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

using namespace jorge::testing;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FIXTURES_DIR [COUNT]\n", argv[0]);
    return 2;
  }
  std::string base = read_file(std::string(argv[1]) + "/email/lead_missing_phone.eml");
  int count = argc > 2 ? std::atoi(argv[2]) : 20;
  Dovecot dovecot;
  if (!dovecot.started()) {
    std::fprintf(stderr, "%s\n", dovecot.error().c_str());
    return 1;
  }
  TempDir dir;
  ServerConfig config;
  config.directory = dir.path();
  config.database = "sqlite://" + dir.file("jorge.db");
  config.extra_toml = {"[queue]", "hot_delay = 0", "warm_delay = 0", "cold_delay = 0", "[sources.mailbox]",
                       "kind = \"email\"", "imap_url = \"" + dovecot.url() + "\"",
                       std::string("username = \"") + Dovecot::kUser + "\"",
                       std::string("password = \"") + Dovecot::kPassword + "\"", "poll_seconds = 600"};
  ServerProcess server(write_server_config(config));
  if (!server.started()) return 1;
  jorge::crm::HttpClient http;
  auto get = [&](const std::string& path) {
    auto reply = http.request("GET", server.url() + path, {{"Authorization", "Bearer " + config.api_token}});
    return reply.ok() ? nlohmann::json::parse(reply->body, nullptr, false) : nlohmann::json();
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the poller is in IDLE
  std::vector<double> contact_ms, scored_ms;
  for (int i = 0; i < count; ++i) {
    std::string message = base, id = "bench-" + std::to_string(i);
    message.replace(message.find("rdc-20261122-000055"), 19, id);
    message.replace(message.find("kim.osei@example.org"), 20, id + "@example.org");
    auto start = Clock::now();
    dovecot.deliver(message);
    int64_t lead_id = 0;
    bool scored = false;
    while (Clock::now() - start < std::chrono::seconds(30) && !scored) {
      if (lead_id == 0) {
        auto leads = get("/api/v1/leads?limit=500");
        if (leads.is_object())
          for (const auto& lead : leads["leads"])
            if (lead["email"] == id + "@example.org") lead_id = lead["id"].get<int64_t>();
        if (lead_id) contact_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      } else {
        auto lead = get("/api/v1/leads/" + std::to_string(lead_id));
        scored = lead.is_object() && !lead["score"].is_null();
        if (scored) scored_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      }
      if (!scored) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  auto report = [](const char* name, std::vector<double> ms, int count) {
    std::sort(ms.begin(), ms.end());
    if (ms.empty()) return std::printf("RESULT %s none of %d arrived\n", name, count), void();
    std::printf("RESULT %s n=%zu/%d p50=%.0fms max=%.0fms\n", name, ms.size(), count, ms[ms.size() / 2], ms.back());
  };
  report("email_to_contact", contact_ms, count);
  report("email_to_scored_contact", scored_ms, count);
  return 0;
}
