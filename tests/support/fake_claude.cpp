#include "support/fake_claude.hpp"

#include <nlohmann/json.hpp>

#include <thread>

namespace jorge::testing {

FakeClaude::FakeClaude(std::string api_key) : key_(std::move(api_key)) {
  router_.add("POST", "/v1/messages", [this](http::Request& request, http::Respond respond) { handle(request, respond); });
  server_ = std::make_unique<LocalServer>(router_, 2);
}

FakeClaude::~FakeClaude() { server_.reset(); }

void FakeClaude::answer_extraction(std::string text) {
  std::lock_guard lock(mutex_);
  extraction_ = std::move(text);
}
void FakeClaude::answer_phrasing(std::string text) {
  std::lock_guard lock(mutex_);
  phrasing_ = std::move(text);
}
void FakeClaude::delay(std::chrono::milliseconds wait) {
  std::lock_guard lock(mutex_);
  delay_ = wait;
}
void FakeClaude::fail_with(int status, std::string type) {
  std::lock_guard lock(mutex_);
  fail_status_ = status;
  fail_type_ = std::move(type);
}
void FakeClaude::cut_off(bool on) {
  std::lock_guard lock(mutex_);
  cut_off_ = on;
}

std::vector<FakeClaude::Seen> FakeClaude::requests() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

void FakeClaude::handle(http::Request& request, http::Respond respond) {
  std::string text;
  std::chrono::milliseconds wait;
  int fail_status;
  std::string fail_type;
  bool cut;
  {
    std::lock_guard lock(mutex_);
    seen_.push_back({std::string(request.header("x-api-key")), std::string(request.header("anthropic-version")), request.body});
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (request.header("x-api-key") != key_)
      return respond(http::json_response(
          401, R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_test"})"));
    if (!body.is_object() || !body.contains("model") || !body.contains("max_tokens") || !body.contains("messages") ||
        request.header("anthropic-version") != "2023-06-01")
      return respond(http::json_response(
          400, R"({"type":"error","error":{"type":"invalid_request_error","message":"bad request"},"request_id":"req_test"})"));
    const std::string system = body.value("system", "");
    text = system.rfind("You read one SMS", 0) == 0 ? extraction_ : phrasing_;
    wait = delay_;
    fail_status = fail_status_;
    fail_type = fail_type_;
    cut = cut_off_;
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
  if (fail_status != 0)
    return respond(http::json_response(fail_status, nlohmann::json{{"type", "error"},
                                                                     {"error", {{"type", fail_type}, {"message", "test"}}},
                                                                     {"request_id", "req_test"}}
                                                         .dump()));
  const nlohmann::json answer = {{"id", "msg_test"},
                                 {"type", "message"},
                                 {"role", "assistant"},
                                 {"model", "claude-sonnet-4-5"},
                                 {"content", nlohmann::json::array({{{"type", "text"}, {"text", text}}})},
                                 {"stop_reason", cut ? "max_tokens" : "end_turn"},
                                 {"stop_sequence", nullptr},
                                 {"usage", {{"input_tokens", 80}, {"output_tokens", 20}}}};
  respond(http::json_response(200, answer.dump()));
}

}  // namespace jorge::testing
