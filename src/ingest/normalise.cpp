#include "ingest/normalise.hpp"

#include "core/us_states.hpp"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <map>
#include <vector>

#include "core/text.hpp"

namespace jorge::ingest {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Words of lower-case ASCII letters and digits; everything else separates them.
std::vector<std::string> words_of(std::string_view lowered) {
  std::vector<std::string> words;
  std::string word;
  for (char c : lowered) {
    if (is_letter(c) || is_digit(c)) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool has_word(const std::vector<std::string>& words, std::string_view wanted) {
  for (const auto& word : words)
    if (word == wanted) return true;
  return false;
}

bool has_phrase(const std::vector<std::string>& words, std::string_view first, std::string_view second) {
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if (words[i] == first && words[i + 1] == second) return true;
  return false;
}

}  // namespace

std::string clean_text(std::string_view text) {
  auto cleaned = normalise_name(text);
  return cleaned.ok() ? std::move(cleaned).value() : std::string();
}

std::string name_case(std::string_view name) {
  std::string cleaned = clean_text(name);
  if (cleaned.empty()) return cleaned;
  // Word by word: a word typed with care ("McAllister") is kept; one typed all upper or all
  // lower is cased, except particles inside a name ("van", "de") and roman numerals ("III").
  static const std::array<std::string_view, 12> kParticles = {"van", "der", "den", "de", "del", "della",
                                                              "da",  "di",  "du",  "von", "la",  "le"};
  static const std::array<std::string_view, 6> kNumerals = {"II", "III", "IV", "VI", "VII", "VIII"};
  std::string out;
  size_t start = 0;
  bool first_word = true;
  while (start <= cleaned.size()) {
    size_t end = cleaned.find(' ', start);
    if (end == std::string::npos) end = cleaned.size();
    std::string word = cleaned.substr(start, end - start);
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(word);
    bool any_upper = false, any_lower = false;
    for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
      UChar32 c = text.char32At(i);
      any_upper = any_upper || u_isupper(c);
      any_lower = any_lower || u_islower(c);
    }
    std::string lowered = ascii_lower(word);
    bool particle = !first_word && any_lower && !any_upper &&
                    std::find(kParticles.begin(), kParticles.end(), lowered) != kParticles.end();
    bool numeral = std::find(kNumerals.begin(), kNumerals.end(), word) != kNumerals.end();
    if (!(any_upper && any_lower) && !particle && !numeral) {
      icu::UnicodeString cased;
      bool word_start = true;
      for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
        UChar32 c = text.char32At(i);
        bool letter = u_isalpha(c);
        cased.append(letter ? (word_start ? u_totitle(c) : u_tolower(c)) : c);
        word_start = !letter;  // after a hyphen or apostrophe: "Mary-Jane", "O'Brien"
      }
      word.clear();
      cased.toUTF8String(word);
    }
    if (!out.empty()) out.push_back(' ');
    out += word;
    first_word = false;
    start = end + 1;
  }
  return out;
}

PersonName split_full_name(std::string_view full_name) {
  std::string cleaned = clean_text(full_name);
  PersonName name;
  if (size_t comma = cleaned.find(','); comma != std::string::npos) {
    name.last = clean_text(std::string_view(cleaned).substr(0, comma));
    name.first = clean_text(std::string_view(cleaned).substr(comma + 1));
    if (name.first.empty()) std::swap(name.first, name.last);
    return name;
  }
  size_t space = cleaned.rfind(' ');
  if (space == std::string::npos) {
    name.first = cleaned;
  } else {
    name.first = cleaned.substr(0, space);
    name.last = cleaned.substr(space + 1);
  }
  return name;
}

void normalise_contact(const TypedContact& typed, ContactFacts& facts) {
  facts.first_name = name_case(typed.first_name);
  facts.last_name = name_case(typed.last_name);
  std::string full = name_case(typed.full_name);
  if (full.find(',') != std::string::npos || (facts.first_name.empty() && facts.last_name.empty())) {
    PersonName split = split_full_name(full);
    if (facts.first_name.empty() && facts.last_name.empty()) {
      facts.first_name = split.first;
      facts.last_name = split.last;
    }
    if (full.find(',') != std::string::npos) full.clear();  // recomposed below as "First Last"
  }
  facts.full_name = full;
  if (facts.full_name.empty()) {
    facts.full_name = facts.first_name;
    if (!facts.last_name.empty()) facts.full_name += (facts.full_name.empty() ? "" : " ") + facts.last_name;
  }
  if (!typed.phone.empty()) {
    std::string region = typed.country.size() == 2 ? std::string(typed.country) : "US";
    auto phone = Phone::parse(typed.phone, region);
    if (phone.ok()) facts.phone = *phone;
  }
  if (!typed.email.empty()) {
    auto email = normalise_email(typed.email);
    if (email.ok()) facts.email = *email;
  }
}

namespace {

struct Amount {
  double value = 0;
  bool dollar = false;      // "$" before it
  double multiplier = 1;    // from "k", "m", "thousand", "million"
  size_t start = 0, end = 0;
  bool money() const { return dollar || multiplier > 1 || value >= 1000; }
};

// Numbers in `lowered` with their "$" and magnitude suffix.
std::vector<Amount> amounts_in(const std::string& lowered) {
  std::vector<Amount> amounts;
  size_t i = 0;
  while (i < lowered.size() && amounts.size() < 16) {
    if (!is_digit(lowered[i])) { ++i; continue; }
    Amount amount;
    amount.start = i;
    size_t back = i;
    while (back > 0 && lowered[back - 1] == ' ') --back;
    amount.dollar = back > 0 && lowered[back - 1] == '$';
    std::string digits;
    bool decimal = false;
    while (i < lowered.size()) {
      char c = lowered[i];
      if (is_digit(c)) {
        digits.push_back(c);
      } else if (c == ',' && i + 3 < lowered.size() + 0 && is_digit(lowered[i + 1]) && !decimal) {
        // thousands separator
      } else if (c == '.' && !decimal && i + 1 < lowered.size() && is_digit(lowered[i + 1])) {
        decimal = true;
        digits.push_back('.');
      } else {
        break;
      }
      ++i;
    }
    if (digits.size() > 15) digits.resize(15);
    amount.value = std::strtod(digits.c_str(), nullptr);
    size_t j = i;
    while (j < lowered.size() && lowered[j] == ' ') ++j;
    auto word_at = [&](std::string_view word) {
      return lowered.compare(j, word.size(), word) == 0 &&
             (j + word.size() >= lowered.size() || !is_letter(lowered[j + word.size()]));
    };
    // "mil": "1.2 mil" is English shorthand for a million, "400 mil" Spanish for thousands.
    const bool spanish_thousands = word_at("mil") && amount.value >= 10;
    if (word_at("k") || word_at("thousand") || word_at("grand") || spanish_thousands) {
      amount.multiplier = 1e3;
    } else if (word_at("m") || word_at("mm") || word_at("mil") || word_at("million") || word_at("millions")) {
      amount.multiplier = 1e6;
    }
    if (amount.multiplier > 1) {
      while (j < lowered.size() && is_letter(lowered[j])) ++j;
      i = j;
    }
    amount.end = i;
    amounts.push_back(amount);
  }
  return amounts;
}

// Whether an amount is a maximum, a minimum or the figure itself, from the words just before
// it ("under", "at least", "hasta") or just after it ("tops", "or more", "+"). The longest
// phrase that matches wins, so "no more than" is a maximum although it ends in "more than".
enum class Bound { kExact, kAtMost, kAtLeast };
Bound bound_of(std::string_view lowered, size_t start, size_t end) {
  static constexpr std::pair<std::string_view, Bound> kBefore[] = {
      {"no more than", Bound::kAtMost}, {"not more than", Bound::kAtMost}, {"less than", Bound::kAtMost},
      {"under", Bound::kAtMost}, {"below", Bound::kAtMost}, {"up to", Bound::kAtMost}, {"at most", Bound::kAtMost},
      {"max", Bound::kAtMost}, {"maximum", Bound::kAtMost}, {"max of", Bound::kAtMost},
      {"maximum of", Bound::kAtMost}, {"no mas de", Bound::kAtMost}, {"no m\xC3\xA1s de", Bound::kAtMost},
      {"menos de", Bound::kAtMost}, {"hasta", Bound::kAtMost}, {"m\xC3\xA1ximo", Bound::kAtMost},
      {"maximo", Bound::kAtMost}, {"m\xC3\xA1ximo de", Bound::kAtMost}, {"a lo sumo", Bound::kAtMost},
      {"no less than", Bound::kAtLeast}, {"not less than", Bound::kAtLeast}, {"more than", Bound::kAtLeast},
      {"over", Bound::kAtLeast}, {"above", Bound::kAtLeast}, {"at least", Bound::kAtLeast},
      {"min", Bound::kAtLeast}, {"minimum", Bound::kAtLeast}, {"starting at", Bound::kAtLeast},
      {"mas de", Bound::kAtLeast}, {"m\xC3\xA1s de", Bound::kAtLeast}, {"m\xC3\xADnimo", Bound::kAtLeast},
      {"minimo", Bound::kAtLeast}, {"al menos", Bound::kAtLeast}, {"por lo menos", Bound::kAtLeast},
      {"desde", Bound::kAtLeast}};
  static constexpr std::pair<std::string_view, Bound> kAfter[] = {
      {"tops", Bound::kAtMost}, {"max", Bound::kAtMost}, {"maximum", Bound::kAtMost}, {"or less", Bound::kAtMost},
      {"or under", Bound::kAtMost}, {"or below", Bound::kAtMost}, {"at most", Bound::kAtMost},
      {"o menos", Bound::kAtMost}, {"m\xC3\xA1ximo", Bound::kAtMost}, {"maximo", Bound::kAtMost},
      {"+", Bound::kAtLeast}, {"or more", Bound::kAtLeast}, {"or above", Bound::kAtLeast},
      {"plus", Bound::kAtLeast}, {"minimum", Bound::kAtLeast}, {"min", Bound::kAtLeast},
      {"at least", Bound::kAtLeast}, {"o m\xC3\xA1s", Bound::kAtLeast}, {"o mas", Bound::kAtLeast},
      {"m\xC3\xADnimo", Bound::kAtLeast}, {"minimo", Bound::kAtLeast}};
  auto starts_a_word = [](std::string_view text, size_t at) { return at == 0 || !is_letter(text[at - 1]); };
  auto ends_a_word = [](std::string_view text, size_t at) { return at >= text.size() || !is_letter(text[at]); };
  std::string_view before = lowered.substr(0, start);
  while (!before.empty() && (before.back() == ' ' || before.back() == '$' || before.back() == ':'))
    before.remove_suffix(1);
  std::string_view after = lowered.substr(end);
  while (!after.empty() && after.front() == ' ') after.remove_prefix(1);
  Bound found = Bound::kExact;
  size_t longest = 0;
  for (const auto& [phrase, bound] : kBefore)
    if (phrase.size() > longest && before.size() >= phrase.size() &&
        before.substr(before.size() - phrase.size()) == phrase && starts_a_word(before, before.size() - phrase.size())) {
      found = bound;
      longest = phrase.size();
    }
  if (found != Bound::kExact) return found;
  for (const auto& [phrase, bound] : kAfter)
    if (phrase.size() > longest && after.substr(0, phrase.size()) == phrase &&
        (phrase == "+" || ends_a_word(after, phrase.size()))) {
      found = bound;
      longest = phrase.size();
    }
  return found;
}

bool joins_a_range(std::string_view between) {
  std::string words(trim(between));
  while (!words.empty() && (words.back() == '$' || words.back() == ' ')) words.pop_back();
  words = std::string(trim(words));
  return words == "-" || words == "to" || words == "and" || words == "y" || words == "a" || words == "\xE2\x80\x93" || words == "\xE2\x80\x94" ||
         words == "_" || words == "or";
}

}  // namespace

std::optional<MoneyRange> parse_money(std::string_view text) {
  std::string lowered = ascii_lower(text.substr(0, 512));
  std::vector<Amount> amounts = amounts_in(lowered);
  for (size_t i = 0; i < amounts.size(); ++i) {
    Amount first = amounts[i];
    if (i + 1 < amounts.size() &&
        joins_a_range(std::string_view(lowered).substr(first.end, amounts[i + 1].start - first.end))) {
      Amount second = amounts[i + 1];
      if (first.multiplier == 1 && second.multiplier > 1 && first.value < 1000) first.multiplier = second.multiplier;
      if (second.money() || first.money()) {
        double low = first.value * first.multiplier, high = second.value * second.multiplier;
        if (low > high) std::swap(low, high);
        return MoneyRange{low, high};
      }
      ++i;  // "720-759": a pair of plain numbers, not money
      continue;
    }
    if (!first.money()) continue;
    const double dollars = first.value * first.multiplier;
    switch (bound_of(lowered, first.start, first.end)) {
      case Bound::kAtMost: return MoneyRange{std::nullopt, dollars};
      case Bound::kAtLeast: return MoneyRange{dollars, std::nullopt};
      case Bound::kExact: return MoneyRange{dollars, dollars};
    }
  }
  return std::nullopt;
}

std::optional<Timeline> parse_timeline(std::string_view text, SystemTime now) {
  std::string lowered = ascii_lower(text.substr(0, 512));
  std::vector<std::string> words = words_of(lowered);
  if (words.empty()) return std::nullopt;
  if (has_phrase(words, "just", "looking") || has_word(words, "browsing") || has_phrase(words, "not", "sure") ||
      has_word(words, "unsure"))
    return std::nullopt;
  if (has_word(words, "asap") || has_word(words, "immediately") || has_word(words, "now") ||
      has_word(words, "today") || has_word(words, "urgent") || has_phrase(words, "right", "away") ||
      has_phrase(words, "this", "week") || has_word(words, "immediate"))
    return Timeline{0, 1};
  if (has_phrase(words, "this", "month")) return Timeline{0, 1};
  if (has_phrase(words, "next", "month")) return Timeline{1, 2};

  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm calendar{};
  gmtime_r(&seconds, &calendar);
  const int month_now = calendar.tm_mon;  // 0 = January
  if (has_phrase(words, "next", "year")) return Timeline{double(12 - month_now), double(24 - month_now)};
  if (has_phrase(words, "this", "year")) return Timeline{0, double(12 - month_now)};

  // Numbers with a unit: "3-6 months", "0_3_months", "within 30 days", "6+ months", "1 year".
  std::vector<double> numbers;
  double unit = 0;
  bool plus = lowered.find('+') != std::string::npos || has_phrase(words, "more", "than") || has_word(words, "over");
  bool within = has_word(words, "within") || has_word(words, "under") || has_phrase(words, "less", "than") ||
                has_word(words, "by");
  for (const auto& word : words) {
    if (is_digit(word[0])) {
      size_t k = 0;
      while (k < word.size() && is_digit(word[k])) ++k;
      if (k <= 4) numbers.push_back(std::stod(word.substr(0, k)));
      std::string rest = word.substr(k);  // "3months"
      if (!rest.empty() && unit == 0) {
        if (rest.rfind("month", 0) == 0 || rest == "mo" || rest == "mos") unit = 1;
        else if (rest.rfind("week", 0) == 0 || rest == "wk" || rest == "wks") unit = 12.0 / 52;
        else if (rest.rfind("day", 0) == 0) unit = 12.0 / 365;
        else if (rest.rfind("year", 0) == 0 || rest == "yr" || rest == "yrs") unit = 12;
      }
      continue;
    }
    if (unit != 0) continue;
    if (word.rfind("month", 0) == 0 || word == "mo" || word == "mos") unit = 1;
    else if (word.rfind("week", 0) == 0 || word == "wk" || word == "wks") unit = 12.0 / 52;
    else if (word.rfind("day", 0) == 0) unit = 12.0 / 365;
    else if (word.rfind("year", 0) == 0 || word == "yr" || word == "yrs") unit = 12;
  }
  if (unit != 0 && !numbers.empty() && numbers.size() <= 2) {
    double low = numbers[0] * unit, high = numbers.back() * unit;
    if (low > high) std::swap(low, high);
    if (numbers.size() == 1) {
      if (plus) high = low * 2 + 6;
      else if (within) low = 0;
    }
    return Timeline{low, high};
  }

  // A month or season: "by March", "in June", "this spring".
  static const std::array<std::pair<const char*, int>, 24> kMonths = {{
      {"january", 0}, {"jan", 0}, {"february", 1}, {"feb", 1}, {"march", 2}, {"mar", 2}, {"april", 3},
      {"apr", 3}, {"may", 4}, {"june", 5}, {"jun", 5}, {"july", 6}, {"jul", 6}, {"august", 7}, {"aug", 7},
      {"september", 8}, {"sept", 8}, {"october", 9}, {"oct", 9}, {"november", 10}, {"nov", 10},
      {"december", 11}, {"dec", 11}, {"spring", 2}}};
  static const std::array<std::pair<const char*, int>, 4> kSeasons = {
      {{"summer", 5}, {"fall", 8}, {"autumn", 8}, {"winter", 11}}};
  std::optional<int> target;
  for (const auto& word : words) {
    for (const auto& [name, month] : kMonths)
      if (word == name) target = month;
    for (const auto& [name, month] : kSeasons)
      if (word == name) target = month;
    if (target) break;
  }
  if (target) {
    int ahead = (*target - month_now + 12) % 12;
    if (has_word(words, "by") || has_word(words, "before")) return Timeline{0, double(std::max(ahead, 1))};
    return Timeline{double(ahead), double(ahead + 1)};
  }
  return std::nullopt;
}

std::string normalise_postal_code(std::string_view text) {
  std::string_view trimmed = trim(text);
  std::string digits;
  bool only_digits_and_dash = !trimmed.empty();
  for (char c : trimmed) {
    if (is_digit(c)) digits.push_back(c);
    else if (c != '-' && c != ' ') only_digits_and_dash = false;
  }
  if (only_digits_and_dash && digits.size() == 5) return digits;
  if (only_digits_and_dash && digits.size() == 9) return digits.substr(0, 5) + "-" + digits.substr(5);
  std::string out = clean_text(trimmed);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string normalise_state(std::string_view text) {
  std::string cleaned = clean_text(text);
  if (const UsState* state = find_us_state(cleaned)) return state->code;
  return cleaned;
}

std::string normalise_address(std::string_view text) {
  static const std::map<std::string, std::string, std::less<>> kAbbreviations = {
      {"street", "St"}, {"st", "St"}, {"avenue", "Ave"}, {"ave", "Ave"}, {"av", "Ave"}, {"boulevard", "Blvd"},
      {"blvd", "Blvd"}, {"drive", "Dr"}, {"dr", "Dr"}, {"lane", "Ln"}, {"ln", "Ln"}, {"road", "Rd"}, {"rd", "Rd"},
      {"court", "Ct"}, {"ct", "Ct"}, {"circle", "Cir"}, {"cir", "Cir"}, {"place", "Pl"}, {"pl", "Pl"},
      {"parkway", "Pkwy"}, {"pkwy", "Pkwy"}, {"highway", "Hwy"}, {"hwy", "Hwy"}, {"terrace", "Ter"},
      {"trail", "Trl"}, {"trl", "Trl"}, {"cove", "Cv"}, {"cv", "Cv"}, {"square", "Sq"}, {"apartment", "Apt"},
      {"apt", "Apt"}, {"suite", "Ste"}, {"ste", "Ste"}, {"unit", "Unit"}, {"north", "N"}, {"south", "S"},
      {"east", "E"}, {"west", "W"}, {"northeast", "NE"}, {"northwest", "NW"}, {"southeast", "SE"},
      {"southwest", "SW"}, {"n", "N"}, {"s", "S"}, {"e", "E"}, {"w", "W"}, {"ne", "NE"}, {"nw", "NW"},
      {"se", "SE"}, {"sw", "SW"}};
  std::string cleaned = name_case(text);
  std::string out;
  size_t start = 0;
  size_t index = 0;
  while (start < cleaned.size()) {
    size_t end = cleaned.find(' ', start);
    if (end == std::string::npos) end = cleaned.size();
    std::string token = cleaned.substr(start, end - start);
    std::string trailing;
    while (!token.empty() && (token.back() == ',' || token.back() == '.')) {
      if (token.back() == ',') trailing = ",";
      token.pop_back();
    }
    // The first word after the house number is a name more often than a direction or suffix
    // ("1100 Court St"): abbreviate it only when it is a direction ("4407 South Lamar").
    auto found = kAbbreviations.find(ascii_lower(token));
    bool street_name_position = index == 1 && found != kAbbreviations.end() && found->second.size() > 2;
    if (found != kAbbreviations.end() && !street_name_position && index > 0) token = found->second;
    if (!out.empty()) out.push_back(' ');
    out += token + trailing;
    start = end + 1;
    ++index;
  }
  return out;
}

void add_derived_fields(ContactFacts& facts, SystemTime at) {
  auto has = [&](std::string_view key) {
    for (const auto& field : facts.custom_fields)
      if (field.key == key) return true;
    return false;
  };
  auto text_of = [](const FieldValue& value) -> std::string {
    if (auto* text = std::get_if<std::string>(&value)) return *text;
    if (auto* list = std::get_if<std::vector<std::string>>(&value)) return list->empty() ? "" : list->front();
    if (auto* number = std::get_if<double>(&value)) return std::to_string(*number);
    return {};
  };
  std::vector<CustomField> added;
  for (const auto& field : facts.custom_fields) {
    std::string key = ascii_lower(field.key);
    bool money_key = key.find("budget") != std::string::npos || key.find("price") != std::string::npos;
    bool time_key = key.find("when") != std::string::npos || key.find("timeline") != std::string::npos ||
                    key.find("timeframe") != std::string::npos || key.find("move_in") != std::string::npos ||
                    key.find("move in") != std::string::npos;
    if (money_key && !has("budget_min") && key != "budget_min" && key != "budget_max") {
      if (auto money = parse_money(text_of(field.value))) {
        if (money->low) added.push_back({"budget_min", *money->low});
        if (money->high) added.push_back({"budget_max", *money->high});
      }
    }
    if (time_key && !has("timeline_months") && key != "timeline_months") {
      if (auto timeline = parse_timeline(text_of(field.value), at)) added.push_back({"timeline_months", timeline->low_months});
    }
  }
  for (auto& field : added)
    if (!has(field.key)) facts.custom_fields.push_back(std::move(field));
}

void normalise_place(const TypedPlace& typed, ContactFacts& facts) {
  if (!typed.address.empty()) facts.address = normalise_address(typed.address);
  if (!typed.city.empty()) facts.city = name_case(typed.city);
  if (!typed.state.empty()) facts.state = normalise_state(typed.state);
  if (!typed.postal_code.empty()) facts.postal_code = normalise_postal_code(typed.postal_code);
}

}  // namespace jorge::ingest
