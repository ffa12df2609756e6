#include "support/fake_graph.hpp"

namespace jorge::testing {

FakeGraph::FakeGraph(std::string page_token) : token_(std::move(page_token)) {
  router_.add("GET", "/{version}/{id}", [this](http::Request& request, http::Respond respond) { handle(request, respond); });
  server_ = std::make_unique<LocalServer>(router_, 1);
}

FakeGraph::~FakeGraph() {
  server_.reset();  // no handler runs once the rest of this object goes
}

void FakeGraph::add_lead(const std::string& id, std::string body) {
  std::lock_guard lock(mutex_);
  leads_[id] = std::move(body);
}

void FakeGraph::fail_next(int count, int status, std::string body) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < count; ++i) failures_.emplace_back(status, body);
}

int FakeGraph::requests() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(paths_.size());
}

std::vector<std::string> FakeGraph::requested_paths() const {
  std::lock_guard lock(mutex_);
  return paths_;
}

void FakeGraph::handle(http::Request& request, http::Respond respond) {
  std::lock_guard lock(mutex_);
  paths_.push_back(request.path + "?" + request.query);
  auto error = [&](int status, int code, const char* type, const char* message) {
    return http::json_response(status, std::string(R"({"error":{"message":")") + message + R"(","type":")" + type +
                                           R"(","code":)" + std::to_string(code) + R"(,"fbtrace_id":"Test"}})");
  };
  // Documented: a Bearer page token (or access_token=); a wrong one is code 190.
  std::string_view authorization = request.header("authorization");
  if (authorization != "Bearer " + token_ && request.query_param("access_token") != token_)
    return respond(error(400, 190, "OAuthException", "Invalid OAuth access token."));
  if (!failures_.empty()) {
    auto [status, body] = failures_.front();
    failures_.erase(failures_.begin());
    return respond(http::json_response(status, body));
  }
  auto found = leads_.find(std::string(request.path_param("id")));
  if (found == leads_.end())
    return respond(error(400, 100, "GraphMethodException", "Unsupported get request. Object does not exist."));
  respond(http::json_response(200, found->second));
}

}  // namespace jorge::testing
