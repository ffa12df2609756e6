#include "core/clock.hpp"

#include <cstdio>
#include <ctime>

namespace jorge {

int64_t to_unix_millis(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

SystemTime from_unix_millis(int64_t millis) {
  return SystemTime{} + std::chrono::milliseconds(millis);
}

std::string format_iso8601(SystemTime time) {
  int64_t millis = to_unix_millis(time);
  time_t seconds = static_cast<time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
  int fraction = static_cast<int>(millis - int64_t{seconds} * 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, fraction);
  return text;
}

namespace {
bool read_digits(std::string_view text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}
}  // namespace

bool parse_iso8601(std::string_view text, SystemTime& out) {
  int year, month, day, hour, minute, second;
  if (!read_digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != ' ') || !read_digits(text, 11, 2, hour) || text[13] != ':' ||
      !read_digits(text, 14, 2, minute) || text[16] != ':' || !read_digits(text, 17, 2, second))
    return false;
  // SystemTime counts nanoseconds in 64 bits (about 1678-2262): stay well inside.
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60)
    return false;
  size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int scale = 100;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      millis += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
  }
  int offset_minutes = 0;
  if (at < text.size()) {
    char sign = text[at];
    if (sign == 'Z') {
      ++at;
    } else if (sign == '+' || sign == '-') {
      int off_hours, off_minutes;
      if (!read_digits(text, at + 1, 2, off_hours)) return false;
      size_t minutes_at = at + 3;
      if (minutes_at < text.size() && text[minutes_at] == ':') ++minutes_at;
      if (!read_digits(text, minutes_at, 2, off_minutes)) return false;
      offset_minutes = (off_hours * 60 + off_minutes) * (sign == '-' ? -1 : 1);
      at = minutes_at + 2;
    } else {
      return false;
    }
  }
  if (at != text.size()) return false;
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                   std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return false;
  auto days = std::chrono::sys_days{date};
  out = SystemTime{days.time_since_epoch()} + std::chrono::hours(hour) + std::chrono::minutes(minute) +
        std::chrono::seconds(second) + std::chrono::milliseconds(millis) -
        std::chrono::minutes(offset_minutes);
  return true;
}

}  // namespace jorge
