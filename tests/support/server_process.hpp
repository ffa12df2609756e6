#pragma once
// The real `jorge serve` binary in a child process on an ephemeral port, for end-to-end,
// shutdown and crash tests.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "crm/http_client.hpp"

namespace jorge::testing {

struct ServerConfig {
  std::string directory;      // where jorge.toml, keys and logs go
  std::string database;       // sqlite://... or postgresql://...
  std::string api_token = "test-api-token-0123456789";
  std::vector<std::string> extra_toml;  // more lines for jorge.toml
};

// Writes jorge.toml and the public keys of test_env's key pairs into `config.directory`.
std::string write_server_config(const ServerConfig& config);

class ServerProcess {
 public:
  // Starts `jorge serve --config <path> --listen 127.0.0.1:0` and waits for its "listening" line.
  explicit ServerProcess(const std::string& config_path, const std::map<std::string, std::string>& env = {});
  ~ServerProcess();
  bool started() const { return port_ != 0; }
  const std::string& url() const { return url_; }
  const std::string& log_path() const { return log_path_; }
  void kill_hard();  // SIGKILL, no cleanup: what a crash looks like
  int terminate_and_wait();  // SIGTERM, then the exit code

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_, log_path_;
};

// Runs `jorge` with arguments and returns its exit code; output goes to `output` when given.
int run_jorge(const std::vector<std::string>& args, std::string* output = nullptr,
              const std::map<std::string, std::string>& env = {});

// POSTs a body to /webhooks/ghl signed with the test RSA key (or the given header).
Result<crm::HttpReply> post_signed(crm::HttpClient& client, const std::string& url, const std::string& body,
                                   const std::string& signature_header = "x-wh-signature");

}  // namespace jorge::testing
