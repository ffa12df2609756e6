// Lead e-mails through the real binary and a real Dovecot, on both backends: every fixture
// in once, \Seen only after the commit, IDLE noticing new mail, restarts and a changed
// UIDVALIDITY importing nothing twice.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "store/store.hpp"
#include "support/dovecot.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

using nlohmann::json;

class EmailEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dovecot_.started()) << dovecot_.error();
    database_ = fresh_database(GetParam(), dir_);
    if (database_.empty()) GTEST_SKIP() << kNoPostgres;
    write_file(dir_.file("mailbox.password"), std::string(Dovecot::kPassword) + "\n");
  }
  void start_jorge() {
    ServerConfig config;
    config.directory = dir_.path();
    config.database = database_;
    token_ = config.api_token;
    // A long poll interval: new mail must be noticed by IDLE, not by the next poll.
    config.extra_toml = {"[sources.leads_mailbox]", "kind = \"email\"", "imap_url = \"" + dovecot_.url() + "\"",
                         std::string("username = \"") + Dovecot::kUser + "\"",
                         "password_file = \"" + dir_.file("mailbox.password") + "\"", "poll_seconds = 600"};
    server_ = std::make_unique<ServerProcess>(write_server_config(config));
    ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  }
  json leads() {
    auto reply = client_.request("GET", server_->url() + "/api/v1/leads?limit=500",
                                 {{"Authorization", "Bearer " + token_}});
    return reply.ok() ? json::parse(reply->body)["leads"] : json::array();
  }
  json wait_for_leads(size_t count) {
    json found = leads();
    for (int i = 0; i < 200 && found.size() < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      found = leads();
    }
    return found;
  }
  store::StoreCounts counts() {
    SystemClock clock;
    auto store = store::open_store(database_, clock);
    auto counted = (*store)->counts();
    (*store)->close();
    return *counted;
  }

  Dovecot dovecot_;
  TempDir dir_;
  std::string database_, token_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
};

TEST_P(EmailEndToEnd, EveryLeadEmailOnceSeenAfterCommitAndNothingTwiceAcrossRestarts) {
  for (const char* name : {"zillow_lead_multipart_qp.eml", "realtor_lead_html_only.eml", "forwarded_generic_lead.eml",
                           "lead_missing_phone.eml", "zillow_lead_forwarded_duplicate.eml"})
    dovecot_.deliver(fixture(std::string("email/") + name));
  start_jorge();
  json found = wait_for_leads(4);
  ASSERT_EQ(found.size(), 4u) << found.dump() << read_file(server_->log_path());  // the forwarded copy is Maria again
  std::map<std::string, json> by_name;
  for (const json& lead : found) by_name[lead["name"]] = lead;
  EXPECT_EQ(by_name["Maria Delgado"]["phone"], "+15125550123");
  EXPECT_EQ(by_name["Maria Delgado"]["sources"], json::array({"zillow"}));
  EXPECT_EQ(by_name["Jamal Brooks"]["sources"], json::array({"realtor"}));
  EXPECT_EQ(by_name["Jos\xC3\xA9 Pe\xC3\xB1" "a"]["email"], "jose.pena@example.net");
  EXPECT_EQ(by_name["Jos\xC3\xA9 Pe\xC3\xB1" "a"]["sources"], json::array({"leads_mailbox"}));
  EXPECT_TRUE(by_name["Kim Osei"]["phone"].is_null());
  for (int i = 0; i < 100 && dovecot_.seen() < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(dovecot_.seen(), 5);

  // New mail while Jorge waits in IDLE (the poll interval is ten minutes).
  std::string fresh = fixture("email/lead_missing_phone.eml");
  fresh.replace(fresh.find("rdc-20261122-000055"), 19, "rdc-20261125-000999");
  fresh.replace(fresh.find("kim.osei@example.org"), 20, "ann.lee@example.org!");
  fresh.replace(fresh.find("Kim"), 3, "Ann");
  fresh.replace(fresh.find("Osei"), 4, "Leee");
  dovecot_.deliver(fresh);
  EXPECT_EQ(wait_for_leads(5).size(), 5u) << read_file(server_->log_path());

  // A restart reads nothing again; neither does a mailbox renumbered under a new UIDVALIDITY.
  ASSERT_EQ(server_->terminate_and_wait(), 0);
  store::StoreCounts before = counts();
  dovecot_.stop();
  dovecot_.renumber();
  dovecot_.start();
  ASSERT_TRUE(dovecot_.started()) << dovecot_.error();
  start_jorge();
  std::string log;
  for (int i = 0; i < 100 && log.find("UIDVALIDITY changed") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log = read_file(server_->log_path());
  }
  EXPECT_NE(log.find("UIDVALIDITY changed"), std::string::npos) << log;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(leads().size(), 5u);
  store::StoreCounts after = counts();
  EXPECT_EQ(after.contacts, before.contacts);
  EXPECT_EQ(after.jobs, before.jobs);
  EXPECT_EQ(log.find("ann.lee"), std::string::npos);  // no personal data in the log
}

// The mailbox over implicit TLS: the server's certificate is checked against the configured CA
// and the host name; without that CA the connection is refused and nothing is read.
TEST(EmailOverTls, ReadsWithTheTrustedCaAndRefusesAnUntrustedCertificate) {
  Dovecot dovecot(/*tls=*/true);
  ASSERT_TRUE(dovecot.started()) << dovecot.error();
  dovecot.deliver(fixture("email/realtor_lead_html_only.eml"));
  for (bool trusted : {false, true}) {
    TempDir dir;
    ServerConfig config;
    config.directory = dir.path();
    config.database = "sqlite://" + dir.file("jorge.db");
    config.extra_toml = {"[sources.mailbox]", "kind = \"email\"", "imap_url = \"" + dovecot.url() + "\"",
                         std::string("username = \"") + Dovecot::kUser + "\"",
                         std::string("password = \"") + Dovecot::kPassword + "\""};
    if (trusted) config.extra_toml.push_back("ca_file = \"" + dovecot.ca_file() + "\"");
    ServerProcess server(write_server_config(config));
    ASSERT_TRUE(server.started()) << read_file(server.log_path());
    crm::HttpClient client;
    size_t leads = 0;
    std::string log;
    for (int i = 0; i < 100; ++i) {
      auto reply = client.request("GET", server.url() + "/api/v1/leads", {{"Authorization", "Bearer " + config.api_token}});
      leads = reply.ok() ? json::parse(reply->body)["leads"].size() : 0;
      log = read_file(server.log_path());
      if (leads > 0 || log.find("TLS with localhost failed") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (trusted) {
      EXPECT_EQ(leads, 1u) << log;
    } else {
      EXPECT_EQ(leads, 0u);
      EXPECT_NE(log.find("TLS with localhost failed"), std::string::npos) << log;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, EmailEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
