#pragma once
// Our own HTTP server on 127.0.0.1 and a free port, on a thread of its own: what the local
// stand-ins for paid APIs (GoHighLevel, the Graph API) answer through. Add every route to
// the router before starting it.
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace jorge::testing {

class LocalServer {
 public:
  LocalServer(const http::Router& router, int threads) {
    http::ServerOptions options;
    options.port = 0;
    options.threads = threads;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options, router, metrics_);
    port_ = *server_->listen();
    thread_ = std::thread([this] { server_->run(/*handle_signals=*/false); });
  }
  ~LocalServer() {
    server_->stop();
    thread_.join();
  }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  http::Metrics metrics_;
  std::unique_ptr<http::Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace jorge::testing
