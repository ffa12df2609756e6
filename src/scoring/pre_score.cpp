#include "scoring/pre_score.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace jorge::scoring {
namespace {

bool contains_any(const std::string& text, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view needle) { return text.find(needle) != std::string::npos; });
}

// "$600k", "600k", "$525,000", "1.2m": a money amount of at least $50,000 in the text.
bool mentions_budget(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])) || (i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1]))))
      continue;
    double value = 0;
    size_t j = i;
    for (; j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == ','); ++j)
      if (text[j] != ',') value = value * 10 + (text[j] - '0');
    if (j < text.size() && text[j] == '.')
      for (++j; j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])); ++j) {}
    bool dollar = i > 0 && text[i - 1] == '$';
    char unit = j < text.size() ? text[j] : ' ';
    if (unit == 'k') value *= 1e3;
    else if (unit == 'm' && (j + 1 >= text.size() || !std::isalpha(static_cast<unsigned char>(text[j + 1])))) value *= 1e6;
    else if (!dollar) continue;
    if (value >= 50'000) return true;
  }
  return false;
}

struct FieldFacts {
  bool budget = false, timeline = false, soon = false, preapproved = false;
};

FieldFacts facts_from_fields(const ContactFacts& contact) {
  FieldFacts facts;
  for (const CustomField& field : contact.custom_fields) {
    std::string key = ascii_lower(field.key);
    std::string value = std::holds_alternative<std::string>(field.value) ? ascii_lower(std::get<std::string>(field.value)) : "";
    bool has_value = !value.empty() || std::holds_alternative<double>(field.value) ||
                     std::holds_alternative<std::vector<std::string>>(field.value);
    if (!has_value) continue;
    if (contains_any(key, {"budget", "price"})) facts.budget = true;
    if (contains_any(key, {"timeline", "timeframe", "when"})) {
      facts.timeline = !contains_any(value, {"not sure", "just browsing", "unknown"});
      facts.soon = facts.soon || contains_any(value, {"0-3", "1-3", "asap", "now", "immediately", "30 days"});
    }
    if (contains_any(key, {"pre_approv", "preapprov", "pre-approv", "financing"}) &&
        contains_any(value, {"yes", "approved", "cash", "true"}))
      facts.preapproved = true;
  }
  return facts;
}

}  // namespace

PreScore pre_score(const InboundEvent& event) {
  PreScore result;
  int score = 20;
  FieldFacts facts = event.contact ? facts_from_fields(*event.contact) : FieldFacts{};
  std::string message = event.interaction && event.interaction->direction == Direction::kInbound
                            ? ascii_lower(event.interaction->body)
                            : std::string();
  auto add = [&](int points, const char* reason) {
    score += points;
    result.reasons.emplace_back(reason);
  };
  if (facts.budget || mentions_budget(message)) add(20, "budget stated");
  bool soon = facts.soon || contains_any(message, {"this week", "this weekend", "asap", "next month", "right away",
                                                   "relocating", "today", "tomorrow", "saturday", "sunday"});
  if (soon) add(25, "buying or selling soon");
  else if (facts.timeline || contains_any(message, {"months", "this year", "spring", "summer"})) add(10, "timeline stated");
  if (facts.preapproved || contains_any(message, {"pre-approved", "preapproved", "pre approved", "cash offer", "cash buyer", "paying cash"}))
    add(25, "pre-approved or cash");
  if (message.size() >= 40) add(5, "detailed message");
  if (contains_any(message, {"see ", "tour", "showing", "visit", "available", "offer", "sell", "list "}))
    add(10, "asks to see, buy or sell");
  if (contains_any(message, {"just looking", "just browsing", "not ready", "maybe next year"})) add(-25, "just browsing");
  result.score = std::clamp(score, 0, 100);
  result.tier = result.score > 80 ? Tier::kHot : (result.score > 50 ? Tier::kWarm : Tier::kCold);
  return result;
}

}  // namespace jorge::scoring
