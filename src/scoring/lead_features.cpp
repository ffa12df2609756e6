#include "scoring/lead_features.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <map>
#include <numbers>
#include <span>

namespace jorge::scoring {
namespace {

constexpr double kAustinMedianPriceK = 550.0;
constexpr double kDefaultTimelineDays = 180.0;

// ASCII classes inline: the C library's locale-aware ones cost a call per character here.
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
bool boundary_before(std::string_view text, size_t at) { return at == 0 || !is_word(text[at - 1]); }
bool boundary_after(std::string_view text, size_t at) { return at >= text.size() || !is_word(text[at]); }

// Whether `text` holds `word` at `at`. Compared inline: cues are a few letters, and a memcmp
// call for each was most of the features' cost.
bool starts_with_at(std::string_view text, size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (text[at + k] != word[k]) return false;
  return true;
}

// A cue phrase; `stem` also matches any word continuing it ("relocat" -> "relocating").
struct Cue {
  std::string_view text;
  bool stem = false;
};

// Cues with, for each first byte, which of them start with it (bit k: cue k): a position is
// tried only against the cues that can match there.
struct CueList {
  std::span<const Cue> cues;
  std::array<uint32_t, 256> by_first{};
};
template <size_t N>
constexpr CueList cue_list(const Cue (&cues)[N]) {
  static_assert(N <= 32, "a cue list's index has 32 bits");
  CueList list{cues, {}};
  for (size_t k = 0; k < N; ++k) list.by_first[static_cast<unsigned char>(cues[k].text[0])] |= 1u << k;
  return list;
}

// Non-overlapping whole-word occurrences of any cue, scanning left to right and trying cues
// in order at each position (how a regex alternation between \b's counts them).
int count_cues(std::string_view text, const CueList& list) {
  int count = 0;
  for (size_t i = 0; i < text.size();) {
    size_t matched_end = 0;
    uint32_t candidates = list.by_first[static_cast<unsigned char>(text[i])];
    if (candidates != 0 && boundary_before(text, i)) {
      for (; candidates != 0; candidates &= candidates - 1) {  // lowest first: the list's order
        const Cue& cue = list.cues[static_cast<size_t>(std::countr_zero(candidates))];
        if (!starts_with_at(text, i, cue.text)) continue;
        size_t end = i + cue.text.size();
        if (cue.stem)
          while (end < text.size() && is_word(text[end])) ++end;
        if (boundary_after(text, end)) {
          matched_end = end;
          break;
        }
      }
    }
    if (matched_end) {
      ++count;
      i = matched_end;
    } else {
      ++i;
    }
  }
  return count;
}

constexpr Cue kUrgencyCues[] = {{"asap"},       {"immediately"},  {"urgent"},       {"right away"},
                            {"this week"},  {"this month"},   {"30 days"},      {"relocat", true},
                            {"closing soon"}, {"need to move"}, {"lease ends"}, {"ready now"}};
constexpr Cue kFinancingCues[] = {{"pre-approved"}, {"preapproved"}, {"pre-qualified"}, {"prequalified"},
                              {"cash"},         {"lender"},      {"mortgage"},      {"down payment"},
                              {"loan"},         {"fha"},         {"va loan"},       {"conventional"}};
constexpr Cue kLocationCues[] = {{"austin"},     {"round rock"},     {"cedar park"}, {"pflugerville"}, {"leander"},
                             {"georgetown"}, {"westlake"},       {"mueller"},    {"east austin"},  {"south congress"},
                             {"hyde park"},  {"zilker"},         {"circle c"},   {"lakeway"},      {"bee cave"},
                             {"domain"}};
constexpr Cue kIntentCues[] = {{"buy"},   {"buying"},   {"purchase"}, {"tour"},    {"showing"}, {"see the house"},
                           {"offer"}, {"schedule"}, {"visit"},    {"move in"}, {"ready"},   {"serious"},
                           {"sell"},  {"selling"},  {"list my"}};
constexpr Cue kNegativeCues[] = {{"just looking"}, {"maybe"},    {"not sure"},   {"someday"},       {"curious"},
                             {"browsing"},     {"no rush"},  {"eventually"}, {"just checking"}, {"not ready"}};
constexpr Cue kRangeCues[] = {{"between"}, {"to"}, {"range"}, {"and"}};
constexpr CueList kUrgency = cue_list(kUrgencyCues), kFinancing = cue_list(kFinancingCues),
                  kLocation = cue_list(kLocationCues), kIntent = cue_list(kIntentCues),
                  kNegative = cue_list(kNegativeCues), kRange = cue_list(kRangeCues);

// A few words each: a scan comparing lengths first beats a tree of string comparisons.
constexpr std::string_view kPositiveWords[] = {"great", "love", "excited", "perfect", "ready", "beautiful", "amazing",
                                               "interested", "happy", "thanks", "thank", "awesome", "excellent", "ideal"};
constexpr std::string_view kNegativeWords[] = {"bad", "hate", "expensive", "worried", "problem", "unfortunately",
                                               "overpriced", "concerned", "difficult", "disappointed", "no", "never"};
bool listed(std::span<const std::string_view> words, std::string_view word) {
  for (std::string_view listed_word : words)
    if (listed_word.size() == word.size() && listed_word == word) return true;
  return false;
}

bool has_range_word(std::string_view text) {
  if (count_cues(text, kRange) > 0) return true;
  for (size_t i = 1; i + 1 < text.size(); ++i)  // "400-500": a hyphen between word characters
    if (text[i] == '-' && is_word(text[i - 1]) && is_word(text[i + 1])) return true;
  return false;
}

// Reads digits[.digits] at `at`; returns the end, or `at` when there is no digit.
size_t read_decimal(std::string_view text, size_t at) {
  size_t end = at;
  while (end < text.size() && is_digit(text[end])) ++end;
  if (end == at) return at;
  if (end + 1 < text.size() && text[end] == '.' && is_digit(text[end + 1])) {
    ++end;
    while (end < text.size() && is_digit(text[end])) ++end;
  }
  return end;
}

// Reads d{1,3}(,ddd)+ at `at`; returns the end, or `at` when it is not that shape.
size_t read_grouped(std::string_view text, size_t at) {
  auto digit = [&](size_t k) { return k < text.size() && is_digit(text[k]); };
  size_t end = at;
  while (end - at < 3 && digit(end)) ++end;
  if (end == at) return at;
  size_t groups = 0;
  while (end < text.size() && text[end] == ',' && digit(end + 1) && digit(end + 2) && digit(end + 3)) {
    end += 4;
    ++groups;
  }
  return groups ? end : at;
}

// k, m, thousand or million at `at` (tried in that order); {multiplier, end} or {0, at}.
std::pair<double, size_t> read_unit(std::string_view text, size_t at, bool need_boundary) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"k", 1.0}, {"m", 1000.0}, {"thousand", 1.0}, {"million", 1000.0}};
  for (const auto& [unit, multiplier] : kUnits)
    if (text.compare(at, unit.size(), unit) == 0 && (!need_boundary || boundary_after(text, at + unit.size())))
      return {multiplier, at + unit.size()};
  return {0, at};
}

size_t skip_spaces(std::string_view text, size_t at) {
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  return at;
}

double to_number(std::string_view digits) {
  std::string plain;
  for (char c : digits)
    if (c != ',') plain.push_back(c);
  return std::strtod(plain.c_str(), nullptr);
}

}  // namespace

const std::array<std::string_view, kLeadFeatureCount>& lead_feature_names() {
  static const std::array<std::string_view, kLeadFeatureCount> names = {
      "msg_len",          "word_count",         "sentiment",        "question_count",  "exclamation_count",
      "budget_in_text",   "budget_specificity", "urgency_kw",       "financing_kw",    "location_kw",
      "intent_kw",        "negative_kw",        "budget_min_k",     "budget_max_k",    "budget_mid_k",
      "budget_range_ratio", "budget_to_market", "timeline_days",    "pre_approved",    "cash_buyer",
      "page_views",       "saved_properties",   "response_time_hours", "interaction_count", "email_opens",
      "hour_of_day",      "is_weekend",         "day_part",         "month_sin",       "source_quality"};
  return names;
}

std::vector<double> money_in_text(std::string_view message) {
  const std::string text = ascii_lower(message);
  std::vector<double> amounts;
  for (size_t i = 0; i < text.size();) {
    size_t end = i;
    double value = 0;
    bool found = false;
    if (text[i] == '$') {
      size_t start = i + 1;
      if (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
      size_t number_end = read_grouped(text, start);
      if (number_end == start) number_end = read_decimal(text, start);
      if (number_end > start) {
        value = to_number(std::string_view(text).substr(start, number_end - start));
        auto [multiplier, unit_end] = read_unit(text, skip_spaces(text, number_end), false);
        value = multiplier > 0 ? value * multiplier : value / 1000.0;
        end = multiplier > 0 ? unit_end : number_end;
        found = true;
      }
    } else if (is_digit(text[i]) && boundary_before(text, i)) {
      // With and without the decimal part, as a regex would backtrack.
      for (size_t number_end : {read_decimal(text, i), [&] {
             size_t e = i;
             while (e < text.size() && is_digit(text[e])) ++e;
             return e;
           }()}) {
        auto [multiplier, unit_end] = read_unit(text, skip_spaces(text, number_end), true);
        if (multiplier > 0) {
          value = to_number(std::string_view(text).substr(i, number_end - i)) * multiplier;
          end = unit_end;
          found = true;
          break;
        }
      }
    }
    if (found) {
      if (value >= 50.0 && value <= 20000.0) amounts.push_back(value);
      i = std::max(end, i + 1);
    } else {
      ++i;
    }
  }
  return amounts;
}

void extract_lead_features(const LeadFacts& lead, SystemTime now, std::span<float> out) {
  std::string message = lead.message;
  if (!lead.preferred_areas.empty()) {
    for (const auto& area : lead.preferred_areas) message += " " + area;
  }
  const std::string text = ascii_lower(message);
  // Words of letters and apostrophes, for the count and the sentiment.
  int words = 0, positive = 0, negative = 0;
  for (size_t i = 0; i < message.size();) {
    auto letter = [&](char c) { return is_alpha(c) || c == '\''; };
    if (!letter(message[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < message.size() && letter(message[end])) ++end;
    ++words;
    std::string_view word = std::string_view(text).substr(i, end - i);
    if (listed(kPositiveWords, word)) ++positive;
    else if (listed(kNegativeWords, word)) ++negative;
    i = end;
  }
  const double sentiment = positive + negative ? static_cast<double>(positive - negative) / (positive + negative) : 0.0;
  const std::vector<double> amounts = money_in_text(message);
  const double specificity = amounts.empty() ? 0.0 : (amounts.size() >= 2 || has_range_word(text)) ? 0.6 : 1.0;
  double low = lead.budget_min && *lead.budget_min != 0 ? *lead.budget_min / 1000.0
               : amounts.empty()                        ? 0.0
                                                        : *std::min_element(amounts.begin(), amounts.end());
  double high = lead.budget_max && *lead.budget_max != 0 ? *lead.budget_max / 1000.0
                : amounts.empty()                         ? 0.0
                                                          : *std::max_element(amounts.begin(), amounts.end());
  if (high < low) std::swap(low, high);
  const double middle = high != 0 ? (low + high) / 2.0 : low;
  const double range_ratio = middle != 0 ? (high - low) / middle : 0.0;

  static const std::map<std::string, double> kTimelineDays = {
      {"immediate", 7},     {"asap", 7},          {"0-30 days", 30},   {"1-3 months", 60},
      {"3-6 months", 135},  {"6-12 months", 270}, {"6+ months", 270},  {"12+ months", 400},
      {"just browsing", 540}};
  double timeline_days = kDefaultTimelineDays;
  if (lead.timeline) {
    std::string key = ascii_lower(*lead.timeline);
    key.erase(0, key.find_first_not_of(" \t\r\n"));
    key.erase(key.find_last_not_of(" \t\r\n") + 1);
    if (auto found = kTimelineDays.find(key); found != kTimelineDays.end()) timeline_days = found->second;
  }
  static const std::map<std::string, double> kSourceQuality = {
      {"zillow", 0.85}, {"realtor_com", 0.80}, {"realtor", 0.80}, {"ghl", 0.70},
      {"email_forwarded", 0.60}, {"email", 0.60}, {"facebook", 0.50}, {"referral", 0.90}};
  auto quality = kSourceQuality.find(ascii_lower(lead.source));

  // Local time of arrival, in the offset the time was given in.
  const SystemTime arrived = lead.created_at.value_or(now) + std::chrono::minutes(lead.utc_offset_minutes);
  const auto days = std::chrono::floor<std::chrono::days>(arrived);
  const std::chrono::year_month_day date{days};
  const auto hour = std::chrono::duration_cast<std::chrono::hours>(arrived - days).count();
  const unsigned weekday = std::chrono::weekday{days}.iso_encoding();  // 1 Monday .. 7 Sunday
  const double day_part = hour >= 5 && hour < 12 ? 0 : hour >= 12 && hour < 17 ? 1 : hour >= 17 && hour < 22 ? 2 : 3;
  const double month = static_cast<unsigned>(date.month());

  const float values[kLeadFeatureCount] = {
      static_cast<float>(message.size()),
      static_cast<float>(words),
      static_cast<float>(sentiment),
      static_cast<float>(std::count(message.begin(), message.end(), '?')),
      static_cast<float>(std::count(message.begin(), message.end(), '!')),
      amounts.empty() ? 0.0f : 1.0f,
      static_cast<float>(specificity),
      static_cast<float>(count_cues(text, kUrgency)),
      static_cast<float>(count_cues(text, kFinancing)),
      static_cast<float>(count_cues(text, kLocation)),
      static_cast<float>(count_cues(text, kIntent)),
      static_cast<float>(count_cues(text, kNegative)),
      static_cast<float>(low),
      static_cast<float>(high),
      static_cast<float>(middle),
      static_cast<float>(range_ratio),
      static_cast<float>(middle / kAustinMedianPriceK),
      static_cast<float>(timeline_days),
      lead.pre_approved ? 1.0f : 0.0f,
      lead.cash_buyer ? 1.0f : 0.0f,
      static_cast<float>(lead.page_views),
      static_cast<float>(lead.saved_properties),
      static_cast<float>(lead.response_time_hours.value_or(24.0)),
      static_cast<float>(lead.interaction_count),
      static_cast<float>(lead.email_opens),
      static_cast<float>(hour),
      weekday >= 6 ? 1.0f : 0.0f,
      static_cast<float>(day_part),
      static_cast<float>(std::sin(2.0 * std::numbers::pi * (month - 1) / 12.0)),
      static_cast<float>(quality == kSourceQuality.end() ? 0.55 : quality->second)};
  std::copy(std::begin(values), std::end(values), out.begin());
}

LeadFacts lead_facts_from(const std::string& source, const std::string& message,
                          const std::vector<CustomField>& fields, SystemTime created_at, int64_t interactions) {
  LeadFacts lead;
  lead.source = ascii_lower(source.empty() ? "ghl" : source);
  lead.message = message;
  lead.created_at = created_at;
  lead.interaction_count = interactions;
  auto has = [](const std::string& text, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view word) { return text.find(word) != std::string::npos; });
  };
  for (const CustomField& field : fields) {
    std::string as_text;
    if (const auto* value = std::get_if<std::string>(&field.value)) as_text = *value;
    else if (const auto* value = std::get_if<double>(&field.value)) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.10g", *value);
      as_text = buffer;
    } else if (const auto* value = std::get_if<bool>(&field.value)) as_text = *value ? "yes" : "no";
    else if (const auto* value = std::get_if<std::vector<std::string>>(&field.value))
      for (const auto& item : *value) as_text += (as_text.empty() ? "" : ", ") + item;
    lead.custom_fields.emplace_back(field.key, as_text);
    const std::string key = ascii_lower(field.key);
    std::string text;
    std::optional<double> number;
    if (const auto* value = std::get_if<double>(&field.value)) number = *value;
    if (const auto* value = std::get_if<std::string>(&field.value)) {
      text = ascii_lower(*value);
      auto amounts = money_in_text(*value);
      if (!amounts.empty()) {
        number = amounts.front() * 1000;
      } else if (!text.empty()) {
        char* end = nullptr;
        const double parsed = std::strtod(text.c_str(), &end);
        if (end && *end == '\0') number = parsed;
      }
    }
    if (const auto* value = std::get_if<bool>(&field.value)) text = *value ? "yes" : "no";
    if (has(key, {"budget", "price"}) && number && *number > 0) {
      if (has(key, {"min", "from", "low"})) lead.budget_min = number;
      else if (has(key, {"max", "to", "up", "high"})) lead.budget_max = number;
      else lead.budget_min = lead.budget_max = number;
    } else if (has(key, {"timeline", "timeframe", "when"}) && !text.empty()) {
      lead.timeline = text;
    } else if (has(key, {"pre_approv", "preapprov", "pre-approv", "financing", "mortgage"})) {
      if (has(text, {"cash"})) lead.cash_buyer = true;
      else if (has(text, {"yes", "approved", "true"})) lead.pre_approved = true;
    } else if (has(key, {"cash"}) && has(text, {"yes", "true"})) {
      lead.cash_buyer = true;
    }
  }
  return lead;
}

LeadSignals lead_signals(std::span<const float> f) {
  auto clip = [](double x) { return std::clamp(x, 0.0, 1.0); };
  auto round2 = [](double x) { return std::round(x * 100) / 100; };
  LeadSignals signals;
  signals.budget_quality = round2(clip(0.25 * std::min<double>(f[16], 2.0) + 0.35 * f[6] + (f[14] > 0 ? 0.15 : 0.0) +
                                       (f[15] < 0.3 ? 0.15 : 0.0)));
  signals.timeline_urgency = round2(clip(1.0 - f[17] / 365.0 + 0.15 * f[7]));
  signals.financing_readiness = round2(clip(0.6 * f[18] + 0.7 * f[19] + 0.15 * std::min<double>(f[8], 2.0)));
  signals.message_intent =
      round2(clip(0.3 + 0.12 * f[10] + 0.08 * f[9] + 0.05 * f[3] + 0.1 * f[2] - 0.2 * f[11]));
  return signals;
}

}  // namespace jorge::scoring
