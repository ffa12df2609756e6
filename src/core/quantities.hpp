#pragma once
// Money and timelines as people write them, read once for every module: a source's form field
// ("$400k-$500k", "3-6 months") in ingest, a lead's text message ("pre-approved for 550",
// "lease is up end of april") in the bots. Pure functions of their arguments (no clock, no
// I/O), fuzzed. Text is read as lower-case ASCII; callers that hold Spanish text fold its
// accents first ("próximo" -> "proximo"), ingest's form fields need no folding.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace jorge {

// One number as written, with what surrounds it: "$1.2M" is value 1.2, multiplier 1e6, dollar.
struct MoneyFigure {
  double value = 0;
  double multiplier = 1;  // from "k", "m", "mil", "thousand", "million", "millones"
  bool dollar = false;    // "$" just before it
  bool grouped = false;   // written with thousands separators: "550,000"
  bool plural = false;    // "the 400s": a decade of prices, never one figure
  size_t start = 0, end = 0;  // byte range in the lowered text, suffix included
  double dollars() const { return value * multiplier; }
  // Money on its own, without a word around it saying so.
  bool money() const { return dollar || multiplier > 1 || value >= 1000; }
};
// Every number of `lowered` (at most 16), in order. "half a mil" is one figure of 500,000.
std::vector<MoneyFigure> money_figures(std::string_view lowered);

// Whether a figure is a maximum, a minimum or the figure itself, from the words just before it
// ("under", "at least", "hasta", "from") or just after it ("tops", "or more", "+"). The longest
// phrase that matches wins, so "no more than" is a maximum although it ends in "more than".
enum class MoneyBound { kExact, kAtMost, kAtLeast };
MoneyBound money_bound(std::string_view lowered, size_t start, size_t end);

// Whether the text between two figures makes them one range: "-", "to", "and", "y", "a", "or".
bool joins_a_range(std::string_view between);

// An amount of dollars as people write it: "400k", "$1.2M", "550,000", "1.5 million",
// "$400k-$500k", "between 300 and 350k", "entre 300 y 350k", "around 800k". A range gives
// low < high; one amount gives low == high; a bound gives one side only: "under 400k", "up to",
// "no more than", "below", "less than", "400k tops", "max", "hasta", "menos de", "máximo" a
// maximum; "over", "at least", "more than", "400k+", "min", "más de", "al menos", "mínimo" a
// minimum (#14: "under 400k" was read as exactly 400k). Numbers under 1,000 without a suffix
// next to a larger one take its suffix ("300-350k" = 300,000-350,000). Nothing when there is
// no amount.
struct MoneyRange {
  std::optional<double> low, high;  // at least one is set
  double amount() const { return low ? *low : *high; }  // one figure: the minimum, else the maximum
  bool operator==(const MoneyRange&) const = default;
};
std::optional<MoneyRange> parse_money(std::string_view text);

// When someone means to move, in months from `now` (the person's local wall-clock time, read as
// if it were UTC). `high_months` is the latest point they name, `low_months` the soonest:
// "asap", "this week", "end of the month" -> 0; "next month" -> 1; "2 weeks", "45 days" -> days
// ÷ 30 rounded half up (0, 2); "3-6 months" -> 3..6; "a year or two" -> 12..24; "by March" ->
// 0..months to the next March (same month 0); "in June", "April 15th", "4/15", "lease ends in
// may" -> months to that month; "this summer" -> to the season's last month (May, August,
// November, February); "end of the year", "by Christmas" -> to December; "within 6 months" ->
// 0..6. "next year" and "next spring" are `approximate` (a portal's field may use them, a
// conversation asks for a date). Nothing when there is no time ("soon", "just looking").
struct Timeline {
  double low_months = 0, high_months = 0;
  bool approximate = false;
  bool operator==(const Timeline&) const = default;
};
std::optional<Timeline> parse_timeline(std::string_view text, SystemTime now);

}  // namespace jorge
