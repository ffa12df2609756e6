#include "bots/compliance/opt_out.hpp"

#include "bots/text.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace jorge::bots {
namespace {

bool is_apostrophe(char32_t code) { return code == '\'' || code == U'’' || code == U'‘' || code == U'ʼ' || code == '`'; }
bool ends_sentence(char32_t code) {
  return code == '.' || code == '!' || code == '?' || code == ';' || code == '\n' || code == '\r' || code == U'¡' ||
         code == U'¿' || code == U'…';
}

// The message as sentences of lower-case ASCII words: accents folded, typographic apostrophes
// made plain and dropped inside words ("don’t" -> "dont"), emoji, symbols and other
// punctuation read as spaces.
std::vector<std::vector<std::string>> sentences_of(std::string_view body) {
  std::vector<std::vector<std::string>> sentences(1);
  std::string word;
  auto end_word = [&] {
    if (!word.empty()) sentences.back().push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < body.size();) {
    const char32_t code = next_code_point(body, i);
    if (const char letter = ascii_letter(code)) {
      word.push_back(letter);
    } else if (is_apostrophe(code)) {
      continue;  // "don't", "don’t" and "dont" read alike
    } else {
      end_word();
      if (ends_sentence(code) && !sentences.back().empty()) sentences.emplace_back();
    }
  }
  end_word();
  if (sentences.back().empty() && sentences.size() > 1) sentences.pop_back();
  return sentences;
}

std::string joined(const std::vector<std::string>& words, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (i > from ? " " : "") + words[i];
  return out;
}

// Words around a keyword that do not change what it asks: "stop please", "pls stop", "now".
bool is_politeness(const std::string& word) {
  return word == "please" || word == "pls" || word == "plz" || word == "now" || word == "thanks" || word == "thx";
}

// The sentence without politeness at either end ("por favor" counts as one).
std::string core_of(const std::vector<std::string>& words) {
  size_t from = 0, to = words.size();
  while (true) {
    if (from < to && is_politeness(words[from])) { ++from; continue; }
    if (to > from && is_politeness(words[to - 1])) { --to; continue; }
    if (to - from >= 2 && words[from] == "por" && words[from + 1] == "favor") { from += 2; continue; }
    if (to - from >= 2 && words[to - 2] == "por" && words[to - 1] == "favor") { to -= 2; continue; }
    break;
  }
  return joined(words, from, to);
}

bool is_one_of(const std::string& text, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), text) != options.end();
}

// bots.md §10.1 (1): a standard keyword as a sentence of its own, or "stop" said again and again.
bool is_stop_keyword(const std::string& core) {
  if (is_one_of(core, {"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
                       "opt out", "remove", "alto", "basta", "baja", "parar", "cancelar", "no mas", "stop it",
                       "remove me", "unsubscribe me", "stop texting", "stop messaging"}))
    return true;
  if (core.empty() || core.size() % 5 != 4) return false;  // "stop", "stop stop", "stop stop stop", ...
  for (size_t i = 0; i < core.size(); i += 5)
    if (core.compare(i, 4, "stop") != 0 || (i + 4 < core.size() && core[i + 4] != ' ')) return false;
  return true;
}

// bots.md §10.1 (2): asking in words to stop being contacted, anywhere in the message.
bool asks_to_stop(const std::string& text) {
  static constexpr std::string_view kPhrases[] = {
      "stop texting", "stop messaging", "stop contacting", "stop sending me", "stop sending texts",
      "stop sending messages", "dont text", "do not text", "dont contact", "do not contact", "dont message me",
      "do not message me", "dont msg me", "no more texts", "no more text messages", "no more messages", "no more msgs",
      "take me off", "remove me", "remove my number", "unsubscribe me", "lose my number", "leave me alone",
      "quit texting", "quit messaging", "quit contacting", "no me escriba", "no me escriban", "ya no me manden",
      "no me manden mensajes", "no me contacten", "no me contacte", "no me envien", "quitenme de", "quiteme de",
      "no mas mensajes", "no mas textos", "dejen de escribirme", "dejen de mandarme"};
  const FoldedText words(text);  // its word index rules most phrases out without a search
  // "don't stop sending me listings" asks for more (§10.1 non-opt-outs): a phrase right after
  // a negation does not count.
  return std::any_of(std::begin(kPhrases), std::end(kPhrases), [&](std::string_view phrase) {
    for (size_t at = words.find(phrase); at != FoldedText::npos; at = words.find(phrase, at + 1))
      if (!words.preceded_by(at, {"dont", "do not", "never"}, 2)) return true;
    return false;
  });
}

}  // namespace

InboundKeyword classify_inbound(std::string_view body) {
  const auto sentences = sentences_of(body.substr(0, 4096));
  std::string whole;
  for (const auto& words : sentences) whole += (whole.empty() ? "" : " ") + joined(words, 0, words.size());
  // The standard keywords for help and start, as the whole message.
  std::string whole_core;
  if (sentences.size() == 1) whole_core = core_of(sentences.front());
  if (is_one_of(whole_core, {"help", "info", "ayuda"})) return InboundKeyword::kHelp;
  if (is_one_of(whole_core, {"start", "unstop", "subscribe"})) return InboundKeyword::kOptIn;
  for (const auto& words : sentences)
    if (is_stop_keyword(core_of(words))) return InboundKeyword::kOptOut;
  if (asks_to_stop(whole)) return InboundKeyword::kOptOut;
  return InboundKeyword::kNone;
}

}  // namespace jorge::bots
