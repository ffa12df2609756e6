#include "support/fake_graph.hpp"

#include <nlohmann/json.hpp>

namespace jorge::testing {

FakeGraph::FakeGraph(std::string page_token) : token_(std::move(page_token)) {
  router_.add("GET", "/{version}/{id}", [this](http::Request& request, http::Respond respond) { handle(request, respond); });
  router_.add("GET", "/{version}/{id}/leads",
              [this](http::Request& request, http::Respond respond) { handle_form(request, respond); });
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

namespace {

http::Response graph_error(int status, int code, const char* type, const char* message) {
  return http::json_response(status, std::string(R"({"error":{"message":")") + message + R"(","type":")" + type +
                                         R"(","code":)" + std::to_string(code) + R"(,"fbtrace_id":"Test"}})");
}

}  // namespace

std::optional<http::Response> FakeGraph::record_and_refuse(http::Request& request) {
  paths_.push_back(request.path + "?" + request.query);
  // Documented: a Bearer page token (or access_token=); a wrong one is code 190.
  std::string_view authorization = request.header("authorization");
  if (authorization != "Bearer " + token_ && request.query_param("access_token") != token_)
    return graph_error(400, 190, "OAuthException", "Invalid OAuth access token.");
  if (!failures_.empty()) {
    auto [status, body] = failures_.front();
    failures_.erase(failures_.begin());
    return http::json_response(status, body);
  }
  return std::nullopt;
}

void FakeGraph::handle(http::Request& request, http::Respond respond) {
  std::lock_guard lock(mutex_);
  if (auto refused = record_and_refuse(request)) return respond(std::move(*refused));
  auto found = leads_.find(std::string(request.path_param("id")));
  if (found == leads_.end())
    return respond(graph_error(400, 100, "GraphMethodException", "Unsupported get request. Object does not exist."));
  respond(http::json_response(200, found->second));
}

void FakeGraph::handle_form(http::Request& request, http::Respond respond) {
  std::lock_guard lock(mutex_);
  if (auto refused = record_and_refuse(request)) return respond(std::move(*refused));
  const std::string form(request.path_param("id"));
  std::vector<nlohmann::json> of_form;
  for (const auto& [id, body] : leads_) {
    auto lead = nlohmann::json::parse(body, nullptr, false);
    if (lead.is_object() && lead.value("form_id", "") == form) of_form.push_back(lead);
  }
  size_t first = 0;
  if (auto after = request.query_param("after"); !after.empty()) first = std::stoul(std::string(after));
  constexpr size_t kPage = 2;
  nlohmann::json page = {{"data", nlohmann::json::array()}};
  for (size_t i = first; i < of_form.size() && i < first + kPage; ++i) page["data"].push_back(of_form[i]);
  const size_t next = first + kPage;
  page["paging"] = {{"cursors", {{"before", std::to_string(first)}, {"after", std::to_string(next)}}}};
  if (next < of_form.size())
    page["paging"]["next"] = url() + "/" + std::string(request.path_param("version")) + "/" + form +
                             "/leads?limit=2&after=" + std::to_string(next);
  respond(http::json_response(200, page.dump()));
}

}  // namespace jorge::testing
