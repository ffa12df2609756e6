// The server on a real socket: timeouts and limits that protect it from slow or broken clients.
#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace jorge::http {
namespace {

int connect_to(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(got));
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/ping", [](Request&, Respond respond) { respond(json_response(200, "{}")); });
    ServerOptions options;
    options.port = 0;
    options.header_timeout = std::chrono::seconds(1);
    options.idle_timeout = std::chrono::seconds(1);
    options.max_body_bytes = 1024;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, router_, metrics_);
    auto port = server_->listen();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->run(/*handle_signals=*/false); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  Router router_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(ServerTest, ClosesConnectionThatNeverFinishesItsHeaders) {
  int fd = connect_to(port_);
  ASSERT_GE(fd, 0);
  std::string partial = "GET /ping HTTP/1.1\r\nHost: x\r\n";  // no blank line: headers never end
  ASSERT_EQ(write(fd, partial.data(), partial.size()), static_cast<ssize_t>(partial.size()));
  EXPECT_EQ(read_all(fd), "");  // returns once the server closes: the header timeout fired
  close(fd);
}

TEST_F(ServerTest, ServesSeveralRequestsOnOneKeptAliveConnection) {
  int fd = connect_to(port_);
  std::string two = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(write(fd, two.data(), two.size()), static_cast<ssize_t>(two.size()));
  std::string answers = read_all(fd);
  close(fd);
  size_t first = answers.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(answers.find("HTTP/1.1 200", first + 1), std::string::npos) << answers;
}

TEST_F(ServerTest, AnswersOversizedBodyWith413AndJson) {
  int fd = connect_to(port_);
  std::string request = "POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a');
  (void)write(fd, request.data(), request.size());
  std::string answer = read_all(fd);
  close(fd);
  EXPECT_NE(answer.find("413"), std::string::npos);
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
}

TEST_F(ServerTest, StopFinishesWithIdleConnectionsOpen) {
  int idle = connect_to(port_);  // an idle keep-alive client must not hold the shutdown up
  ASSERT_GE(idle, 0);
  server_->stop();
  thread_.join();
  thread_ = std::thread([] {});
  close(idle);
}

}  // namespace
}  // namespace jorge::http
