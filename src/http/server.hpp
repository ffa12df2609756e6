#pragma once
// The HTTP/1.1 server (Boost.Beast): keep-alive, body limit, idle/header timeouts, a request
// id per request, an access log that names routes (never paths, bodies or queries), and a
// graceful stop: no new connections, in-flight requests finish, then run() returns.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace jorge::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (tests)
  size_t max_body_bytes = 1 << 20;
  std::chrono::seconds idle_timeout{60};    // a kept-alive connection waiting for its next request
  std::chrono::seconds header_timeout{10};  // from a request's first byte to its complete body
  int threads = 0;                          // 0: one per core
  bool access_log = true;
  // Connections held at once (http.max_connections); 0: max_connections_for(open_file_limit()).
  // Near the cap idle kept-alive connections are closed first; at it a new one gets a 503.
  size_t max_connections = 0;
};

// This process's limit on open files (RLIMIT_NOFILE, soft).
size_t open_file_limit();
// Raises the soft open-file limit to the hard one (done once at start) and returns the new limit.
size_t raise_open_file_limit();
// Connections a server may hold with `open_files` descriptors, keeping a reserve (a quarter,
// at least 64) for the database, outbound calls and logs; between 16 and 100,000.
size_t max_connections_for(size_t open_files);

class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();
  // Binds and listens; returns the bound port. kUnavailable when the address is taken.
  Result<uint16_t> listen();
  // Serves until stop() (or SIGTERM/SIGINT when `handle_signals`), then returns after
  // in-flight requests are answered.
  void run(bool handle_signals);
  void stop();  // thread-safe

  struct Impl;  // Asio state, kept out of this header

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace jorge::http
