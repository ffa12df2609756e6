#pragma once
// The bots' model backend over Claude (bots.md §11, integrations.md §7): what `jorge serve`,
// `jorge extract --llm on` and `jorge chat` hand the engine when bots.llm = "claude". Any
// failure is "no answer" to the engine, which then uses its rules and templates; failures are
// logged by kind (never with the message), a few lines per interval.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bots/llm.hpp"
#include "core/log_throttle.hpp"
#include "crm/claude/claude_client.hpp"

namespace jorge::pipeline {

class ClaudeLlm : public bots::LlmBackend {
 public:
  explicit ClaudeLlm(crm::ClaudeClientOptions options) : options_(std::move(options)) {}
  std::optional<std::string> complete(const bots::LlmRequest& request) override;

 private:
  // One client per concurrent caller (a client holds one connection), kept for reuse.
  std::unique_ptr<crm::ClaudeClient> take_client();
  void give_back(std::unique_ptr<crm::ClaudeClient> client);

  crm::ClaudeClientOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<crm::ClaudeClient>> idle_;
  LogThrottle throttle_;
};

}  // namespace jorge::pipeline
