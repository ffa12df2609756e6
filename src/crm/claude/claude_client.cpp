#include "crm/claude/claude_client.hpp"

#include <nlohmann/json.hpp>

namespace jorge::crm {

ClaudeClient::ClaudeClient(ClaudeClientOptions options) : options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

Result<std::string> ClaudeClient::complete(const std::string& system, const std::string& user, int max_tokens,
                                           double temperature) {
  const nlohmann::json body = {{"model", options_.model},
                               {"max_tokens", max_tokens},
                               {"system", system},
                               {"temperature", temperature},
                               {"messages", nlohmann::json::array({{{"role", "user"}, {"content", user}}})}};
  JORGE_TRY(HttpReply reply, http_.request("POST", options_.base_url + "/v1/messages",
                                           {{"x-api-key", options_.api_key},
                                            {"anthropic-version", "2023-06-01"},
                                            {"content-type", "application/json"}},
                                           body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                           options_.timeout_ms));
  const nlohmann::json answer = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status != 200) {
    // The documented error body names the type; the message may quote the request, so only
    // the type and status are kept.
    std::string type = "unknown";
    if (answer.is_object() && answer.contains("error") && answer["error"].is_object())
      type = answer["error"].value("type", "unknown");
    const std::string message = "claude: HTTP " + std::to_string(reply.status) + " " + type.substr(0, 40);
    if (reply.status == 401 || reply.status == 403) return Error{ErrorCode::kUnauthenticated, message + ": check the API key"};
    if (reply.status == 429 || reply.status >= 500) return Error{ErrorCode::kUnavailable, message};
    return Error{ErrorCode::kInvalidArgument, message};
  }
  if (!answer.is_object() || !answer.contains("content") || !answer["content"].is_array())
    return Error{ErrorCode::kInvalidArgument, "claude: 200 without a content array"};
  const std::string stop = answer.value("stop_reason", "");
  if (stop != "end_turn" && stop != "stop_sequence")
    return Error{ErrorCode::kInvalidArgument, "claude: stop_reason " + stop.substr(0, 20) + " (not a finished answer)"};
  std::string text;
  for (const auto& block : answer["content"])
    if (block.is_object() && block.value("type", "") == "text" && block.contains("text") && block["text"].is_string())
      text += block["text"].get<std::string>();
  if (text.empty()) return Error{ErrorCode::kInvalidArgument, "claude: no text in the answer"};
  return text;
}

}  // namespace jorge::crm
