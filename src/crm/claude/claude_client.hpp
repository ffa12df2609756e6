#pragma once
// Anthropic's Messages API (specs/integrations.md §7): one non-streaming request, the reply's
// text blocks joined. For the bots' optional phrasing and extraction assist, where the answer
// is only worth having quickly: no retries (the caller falls back to rules at once), and a cut
// off answer (stop_reason max_tokens) or a refusal is an error, never a partial SMS. One client
// per thread (it reuses one connection).
#include <string>

#include "core/result.hpp"
#include "crm/http_client.hpp"

namespace jorge::crm {

struct ClaudeClientOptions {
  std::string base_url = "https://api.anthropic.com";
  std::string api_key;  // from ANTHROPIC_API_KEY or bots.llm_key_file, never from git
  std::string model = "claude-sonnet-4-5";
  long timeout_ms = 3000;
};

class ClaudeClient {
 public:
  explicit ClaudeClient(ClaudeClientOptions options);
  // kUnavailable on a timeout, 429/5xx/529 or an unreachable server; kUnauthenticated on
  // 401/403; kInvalidArgument on another 4xx or an answer that is not a finished text.
  Result<std::string> complete(const std::string& system, const std::string& user, int max_tokens, double temperature = 0.2);

 private:
  ClaudeClientOptions options_;
  HttpClient http_;
};

}  // namespace jorge::crm
