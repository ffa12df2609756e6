#include "bots/compliance/opt_out.hpp"

#include <algorithm>
#include <string>

namespace jorge::bots {
namespace {

// Lower-cased, punctuation turned into spaces, spaces collapsed and trimmed; UTF-8 kept.
std::string simplify(std::string_view body) {
  std::string out;
  bool space = false;
  for (char c : body) {
    unsigned char byte = static_cast<unsigned char>(c);
    bool letter = byte >= 0x80 || std::isalnum(byte) || c == '\'';
    if (!letter) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(byte)));
  }
  return out;
}

bool is_one_of(const std::string& text, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), text) != words.end();
}

bool contains(const std::string& text, std::string_view phrase) { return text.find(phrase) != std::string::npos; }

}  // namespace

InboundKeyword classify_inbound(std::string_view body) {
  std::string text = simplify(body);
  // The standard keywords, as the whole message (carriers and the FCC rule).
  if (is_one_of(text, {"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "opt out",
                       "optout", "stop please", "please stop"}))
    return InboundKeyword::kOptOut;
  if (is_one_of(text, {"help", "info"})) return InboundKeyword::kHelp;
  if (is_one_of(text, {"start", "unstop", "subscribe"})) return InboundKeyword::kOptIn;
  // Other wording a reasonable person reads as "stop texting me" (FCC, 2024 rule).
  for (std::string_view phrase : {"stop texting", "stop messaging", "stop sending", "stop contacting", "no more texts",
                                  "no more messages", "remove me", "take me off", "unsubscribe me", "do not text",
                                  "don't text", "dont text", "no más mensajes", "no mas mensajes", "no me escriba"})
    if (contains(text, phrase)) return InboundKeyword::kOptOut;
  return InboundKeyword::kNone;
}

}  // namespace jorge::bots
