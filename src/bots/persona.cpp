#include "bots/persona.hpp"

#include <algorithm>

#include "bots/text.hpp"

namespace jorge::bots {
namespace {

bool is_emoji(char32_t code) {
  return (code >= 0x1F000 && code <= 0x1FAFF) || (code >= 0x2600 && code <= 0x27BF) || (code >= 0x2B00 && code <= 0x2BFF) ||
         code == 0xFE0F || code == 0x200D || (code >= 0x1F1E6 && code <= 0x1F1FF) || code == 0x2764;
}

}  // namespace

std::vector<std::string> persona_violations(std::string_view text, const PersonaCheck& check) {
  std::vector<std::string> problems;
  size_t characters = 0;
  bool emoji = false;
  for (size_t i = 0; i < text.size();) {
    const char32_t code = next_code_point(text, i);
    ++characters;
    if (is_emoji(code)) emoji = true;
  }
  if (characters > 320) problems.emplace_back("longer than 320 characters");
  if (std::count(text.begin(), text.end(), '?') > 1) problems.emplace_back("two questions");
  if (emoji) problems.emplace_back("emoji");
  if (text.find("!!") != std::string_view::npos) problems.emplace_back("exclamation run");
  if (!check.greeting && text.find('!') != std::string_view::npos) problems.emplace_back("exclamation");
  // All-caps words other than acronyms and the compliance keywords.
  static constexpr std::string_view kAcronyms[] = {"HOA", "FHA", "VA", "ZIP", "ATX", "APD", "TX", "STOP", "START",
                                                   "HELP", "USDA", "ISD", "UT", "CMA", "MLS", "I", "A"};
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    size_t end = i;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
    const std::string_view word = text.substr(i, end - i);
    if (word.size() >= 2 && std::all_of(word.begin(), word.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); }) &&
        std::find(std::begin(kAcronyms), std::end(kAcronyms), word) == std::end(kAcronyms))
      problems.emplace_back("all-caps word: " + std::string(word));
    i = end;
  }
  const FoldedText folded(text);
  auto flag = [&](std::string_view reason, std::initializer_list<std::string_view> phrases) {
    for (std::string_view phrase : phrases)
      if (folded.has(phrase)) problems.emplace_back(std::string(reason) + ": " + std::string(phrase));
  };
  flag("filler", {"id be happy to", "i would be happy to", "great question", "thank you for sharing",
                  "thanks for sharing", "as an ai", "i understand your concerns", "absolutely", "certainly",
                  "no worries at all", "i hope this finds you"});
  flag("insult", {"stop wasting my time", "wasting my time", "tire kicker", "cheap", "cheapskate", "idiot", "stupid",
                  "lazy", "clueless", "damn", "the hell", "go to hell", "shit", "fuck*", "crap", "dumb"});
  flag("human claim", {"im a real person", "i am a real person", "im human", "i am human", "im not a bot",
                       "i am not a bot", "not a robot", "soy una persona real", "no soy un bot"});
  flag("guarantee", {"guarantee*", "guaranteed", "ill get you", "i will get you", "promise you", "garantiz*"});
  flag("pressure", {"act now", "last chance", "before its too late", "prices will skyrocket", "only today"});
  if (!check.fair_housing_redirect)
    flag("fair housing", {"safe", "safest", "safety", "crime", "good schools", "great schools", "best schools",
                          "top schools", "family friendly", "perfect for families", "great for kids", "exclusive",
                          "prestigious", "up and coming", "diverse", "quiet neighbors", "quiet neighbours", "church",
                          "churches", "bachelor pad", "walking distance to", "race", "religion", "religious",
                          "christian", "muslim", "jewish", "catholic", "hispanic", "latino", "asian", "immigrant*",
                          "disabled", "handicapped", "pregnant", "kids", "children", "families", "married", "gay",
                          "lesbian", "transgender", "elderly", "seniors", "retirees", "students", "section 8",
                          "mosque", "synagogue", "temple", "seguro", "segura", "crimen", "escuelas", "iglesia",
                          "familias", "ninos"});
  // §12.7: the language of the lead's last message.
  const std::string language = language_of(folded);
  if (folded.size() >= 5 && language != check.language) problems.emplace_back("language: reads as " + language);
  return problems;
}

}  // namespace jorge::bots
