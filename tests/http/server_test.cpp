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
  void SetUp() override { start(ServerOptions{}); }
  void start(ServerOptions options) {
    router_.add("GET", "/ping", [](Request&, Respond respond) { respond(json_response(200, "{}")); });
    router_.add("POST", "/echo", [](Request& request, Respond respond) { respond(json_response(200, request.body)); });
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
  // Sends `request` on a new connection and reads until the server closes it.
  std::string exchange(const std::string& request) {
    int fd = connect_to(port_);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    std::string answer = read_all(fd);
    close(fd);
    return answer;
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

// #14, RFC 9112 §6: a body whose length is uncertain gets a 400 and the connection closes;
// before, these were read by Content-Length or dropped without an answer.
TEST_F(ServerTest, RefusesAmbiguousFramingWith400AndCloses) {
  const std::string body = "{\"a\":1}";
  const std::string cases[] = {
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 7\r\n\r\n" + body,
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n7\r\n" + body +
          "\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n" + body,
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nContent-Length: 8\r\n\r\n" + body,
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -7\r\n\r\n" + body,
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n" + body,
      "GET /ping HTTP/1.1\nHost: x\n\n",
  };
  for (const std::string& request : cases) {
    const std::string answer = exchange(request);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << request << "\n---\n" << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    EXPECT_NE(answer.find("\"error\""), std::string::npos) << answer;
  }
  // Exactly "chunked" is fine.
  const std::string chunked = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                       "Connection: close\r\n\r\n7\r\n" + body + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 200", 0), 0u) << chunked;
  EXPECT_NE(chunked.find(body), std::string::npos);
}

TEST_F(ServerTest, HeadAnswersCarryHeadersAndNoBody) {
  const std::string answer = exchange("HEAD /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("Content-Length: 2\r\n"), std::string::npos) << answer;
  EXPECT_EQ(answer.substr(answer.find("\r\n\r\n") + 4), "");
  EXPECT_NE(answer.find("X-Content-Type-Options: nosniff"), std::string::npos);
}

class CappedServerTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.max_connections = 10;
    start(options);
  }
};

// #14: idle connections once starved the server. Near the cap idle ones are closed for new
// ones; a busy server past the cap answers 503; /metrics says so.
TEST_F(CappedServerTest, ClosesIdleConnectionsFirstAndKeepsServing) {
  std::vector<int> idle;
  for (int i = 0; i < 40; ++i) {
    int fd = connect_to(port_);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  const std::string answer = exchange("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  const std::string metrics = metrics_.render();
  EXPECT_NE(metrics.find("jorge_http_connections_max 10"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jorge_http_idle_connections_closed_total"), std::string::npos) << metrics;
  for (int fd : idle) close(fd);
}

TEST(MaxConnections, KeepsAReserveOfDescriptors) {
  EXPECT_EQ(max_connections_for(256), 192u);
  EXPECT_EQ(max_connections_for(1024), 768u);
  EXPECT_EQ(max_connections_for(40), 16u);
  EXPECT_GE(raise_open_file_limit(), 256u);
}

}  // namespace
}  // namespace jorge::http
