#include "pipeline/claude_llm.hpp"

#include <spdlog/spdlog.h>

namespace jorge::pipeline {

std::unique_ptr<crm::ClaudeClient> ClaudeLlm::take_client() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return std::make_unique<crm::ClaudeClient>(options_);
  auto client = std::move(idle_.back());
  idle_.pop_back();
  return client;
}

void ClaudeLlm::give_back(std::unique_ptr<crm::ClaudeClient> client) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < 16) idle_.push_back(std::move(client));
}

std::optional<std::string> ClaudeLlm::complete(const bots::LlmRequest& request) {
  auto client = take_client();
  auto answer = client->complete(request.system, request.user, request.max_tokens);
  give_back(std::move(client));
  if (answer.ok()) return std::move(answer.value());
  uint64_t suppressed = 0;
  if (throttle_.admit(error_code_name(answer.error().code), std::chrono::steady_clock::now(), suppressed))
    spdlog::warn("bots: the model gave no answer for {} ({}); rules and templates answer instead{}",
                 request.purpose.substr(0, request.purpose.find(':')), answer.error().message,
                 suppressed ? " (" + std::to_string(suppressed) + " like it not logged)" : std::string());
  return std::nullopt;
}

}  // namespace jorge::pipeline
