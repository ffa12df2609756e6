// Start-up refuses bad configuration with a message naming the key, exit code 2.
#include <gtest/gtest.h>

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
}  // namespace jorge::testing
