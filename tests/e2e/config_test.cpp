// Start-up refuses bad configuration with a message naming the key, exit code 2.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

void expect_refused(const std::string& toml, const std::string& key, const std::map<std::string, std::string>& env = {}) {
  TempDir dir;
  write_file(dir.file("jorge.toml"), toml);
  std::string output;
  EXPECT_EQ(run_jorge({"serve", "--config", dir.file("jorge.toml"), "--listen", "127.0.0.1:0"}, &output, env), 2) << output;
  EXPECT_NE(output.find(key), std::string::npos) << "expected the message to name " << key << ": " << output;
}

TEST(Config, MissingTokenStopsStartupNamingTheKey) {
  expect_refused("database = \"sqlite://x.db\"\n[ghl]\nverify_signatures = false\n", "api_token");
}

TEST(Config, MissingWebhookKeyStopsStartupNamingTheKey) {
  expect_refused("api_token = \"0123456789abcdef0123\"\n", "ghl.webhook_public_key_file");
}

TEST(Config, BadDatabaseUrlStopsStartup) {
  expect_refused("api_token = \"0123456789abcdef0123\"\ndatabase = \"mysql://x\"\n[ghl]\nverify_signatures = false\n",
                 "database");
}

TEST(Config, UnknownKeyStopsStartup) {
  expect_refused("api_token = \"0123456789abcdef0123\"\nlisten_port = 9\n[ghl]\nverify_signatures = false\n",
                 "listen_port");
}

TEST(Config, EnvironmentOverridesFile) {
  expect_refused("api_token = \"0123456789abcdef0123\"\n[ghl]\nverify_signatures = false\n", "http.max_body_bytes",
                 {{"JORGE_HTTP_MAX_BODY_BYTES", "lots"}});
}

TEST(Config, UnreadableKeyFileStopsStartup) {
  expect_refused("api_token = \"0123456789abcdef0123\"\n[ghl]\nwebhook_public_key_file = \"/nonexistent.pem\"\n",
                 "ghl.webhook_public_key_file");
}

}  // namespace

TEST(Config, MisconfiguredSourcesStopStartupNamingTheKey) {
  const std::string base = "api_token = \"0123456789abcdef0123\"\n[ghl]\nverify_signatures = false\n";
  expect_refused(base + "[sources.facebook]\nverify_token = \"x\"\n", "sources.facebook.app_secret");
  expect_refused(base + "[sources.zillow]\ncost_per_lead = 35\n", "sources.zillow.secret");
  expect_refused(base + "[sources.zillow]\nsecret = \"s\"\ncost_per_lead = \"cheap\"\n", "sources.zillow.cost_per_lead");
  expect_refused(base + "[sources.inbox]\nkind = \"email\"\nimap_url = \"http://x\"\n", "sources.inbox.imap_url");
  expect_refused(base + "[sources.tiktok]\nsecret = \"s\"\n", "sources.tiktok.kind");
  expect_refused(base + "[sources.zillow]\nsekret = \"s\"\n", "sources.zillow.sekret");
  // The environment alone can configure a source, like every key: here a bad graph URL.
  expect_refused(base, "sources.facebook.graph_base_url",
                 {{"JORGE_SOURCES_FACEBOOK_APP_SECRET", "s"}, {"JORGE_SOURCES_FACEBOOK_GRAPH_BASE_URL", "ftp://x"}});
  expect_refused(base + "[identity]\nmerge_threshold = 2\n", "identity.merge_threshold");
}

// #14: every command that reads jorge.toml reads it the same way: an unknown key stops each of
// them with the same message, exit 2.
TEST(Config, EveryCommandRefusesTheSameUnknownKey) {
  TempDir dir;
  write_file(dir.file("jorge.toml"), "database = \"sqlite://" + dir.file("x.db") + "\"\nlisten_port = 9\n");
  write_file(dir.file("one.csv"), "First Name,Phone\nAna,(512) 555-0111\n");
  const std::string config = dir.file("jorge.toml");
  const std::vector<std::vector<std::string>> commands = {
      {"serve", "--config", config, "--listen", "127.0.0.1:0"},
      {"stats", "--config", config},
      {"models", "list", "--config", config},
      {"import", "--source", "open_house", "--data", dir.file("one.csv"), "--config", config},
      {"dedup", "--apply", "--config", config},
      {"backfill", "--form", "123", "--config", config},
  };
  for (const auto& command : commands) {
    std::string output;
    EXPECT_EQ(run_jorge(command, &output), 2) << command[0] << ": " << output;
    EXPECT_NE(output.find("listen_port: unknown key"), std::string::npos) << command[0] << ": " << output;
  }
}

// #15: a clock.start that is not a time stops the server with the key named, exit 2; the real
// clock is never silently replaced by a guess.
TEST(Config, AClockStartThatIsNotATimeIsRefused) {
  TempDir dir;
  write_file(dir.file("jorge.toml"), "database = \"sqlite://" + dir.file("x.db") +
                                         "\"\napi_token = \"test-api-token-0123456789\"\n[clock]\nstart = \"next tuesday\"\n"
                                         "[ghl]\nverify_signatures = false\n");
  std::string output;
  EXPECT_EQ(run_jorge({"serve", "--config", dir.file("jorge.toml"), "--listen", "127.0.0.1:0"}, &output), 2) << output;
  EXPECT_NE(output.find("clock.start"), std::string::npos) << output;
  EXPECT_NE(output.find("ISO 8601"), std::string::npos) << output;
}

TEST(Config, DatabaseCommandsNeedOnlyTheDatabase) {
  // `jorge models`, `train --from-store`, `dedup --apply`, `import` open the database and nothing
  // else: no API token or webhook key is asked of them.
  TempDir dir;
  write_file(dir.file("jorge.toml"), "database = \"sqlite://" + dir.file("tool.db") + "\"\n");
  std::string output;
  // Listing reads only: before anything created the database it says so (#14) instead of creating it.
  EXPECT_EQ(run_jorge({"models", "list", "--config", dir.file("jorge.toml")}, &output), 2) << output;
  write_file(dir.file("one.csv"), "First Name,Last Name,Phone\nAna,Ruiz,(512) 555-0111\n");
  ASSERT_EQ(run_jorge({"import", "--source", "open_house", "--data", dir.file("one.csv"), "--config",
                       dir.file("jorge.toml")},
                      &output),
            0)
      << output;
  EXPECT_EQ(run_jorge({"models", "list", "--config", dir.file("jorge.toml")}, &output), 0) << output;
  // A bad value is still refused, naming the key.
  write_file(dir.file("bad.toml"), "database = \"mysql://x\"\n");
  EXPECT_EQ(run_jorge({"models", "list", "--config", dir.file("bad.toml")}, &output), 2) << output;
  EXPECT_NE(output.find("database"), std::string::npos) << output;
}

}  // namespace jorge::testing

namespace jorge::testing {
namespace {

// #14: usage errors exited 106/109; help, version and read-only commands behaved unlike the docs.
TEST(Cli, UsageErrorsExitTwoAndHelpAndVersionAnswer) {
  std::string output;
  EXPECT_EQ(run_jorge({"serve", "--no-such-flag"}, &output), 2) << output;
  EXPECT_EQ(run_jorge({}, &output), 2) << output;
  EXPECT_EQ(run_jorge({"models"}, &output), 2) << output;
  EXPECT_EQ(run_jorge({"--version"}, &output), 0) << output;
  EXPECT_EQ(output.rfind("jorge ", 0), 0u) << output;
  EXPECT_EQ(run_jorge({"help"}, &output), 0) << output;
  for (const char* command : {"serve", "import", "dedup", "models", "train", "backfill", "keygen"})
    EXPECT_NE(output.find(command), std::string::npos) << command << " missing from jorge help";
  EXPECT_EQ(run_jorge({"help", "models"}, &output), 0) << output;
  EXPECT_NE(output.find("retrain"), std::string::npos) << output;
  EXPECT_NE(output.find("=50"), std::string::npos) << "defaults are shown: " << output;
  EXPECT_EQ(run_jorge({"help", "nonsense"}, &output), 2) << output;
}

TEST(Cli, KeygenKeepsExistingKeysUnlessForced) {
  TempDir dir;
  std::string output;
  ASSERT_EQ(run_jorge({"keygen", "--out", dir.file("keys")}, &output), 0) << output;
  const std::string key = read_file(dir.file("keys/ghl-webhook-rsa.key"));
  EXPECT_EQ(run_jorge({"keygen", "--out", dir.file("keys")}, &output), 2) << output;
  EXPECT_NE(output.find("--force"), std::string::npos) << output;
  EXPECT_EQ(read_file(dir.file("keys/ghl-webhook-rsa.key")), key);
  EXPECT_EQ(run_jorge({"keygen", "--out", dir.file("keys"), "--force"}, &output), 0) << output;
  EXPECT_NE(read_file(dir.file("keys/ghl-webhook-rsa.key")), key);
}

TEST(Cli, ReadOnlyCommandsNeverCreateADatabase) {
  TempDir dir;
  std::string output;
  const std::string missing = "sqlite://" + dir.file("typo.db");
  EXPECT_EQ(run_jorge({"stats", "--database", missing}, &output), 2) << output;
  EXPECT_EQ(run_jorge({"models", "list", "--database", missing}, &output), 2) << output;
  EXPECT_NE(output.find("no database at"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("typo.db")));
}

}  // namespace
TEST(Config, TheBotsModelNeedsAKnownBackendAndAKey) {
  const std::string base = "api_token = \"0123456789abcdef0123\"\n[ghl]\nverify_signatures = false\n";
  expect_refused(base + "[bots]\nllm = \"gpt\"\n", "bots.llm");
  expect_refused(base + "[bots]\nllm = \"claude\"\n", "ANTHROPIC_API_KEY", {{"ANTHROPIC_API_KEY", ""}});
  expect_refused(base + "[bots]\nllm = \"claude\"\nllm_key_file = \"/nonexistent.key\"\n", "bots.llm_key_file");
}

TEST(Config, FollowUpDaysRiseAndTheTeamsChatIsAUrl) {
  const std::string base = "api_token = \"0123456789abcdef0123\"\n[ghl]\nverify_signatures = false\n";
  expect_refused(base + "[bots]\nfollowup_days = [2, 5, 5]\n", "bots.followup_days");
  expect_refused(base + "[bots]\nfollowup_days = [0, 3]\n", "bots.followup_days");
  expect_refused(base + "[bots]\nfollowup_days = [\"two\"]\n", "bots.followup_days");
  expect_refused(base + "[team]\nnotify_url = \"hooks.slack.com/services/x\"\n", "team.notify_url");
}

}  // namespace jorge::testing
