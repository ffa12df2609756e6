#pragma once
// A local Facebook Graph API for tests (specs/integrations.md §3.5-3.7): a real HTTP server on
// 127.0.0.1 answering GET /{version}/{leadgen_id} with the lead bodies it was given,
// GET /{version}/{form_id}/leads with that form's leads two to a page (`paging.next`), the
// documented error bodies on command, and a record of every request.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/router.hpp"
#include "support/local_server.hpp"

namespace jorge::testing {

class FakeGraph {
 public:
  explicit FakeGraph(std::string page_token = "test-page-token");
  ~FakeGraph();
  std::string url() const { return server_->url(); }
  // GET /{version}/{id} answers 200 with `body` from now on.
  void add_lead(const std::string& id, std::string body);
  // The next `count` requests answer `status` with `body` (a Graph error fixture).
  void fail_next(int count, int status, std::string body);
  int requests() const;
  std::vector<std::string> requested_paths() const;

 private:
  void handle(http::Request& request, http::Respond respond);
  void handle_form(http::Request& request, http::Respond respond);
  // Under the lock: records the request; then the documented error for a wrong token, or the
  // next injected failure, if any.
  std::optional<http::Response> record_and_refuse(http::Request& request);

  std::string token_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> leads_;
  std::vector<std::pair<int, std::string>> failures_;
  std::vector<std::string> paths_;
  http::Router router_;
  std::unique_ptr<LocalServer> server_;  // last: stopped before the state its handlers use
};

}  // namespace jorge::testing
