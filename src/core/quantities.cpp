#include "core/quantities.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "core/text.hpp"

namespace jorge {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

bool word_at(std::string_view text, size_t at, std::string_view word) {
  return text.compare(at, word.size(), word) == 0 && (at == 0 || !is_letter(text[at - 1])) &&
         (at + word.size() >= text.size() || !is_letter(text[at + word.size()]));
}

}  // namespace

std::vector<MoneyFigure> money_figures(std::string_view lowered) {
  std::vector<MoneyFigure> figures;
  size_t i = 0;
  while (i < lowered.size() && figures.size() < 16) {
    if (!is_digit(lowered[i])) {
      // "half a mil", "half a million": the one amount people write without a digit.
      for (std::string_view phrase : {"half a million", "half a mil", "half a mill"})
        if (word_at(lowered, i, phrase)) {
          MoneyFigure half;
          half.value = 0.5;
          half.multiplier = 1e6;
          half.start = i;
          half.end = i + phrase.size();
          figures.push_back(half);
          i = half.end;
          break;
        }
      ++i;
      continue;
    }
    MoneyFigure figure;
    figure.start = i;
    size_t back = i;
    while (back > 0 && lowered[back - 1] == ' ') --back;
    figure.dollar = back > 0 && lowered[back - 1] == '$';
    std::string digits;
    bool decimal = false;
    while (i < lowered.size()) {
      char c = lowered[i];
      if (is_digit(c)) {
        digits.push_back(c);
      } else if (c == ',' && i + 3 < lowered.size() + 0 && is_digit(lowered[i + 1]) && is_digit(lowered[i + 2]) &&
                 is_digit(lowered[i + 3]) && !decimal) {
        figure.grouped = true;  // thousands separator
      } else if (c == '.' && !decimal && i + 1 < lowered.size() && is_digit(lowered[i + 1])) {
        decimal = true;
        digits.push_back('.');
      } else {
        break;
      }
      ++i;
    }
    if (digits.size() > 15) digits.resize(15);
    figure.value = std::strtod(digits.c_str(), nullptr);
    if (i < lowered.size() && lowered[i] == 's' && (i + 1 >= lowered.size() || !is_letter(lowered[i + 1])))
      figure.plural = true;  // "400s"
    if (i + 1 < lowered.size() && lowered[i] == '\'' && lowered[i + 1] == 's') figure.plural = true;  // "400's"
    size_t j = i;
    while (j < lowered.size() && lowered[j] == ' ') ++j;
    auto suffix = [&](std::string_view word) {
      return lowered.compare(j, word.size(), word) == 0 &&
             (j + word.size() >= lowered.size() || !is_letter(lowered[j + word.size()]));
    };
    // "mil": "1.2 mil" is English shorthand for a million, "400 mil" Spanish for thousands.
    const bool spanish_thousands = suffix("mil") && figure.value >= 20;
    if (suffix("k") || suffix("thousand") || suffix("grand") || spanish_thousands) {
      figure.multiplier = 1e3;
    } else if (suffix("m") || suffix("mm") || suffix("mil") || suffix("mill") || suffix("million") ||
               suffix("millions") || suffix("millon") || suffix("millones") || suffix("mill\xC3\xB3n")) {
      figure.multiplier = 1e6;
    }
    if (figure.multiplier > 1) {
      while (j < lowered.size() && (is_letter(lowered[j]) || static_cast<unsigned char>(lowered[j]) >= 0x80)) ++j;
      i = j;
    }
    figure.end = i;
    figures.push_back(figure);
  }
  return figures;
}

MoneyBound money_bound(std::string_view lowered, size_t start, size_t end) {
  using enum MoneyBound;
  static constexpr std::pair<std::string_view, MoneyBound> kBefore[] = {
      {"no more than", kAtMost}, {"not more than", kAtMost}, {"less than", kAtMost}, {"not over", kAtMost},
      {"under", kAtMost}, {"below", kAtMost}, {"up to", kAtMost}, {"at most", kAtMost}, {"max", kAtMost},
      {"maximum", kAtMost}, {"max of", kAtMost}, {"maximum of", kAtMost}, {"no mas de", kAtMost},
      {"no m\xC3\xA1s de", kAtMost}, {"menos de", kAtMost}, {"hasta", kAtMost}, {"m\xC3\xA1ximo", kAtMost},
      {"maximo", kAtMost}, {"m\xC3\xA1ximo de", kAtMost}, {"maximo de", kAtMost}, {"a lo sumo", kAtMost},
      {"no less than", kAtLeast}, {"not less than", kAtLeast}, {"more than", kAtLeast}, {"over", kAtLeast},
      {"above", kAtLeast}, {"at least", kAtLeast}, {"min", kAtLeast}, {"minimum", kAtLeast},
      {"starting at", kAtLeast}, {"starting from", kAtLeast}, {"from", kAtLeast}, {"mas de", kAtLeast},
      {"m\xC3\xA1s de", kAtLeast}, {"m\xC3\xADnimo", kAtLeast}, {"minimo", kAtLeast}, {"al menos", kAtLeast},
      {"por lo menos", kAtLeast}, {"desde", kAtLeast}};
  static constexpr std::pair<std::string_view, MoneyBound> kAfter[] = {
      {"tops", kAtMost}, {"max", kAtMost}, {"maximum", kAtMost}, {"or less", kAtMost}, {"or under", kAtMost},
      {"or below", kAtMost}, {"at most", kAtMost}, {"o menos", kAtMost}, {"m\xC3\xA1ximo", kAtMost},
      {"maximo", kAtMost}, {"+", kAtLeast}, {"or more", kAtLeast}, {"or above", kAtLeast}, {"plus", kAtLeast},
      {"minimum", kAtLeast}, {"min", kAtLeast}, {"at least", kAtLeast}, {"o m\xC3\xA1s", kAtLeast},
      {"o mas", kAtLeast}, {"m\xC3\xADnimo", kAtLeast}, {"minimo", kAtLeast}};
  auto starts_a_word = [](std::string_view text, size_t at) { return at == 0 || !is_letter(text[at - 1]); };
  auto ends_a_word = [](std::string_view text, size_t at) { return at >= text.size() || !is_letter(text[at]); };
  std::string_view before = lowered.substr(0, start);
  while (!before.empty() && (before.back() == ' ' || before.back() == '$' || before.back() == ':'))
    before.remove_suffix(1);
  std::string_view after = lowered.substr(std::min(end, lowered.size()));
  while (!after.empty() && after.front() == ' ') after.remove_prefix(1);
  MoneyBound found = kExact;
  size_t longest = 0;
  for (const auto& [phrase, bound] : kBefore)
    if (phrase.size() > longest && before.size() >= phrase.size() &&
        before.substr(before.size() - phrase.size()) == phrase && starts_a_word(before, before.size() - phrase.size())) {
      found = bound;
      longest = phrase.size();
    }
  if (found != kExact) return found;
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
  return words == "-" || words == "to" || words == "and" || words == "y" || words == "a" ||
         words == "\xE2\x80\x93" || words == "\xE2\x80\x94" || words == "_" || words == "or";
}

std::optional<MoneyRange> parse_money(std::string_view text) {
  std::string lowered = ascii_lower(text.substr(0, 512));
  std::vector<MoneyFigure> figures = money_figures(lowered);
  for (size_t i = 0; i < figures.size(); ++i) {
    MoneyFigure first = figures[i];
    if (i + 1 < figures.size() &&
        joins_a_range(std::string_view(lowered).substr(first.end, figures[i + 1].start - first.end))) {
      MoneyFigure second = figures[i + 1];
      if (first.multiplier == 1 && second.multiplier > 1 && first.value < 1000) first.multiplier = second.multiplier;
      if (second.money() || first.money()) {
        double low = first.dollars(), high = second.dollars();
        if (low > high) std::swap(low, high);
        return MoneyRange{low, high};
      }
      ++i;  // "720-759": a pair of plain numbers, not money
      continue;
    }
    if (!first.money()) continue;
    const double dollars = first.dollars();
    switch (money_bound(lowered, first.start, first.end)) {
      case MoneyBound::kAtMost: return MoneyRange{std::nullopt, dollars};
      case MoneyBound::kAtLeast: return MoneyRange{dollars, std::nullopt};
      case MoneyBound::kExact: return MoneyRange{dollars, dollars};
    }
  }
  return std::nullopt;
}

// ---- Timelines ----------------------------------------------------------------------------

namespace {

// Words of lower-case ASCII letters and digits; everything else separates them, except that a
// number keeps a glued unit ("3months") and "4/15" stays one word.
std::vector<std::string> words_of(std::string_view lowered) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i < lowered.size(); ++i) {
    const char c = lowered[i];
    const bool date_slash = c == '/' && !word.empty() && is_digit(word.back()) && i + 1 < lowered.size() &&
                            is_digit(lowered[i + 1]);
    if (is_letter(c) || is_digit(c) || date_slash) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    if (words.size() >= 128) break;
  }
  if (!word.empty() && words.size() < 128) words.push_back(std::move(word));
  return words;
}

bool has_word(const std::vector<std::string>& words, std::string_view wanted) {
  return std::find(words.begin(), words.end(), wanted) != words.end();
}

bool has_phrase(const std::vector<std::string>& words, std::initializer_list<std::string_view> phrase) {
  if (phrase.size() == 0 || words.size() < phrase.size()) return false;
  for (size_t i = 0; i + phrase.size() <= words.size(); ++i) {
    size_t k = 0;
    for (std::string_view part : phrase) {
      if (words[i + k] != part) break;
      ++k;
    }
    if (k == phrase.size()) return true;
  }
  return false;
}

// "3", "three", "a", "tres": the count a word says; nothing for other words.
std::optional<double> count_of(std::string_view word) {
  if (!word.empty() && is_digit(word[0])) {
    size_t k = 0;
    while (k < word.size() && is_digit(word[k])) ++k;
    if (k > 4 || k != word.size()) return std::nullopt;
    return std::strtod(std::string(word).c_str(), nullptr);
  }
  static constexpr std::pair<std::string_view, double> kWords[] = {
      {"a", 1}, {"an", 1}, {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6},
      {"seven", 7}, {"eight", 8}, {"nine", 9}, {"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"eighteen", 18},
      {"couple", 2}, {"few", 3}, {"un", 1}, {"una", 1}, {"uno", 1}, {"dos", 2}, {"tres", 3}, {"cuatro", 4},
      {"cinco", 5}, {"seis", 6}, {"siete", 7}, {"ocho", 8}, {"nueve", 9}, {"diez", 10}, {"doce", 12}};
  for (const auto& [name, count] : kWords)
    if (word == name) return count;
  return std::nullopt;
}

// Days per unit word ("months" 30, "semanas" 7); 0 for other words.
double unit_days(std::string_view word) {
  auto starts = [&](std::string_view stem) { return word.substr(0, stem.size()) == stem; };
  if (word == "mo" || word == "mos" || word == "mths" || starts("month") || word == "mes" || word == "meses") return 30;
  if (word == "wk" || word == "wks" || starts("week") || starts("semana")) return 7;
  if (word == "day" || word == "days" || word == "dia" || word == "dias") return 1;
  if (word == "yr" || word == "yrs" || starts("year") || word == "ano" || word == "anos" || word == "a\xC3\xB1o" ||
      word == "a\xC3\xB1os")
    return 365;
  return 0;
}

// Whole months in `days`: years count 12 months each, other spans days ÷ 30 rounded half up.
double months_of(double count, double days) {
  if (days == 365) return 12 * count;
  if (days == 30) return count;
  return std::floor(count * days / 30 + 0.5);
}

constexpr std::pair<std::string_view, int> kMonths[] = {
    {"january", 0}, {"jan", 0}, {"enero", 0}, {"february", 1}, {"feb", 1}, {"febrero", 1}, {"march", 2},
    {"marzo", 2}, {"april", 3}, {"apr", 3}, {"abril", 3}, {"may", 4}, {"mayo", 4}, {"june", 5}, {"jun", 5},
    {"junio", 5}, {"july", 6}, {"jul", 6}, {"julio", 6}, {"august", 7}, {"aug", 7}, {"agosto", 7},
    {"september", 8}, {"sept", 8}, {"sep", 8}, {"septiembre", 8}, {"setiembre", 8}, {"october", 9}, {"oct", 9},
    {"octubre", 9}, {"november", 10}, {"nov", 10}, {"noviembre", 10}, {"december", 11}, {"dec", 11},
    {"diciembre", 11}};
// The last month of each season: a season is done by its end.
constexpr std::pair<std::string_view, int> kSeasons[] = {
    {"spring", 4}, {"primavera", 4}, {"summer", 7}, {"verano", 7}, {"fall", 10}, {"autumn", 10}, {"otono", 10},
    {"winter", 1}, {"invierno", 1}};

bool time_cue(std::string_view word) {
  static constexpr std::string_view kCues[] = {"by", "before", "in", "until", "till", "til", "of", "end", "early",
                                               "late", "mid", "around", "on", "after", "ends", "up", "para", "en",
                                               "antes", "de", "finales", "fines", "hasta", "this", "este", "esta"};
  return std::find(std::begin(kCues), std::end(kCues), word) != std::end(kCues);
}

}  // namespace

std::optional<Timeline> parse_timeline(std::string_view text, SystemTime now) {
  const std::string lowered = ascii_lower(text.substr(0, 512));
  const std::vector<std::string> words = words_of(lowered);
  if (words.empty()) return std::nullopt;
  const bool browsing = has_phrase(words, {"just", "looking"}) || has_word(words, "browsing");

  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm calendar{};
  gmtime_r(&seconds, &calendar);
  const int month_now = calendar.tm_mon;  // 0 = January
  auto months_to = [&](int month) { return double((month - month_now + 12) % 12); };
  const bool by = has_word(words, "by") || has_word(words, "before") || has_word(words, "until") ||
                  has_word(words, "till") || has_word(words, "antes") || has_word(words, "hasta");
  auto month_reading = [&](int month) {
    const double ahead = months_to(month);
    return by ? Timeline{0, ahead} : Timeline{ahead, ahead};
  };

  // Spans with a unit: "3-6 months", "0_3_months", "within 30 days", "a year or two", "6+ months".
  for (size_t i = 0; i < words.size(); ++i) {
    double days = unit_days(words[i]);
    std::optional<double> count, first;
    size_t begins = i;
    if (days > 0 && i > 0) {
      count = count_of(words[i - 1]);
      begins = i - 1;
      const bool digits = count && !words[i - 1].empty() && is_digit(words[i - 1][0]);
      if (digits && i >= 2 && count_of(words[i - 2]) && words[i - 2] != "a" && words[i - 2] != "an") {
        first = count_of(words[i - 2]);  // "3 6 months" from "3-6 months"
        begins = i - 2;
      } else if (count && i >= 3 && (words[i - 2] == "to" || words[i - 2] == "or" || words[i - 2] == "a" ||
                                     words[i - 2] == "y" || words[i - 2] == "o") && count_of(words[i - 3])) {
        first = count_of(words[i - 3]);
        begins = i - 3;
      }
    } else if (!words[i].empty() && is_digit(words[i][0])) {  // "3months", "6mo"
      size_t k = 0;
      while (k < words[i].size() && is_digit(words[i][k])) ++k;
      if (k < words[i].size() && k <= 4 && (days = unit_days(std::string_view(words[i]).substr(k))) > 0)
        count = std::strtod(words[i].substr(0, k).c_str(), nullptr);
    } else if (words[i] == "half" && i + 2 < words.size() && words[i + 1] == "a" && unit_days(words[i + 2]) == 365) {
      return Timeline{6, 6};  // "half a year"
    }
    // "2800 a month", "per month": a rate, not a time.
    if (begins > 0 && (words[i - 1] == "a" || words[i - 1] == "an" || words[i - 1] == "per") &&
        (words[i - 1] == "per" || (!words[begins - 1].empty() && is_digit(words[begins - 1][0]))))
      continue;
    if (i > 0 && words[i - 1] == "per") continue;
    // A span people plan in: at most ten years, or 120 months, weeks or days of them.
    if (!count || *count > (days == 365 ? 10 : 120) || (first && *first > (days == 365 ? 10 : 120))) continue;
    // "a year or two": the unit follows the second count.
    if (i + 3 < words.size() + 1 && i + 2 < words.size() && (words[i + 1] == "or" || words[i + 1] == "to") &&
        count_of(words[i + 2]) && (i + 3 >= words.size() || unit_days(words[i + 3]) == 0 || unit_days(words[i + 3]) == days))
      first = count, count = count_of(words[i + 2]);
    // Time already spent is no timeline: "for 10 years", "2 years ago", "owned it 5 years".
    const std::string& before = begins > 0 ? words[begins - 1] : words[begins];
    bool past = i + 1 < words.size() && (words[i + 1] == "ago" || words[i + 1] == "old");
    for (size_t back = begins; back > 0 && back + 3 > begins; --back) {
      const std::string& word = words[back - 1];
      past = past || word == "for" || word == "lived" || word == "owned" || word == "been" || word == "had" ||
             word == "last" || word == "past" || word == "since";
    }
    if (past) continue;
    double high = months_of(*count, days);
    double low = first ? months_of(*first, days) : high;
    if (low > high) std::swap(low, high);
    const bool within = begins > 0 && (before == "within" || before == "under" || before == "by" ||
                                       before == "than" || before == "next" || before == "menos");
    const bool plus = lowered.find('+') != std::string::npos || has_phrase(words, {"more", "than"}) ||
                      has_word(words, "over") || has_phrase(words, {"at", "least"});
    if (!first && plus) high = low * 2 + 6;
    else if (!first && within) low = 0;
    return Timeline{low, high};
  }

  // Now: "asap", "this week", "end of the month", "ya mismo".
  const bool soon_now = (has_word(words, "now") && !has_phrase(words, {"for", "now"}) &&
                         !has_phrase(words, {"not", "now"}) && !browsing);
  if (has_word(words, "asap") || has_word(words, "immediately") || soon_now || has_word(words, "today") ||
      has_word(words, "urgent") || has_word(words, "urgently") || has_phrase(words, {"right", "away"}) ||
      has_phrase(words, {"this", "week"}) || has_word(words, "immediate") || has_word(words, "yesterday") ||
      has_phrase(words, {"this", "month"}) || has_phrase(words, {"end", "of", "the", "month"}) ||
      has_phrase(words, {"end", "of", "month"}) || has_phrase(words, {"este", "mes"}) ||
      has_phrase(words, {"lo", "antes", "posible"}) || has_phrase(words, {"cuanto", "antes"}) ||
      has_word(words, "inmediatamente") || has_word(words, "urgente") || has_word(words, "hoy") ||
      has_phrase(words, {"esta", "semana"}))
    return Timeline{0, 0};
  if (has_phrase(words, {"next", "month"}) || has_phrase(words, {"proximo", "mes"}) ||
      has_phrase(words, {"mes", "que", "viene"}))
    return Timeline{1, 1};
  if (has_phrase(words, {"end", "of", "the", "year"}) || has_phrase(words, {"end", "of", "year"}) ||
      has_phrase(words, {"end", "of", "this", "year"}) || has_word(words, "christmas") || has_word(words, "navidad") ||
      has_phrase(words, {"fin", "de", "ano"}) || has_phrase(words, {"this", "year"}) ||
      has_phrase(words, {"este", "ano"}))
    return Timeline{0, months_to(11)};

  // A date: "4/15", "04/15/2027" after a time word ("3/2" alone is beds and baths).
  for (size_t i = 0; i < words.size(); ++i) {
    const auto slash = words[i].find('/');
    if (slash == std::string::npos || slash == 0) continue;
    const int month = std::atoi(words[i].substr(0, slash).c_str());
    const int day = std::atoi(words[i].substr(slash + 1).c_str());
    // "3/2" alone is beds and baths; a two-digit day, a year or a time word makes it a date.
    const bool dated = words[i].find('/', slash + 1) != std::string::npos || (i > 0 && time_cue(words[i - 1])) ||
                       day >= 10;
    if (dated && month >= 1 && month <= 12 && day >= 1 && day <= 31) return month_reading(month - 1);
  }

  // A month or a season: "by March", "in June", "April 15th", "this summer"; "next summer" is vague.
  for (size_t i = 0; i < words.size(); ++i) {
    const bool after_next = i > 0 && (words[i - 1] == "next" || words[i - 1] == "proximo" || words[i - 1] == "proxima");
    for (const auto& [name, month] : kMonths) {
      if (words[i] != name) continue;
      // "may", "mar", "jan" are words too: a month only after a time word or before a day.
      const bool ambiguous = name == "may" || name == "mar" || name == "jan" || name == "sep" || name == "dec";
      const bool before_day = i + 1 < words.size() && !words[i + 1].empty() && is_digit(words[i + 1][0]);
      if (ambiguous && !(i > 0 && time_cue(words[i - 1])) && !before_day) continue;
      return month_reading(month);
    }
    for (const auto& [name, month] : kSeasons) {
      if (words[i] != name) continue;
      if (after_next) {
        const double ahead = months_to(month) + 12;
        return Timeline{ahead - 2, ahead, true};
      }
      return Timeline{by ? 0 : std::max(0.0, months_to(month) - 2), months_to(month)};
    }
  }
  if (has_phrase(words, {"next", "year"}) || has_phrase(words, {"proximo", "ano"}) ||
      has_phrase(words, {"ano", "que", "viene"}))
    return Timeline{double(12 - month_now), double(23 - month_now), true};
  return std::nullopt;
}

}  // namespace jorge
