#include "bots/first_touch.hpp"

namespace jorge::bots {
namespace {
void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}
}  // namespace

std::string first_touch_text(const FirstTouchTemplates& templates, Tier tier, const std::string& first_name,
                             const std::string& source, bool sells) {
  std::string text = sells ? templates.seller : tier == Tier::kHot ? templates.hot : tier == Tier::kWarm ? templates.warm : templates.cold;
  replace_all(text, "{name}", first_name.empty() ? "" : first_name + ", ");
  replace_all(text, "{team}", templates.team);
  replace_all(text, "{source}", source.empty() ? "home" : source);
  if (text.size() > 320) text.resize(320);  // the hard limit of every text (persona check 1)
  return text;
}

std::string help_text(const std::string& team, const std::string& team_phone) {
  std::string text = team + ", Austin TX real estate.";
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');  // "The Rivera Team"
  if (!team_phone.empty()) text += " Questions: call " + team_phone + ".";
  return text + " Reply STOP to opt out.";
}

}  // namespace jorge::bots
