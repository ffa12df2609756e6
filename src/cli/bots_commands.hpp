#pragma once
// The conversation engine's commands (docs/bots.md): evaluation on files and a terminal chat.
#include <string>

#include "cli/config.hpp"

namespace jorge::cli {

struct ExtractCommand {
  std::string data, out;
  std::string llm = "off";  // "on": the model of `bots` (bots.llm_* keys, ANTHROPIC_API_KEY) assists
  Config::Bots bots;
};
// Each line of --data as the first message of a fresh lead; a precision/recall table on stdout
// when lines carry "expected".
int extract_messages(const ExtractCommand& command);

struct ReplayCommand {
  std::string data, out;
  Config::Bots bots;  // the model assists when bots.llm = "claude"
};
// Each line a recorded conversation: bot turns set the pending question, lead turns run the
// whole pipeline at their time.
int replay_conversations(const ReplayCommand& command);

struct ChatCommand {
  std::string bot = "lead";  // lead, seller, or unknown
  std::string at;            // the conversation's clock start (ISO 8601); now when empty
  std::string lang = "en";
  Config::Bots bots;  // the model assists when bots.llm = "claude"
};
int chat(const ChatCommand& command);

}  // namespace jorge::cli
