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
