#pragma once
// The conversation engine's commands (docs/bots.md): evaluation on files and a terminal chat.
#include <string>

namespace jorge::cli {

struct ExtractCommand {
  std::string data, out;
  std::string llm = "off";
};
// Each line of --data as the first message of a fresh lead; a precision/recall table on stdout
// when lines carry "expected".
int extract_messages(const ExtractCommand& command);

struct ReplayCommand {
  std::string data, out;
};
// Each line a recorded conversation: bot turns set the pending question, lead turns run the
// whole pipeline at their time.
int replay_conversations(const ReplayCommand& command);

struct ChatCommand {
  std::string bot = "lead";  // lead, seller, or unknown
  std::string at;            // the conversation's clock start (ISO 8601); now when empty
  std::string lang = "en";
};
int chat(const ChatCommand& command);

}  // namespace jorge::cli
