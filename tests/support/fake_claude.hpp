#pragma once
// A local Anthropic Messages API for tests (specs/integrations.md §7): a real HTTP server on
// 127.0.0.1 answering POST /v1/messages in the documented shape. It tells the bots' two kinds
// of request apart by their instructions and answers each with the text it was given (the
// extraction JSON, the phrasing), or with a documented error, a cut-off answer or silence past
// the client's timeout. Every request is kept for inspection.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/router.hpp"
#include "support/local_server.hpp"

namespace jorge::testing {

class FakeClaude {
 public:
  explicit FakeClaude(std::string api_key = "test-anthropic-key");
  ~FakeClaude();
  std::string url() const { return server_->url(); }

  // What the next requests of each kind answer (until changed).
  void answer_extraction(std::string text);
  void answer_phrasing(std::string text);
  // Every answer waits this long first (a timeout when longer than the client's).
  void delay(std::chrono::milliseconds wait);
  // Answers `status` with the documented error body of `type` ("overloaded_error", ...).
  void fail_with(int status, std::string type);
  // Answers stop_reason "max_tokens" (a cut-off text).
  void cut_off(bool on);

  struct Seen {
    std::string api_key, version, body;
  };
  std::vector<Seen> requests() const;

 private:
  void handle(http::Request& request, http::Respond respond);

  std::string key_;
  mutable std::mutex mutex_;
  std::string extraction_ = R"({"slots":{},"intent":"unknown","opt_out":false})";
  std::string phrasing_;
  std::chrono::milliseconds delay_{0};
  int fail_status_ = 0;
  std::string fail_type_;
  bool cut_off_ = false;
  std::vector<Seen> seen_;
  http::Router router_;
  std::unique_ptr<LocalServer> server_;  // last: stopped before the state its handlers use
};

}  // namespace jorge::testing
