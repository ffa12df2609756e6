#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "support/test_env.hpp"

namespace jorge::testing {

std::string write_server_config(const ServerConfig& config) {
  write_file(config.directory + "/rsa.pub", rsa_keys().public_pem);
  write_file(config.directory + "/ed25519.pub", ed25519_keys().public_pem);
  std::string toml = "database = \"" + config.database + "\"\napi_token = \"" + config.api_token + "\"\n";
  for (const auto& line : config.extra_toml) toml += line + "\n";
  toml += "[ghl]\nwebhook_public_key_file = \"" + config.directory + "/rsa.pub\"\n" +
          "webhook_ed25519_public_key_file = \"" + config.directory + "/ed25519.pub\"\n";
  std::string path = config.directory + "/jorge.toml";
  write_file(path, toml);
  return path;
}

namespace {

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, int stdout_fd,
            int stderr_fd) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  dup2(stdout_fd, 1);
  dup2(stderr_fd, 2);
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> argv;
  // JORGE_TEST_BINARY: another build of the server (the one with ASan and UBSan, #14).
  std::string binary = std::getenv("JORGE_TEST_BINARY") ? std::getenv("JORGE_TEST_BINARY") : JORGE_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> copies = args;
  for (auto& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

}  // namespace

ServerProcess::ServerProcess(const std::string& config_path, const std::map<std::string, std::string>& env) {
  static std::atomic<int> started{0};
  log_path_ = config_path.substr(0, config_path.rfind('/')) + "/serve-" + std::to_string(getpid()) + "-" +
              std::to_string(++started) + ".log";
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return;
  int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_ = spawn({"serve", "--config", config_path, "--listen", "127.0.0.1:0"}, env, pipe_fds[1], log_fd);
  close(pipe_fds[1]);
  close(log_fd);
  std::string line;
  char c;
  // The first stdout line names the port; anything else means start-up failed.
  while (read(pipe_fds[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(pipe_fds[0]);
  size_t colon = line.rfind(':');
  if (line.rfind("jorge listening on", 0) == 0 && colon != std::string::npos) {
    port_ = std::stoi(line.substr(colon + 1));
    url_ = "http://127.0.0.1:" + std::to_string(port_);
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill_hard();
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  // A server that died by itself crashed (or a sanitizer stopped it, #14): the test fails, with
  // the server's log, whatever it checked.
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0))
      ADD_FAILURE() << "the server died during the test ("
                    << (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                            : "exit " + std::to_string(WEXITSTATUS(status)))
                    << "); its log:\n" << read_file(log_path_);
    return;
  }
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ServerProcess::terminate_and_wait() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_jorge(const std::vector<std::string>& args, std::string* output, const std::map<std::string, std::string>& env) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  pid_t pid = spawn(args, env, pipe_fds[1], pipe_fds[1]);
  close(pipe_fds[1]);
  std::string text;
  char buffer[4096];
  ssize_t got;
  while ((got = read(pipe_fds[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(got));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Result<crm::HttpReply> post_signed(crm::HttpClient& client, const std::string& url, const std::string& body,
                                   const std::string& signature_header) {
  std::string signature = signature_header == "x-ghl-signature" ? sign_ed25519(body) : sign_rsa(body);
  return client.request("POST", url + "/webhooks/ghl",
                        {{"Content-Type", "application/json"}, {signature_header, signature}}, body);
}

}  // namespace jorge::testing
