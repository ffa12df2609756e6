#include "bots/meeting_time.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "bots/text.hpp"

namespace jorge::bots {
namespace {

constexpr int64_t kDayMillis = 86'400'000;

// 0 Sunday .. 6 Saturday, from a weekday's name or short form (English and Spanish, folded).
std::optional<int> weekday_of(const std::string& word) {
  static const std::array<std::array<std::string_view, 5>, 7> kNames = {{
      {"sunday", "sun", "domingo", "dom", ""},
      {"monday", "mon", "lunes", "lun", ""},
      {"tuesday", "tue", "tues", "martes", "mar"},
      {"wednesday", "wed", "miercoles", "mie", "weds"},
      {"thursday", "thu", "thur", "thurs", "jueves"},
      {"friday", "fri", "viernes", "vie", ""},
      {"saturday", "sat", "sabado", "sab", ""},
  }};
  for (int day = 0; day < 7; ++day)
    for (std::string_view name : kNames[day])
      if (!name.empty() && word == name) return day;
  return std::nullopt;
}

bool all_digits(const std::string& word) {
  return !word.empty() && word.size() <= 2 && std::isdigit(static_cast<unsigned char>(word[0])) &&
         (word.size() == 1 || std::isdigit(static_cast<unsigned char>(word[1])));
}

}  // namespace

std::optional<MeetingRequest> parse_meeting_time(std::string_view original, SystemTime local_now) {
  const FoldedText text(original);
  const int64_t now_millis = to_unix_millis(local_now);
  const int64_t today = now_millis / kDayMillis;
  const int now_minute = static_cast<int>((now_millis % kDayMillis) / 60'000);
  std::optional<int64_t> day;
  std::optional<std::pair<int, int>> window;  // [start, end) minutes
  bool exact = false;

  // The day.
  if (text.has_any({"today", "hoy", "this afternoon", "this morning", "tonight", "esta tarde", "esta noche"})) day = today;
  // "mañana" is tomorrow, except in "por la mañana" / "en la mañana" (in the morning).
  for (size_t i = 0; i < text.size(); ++i) {
    const std::string& word = text.word(i);
    if (word == "tomorrow" || word == "tmrw" || word == "tmr" || word == "tomorow") day = today + 1;
    if (word == "manana" && !text.preceded_by(i, {"la"}, 1)) day = today + 1;
    if (const auto weekday = weekday_of(word)) {
      const int current = static_cast<int>((today + 4) % 7);  // 1970-01-01 was a Thursday
      int ahead = (*weekday - current + 7) % 7;
      if (text.preceded_by(i, {"next"}, 1) && ahead == 0) ahead = 7;
      day = today + ahead;
    }
  }
  if (!day && text.has_any({"this weekend", "the weekend", "weekend", "fin de semana"})) {
    const int current = static_cast<int>((today + 4) % 7);
    day = today + (6 - current + 7) % 7;
  }
  // A date written "12/5".
  const std::string& folded = text.folded();
  for (size_t at = folded.find('/'); at != std::string::npos && !day; at = folded.find('/', at + 1)) {
    size_t start = at;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(folded[start - 1]))) --start;
    size_t end = at + 1;
    while (end < folded.size() && std::isdigit(static_cast<unsigned char>(folded[end]))) ++end;
    if (start == at || end == at + 1 || at - start > 2 || end - at - 1 > 2) continue;
    const int month = std::stoi(folded.substr(start, at - start)), date = std::stoi(folded.substr(at + 1, end - at - 1));
    if (month < 1 || month > 12 || date < 1 || date > 31) continue;
    const std::string iso = format_iso8601(local_now);  // yyyy-mm-dd...
    int year = std::stoi(iso.substr(0, 4));
    char buffer[32];
    SystemTime when;
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT00:00:00Z", year, month, date);
    if (!parse_iso8601(buffer, when)) continue;
    if (to_unix_millis(when) / kDayMillis < today) {
      std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT00:00:00Z", year + 1, month, date);
      if (!parse_iso8601(buffer, when)) continue;
    }
    day = to_unix_millis(when) / kDayMillis;
  }

  // A part of the day.
  if (text.has_any({"morning", "por la manana", "en la manana", "this morning", "am only"})) window = {{9 * 60, 12 * 60}};
  if (text.has_any({"afternoon", "this afternoon", "la tarde", "por la tarde", "en la tarde", "lunch", "lunchtime"}))
    window = {{12 * 60, 17 * 60}};
  if (text.has_any({"evening", "tonight", "after work", "la noche", "por la noche", "esta noche"})) window = {{17 * 60, 20 * 60}};
  if (text.has_any({"noon", "mediodia"})) {
    window = {{12 * 60, 12 * 60 + 1}};
    exact = true;
  }

  // An hour: "at 3", "3pm", "3:30", "15:00", "a las 5", "after 4".
  for (size_t i = 0; i < text.size(); ++i) {
    std::string word = text.word(i);
    std::optional<bool> pm;
    if (word.size() > 2 && (word.ends_with("pm") || word.ends_with("am"))) {
      pm = word.ends_with("pm");
      word = word.substr(0, word.size() - 2);
    } else if (i + 1 < text.size() && (text.word(i + 1) == "pm" || text.word(i + 1) == "am" || text.word(i + 1) == "p" ||
                                       text.word(i + 1) == "a")) {
      const std::string& next = text.word(i + 1);
      if (next == "pm" || next == "am" || text.preceded_by(i, {"at", "a las", "around", "by", "after"}, 2))
        pm = next == "pm" || next == "p";
    }
    if (!all_digits(word)) continue;
    const bool cued = pm.has_value() || text.preceded_by(i, {"at", "a las", "a la", "around", "by", "after", "before", "@"}, 2);
    // "3:30": the folded text keeps the colon after the hour.
    int minute = 0;
    const Word& w = text.words()[i];
    if (w.end + 2 < folded.size() && folded[w.end] == ':' && std::isdigit(static_cast<unsigned char>(folded[w.end + 1])) &&
        std::isdigit(static_cast<unsigned char>(folded[w.end + 2]))) {
      minute = std::stoi(folded.substr(w.end + 1, 2));
    } else if (!cued) {
      continue;  // a bare number ("3 kids") is no time
    }
    int hour = std::stoi(word);
    if (hour > 23 || minute > 59) continue;
    if (pm) {
      if (hour > 12) continue;
      hour = *pm ? (hour % 12) + 12 : hour % 12;
    } else if (hour >= 1 && hour <= 7) {
      hour += 12;  // business hours: "at 3" is the afternoon
    }
    const int at = hour * 60 + minute;
    // Windows stay inside the day and are never empty (found by bots_meeting_time_fuzz: "before 0").
    if (text.preceded_by(i, {"after"}, 1)) {
      window = {{at, std::min(24 * 60, std::max(at + 60, 20 * 60))}};
      exact = false;
    } else if (text.preceded_by(i, {"before"}, 1)) {
      if (at <= 60) continue;
      window = {{std::min(9 * 60, at - 60), at}};
      exact = false;
    } else {
      window = {{at, at + 1}};
      exact = true;
    }
    break;
  }

  if (!day && !window) return std::nullopt;
  if (!window) window = {{9 * 60, 18 * 60}};
  if (!day) day = window->first >= now_minute + 30 ? today : today + 1;
  return MeetingRequest{*day, window->first, window->second, exact};
}

}  // namespace jorge::bots
