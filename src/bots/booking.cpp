#include "bots/booking.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

#include "bots/compliance/quiet_hours.hpp"
#include "bots/text.hpp"

namespace jorge::bots {
namespace {

constexpr int64_t kDayMillis = 86'400'000;

std::tm civil(SystemTime local) {
  const std::time_t seconds = static_cast<std::time_t>(to_unix_millis(local) / 1000);
  std::tm out{};
  gmtime_r(&seconds, &out);
  return out;
}

int64_t local_day(SystemTime at, const std::string& zone) {
  const int64_t millis = to_unix_millis(local_wall_time(at, zone));
  return millis >= 0 ? millis / kDayMillis : (millis - kDayMillis + 1) / kDayMillis;
}

int local_minute(SystemTime at, const std::string& zone) {
  const int64_t millis = to_unix_millis(local_wall_time(at, zone));
  return static_cast<int>(((millis % kDayMillis) + kDayMillis) % kDayMillis / 60'000);
}

// 0 for "the first", 1 for "the second"; nothing when the answer names neither or both.
std::optional<size_t> ordinal_in(const FoldedText& text) {
  const bool first = text.has_any({"first", "1st", "primero", "primera", "earlier", "earliest", "option 1", "opcion 1"});
  const bool second = text.has_any({"second", "2nd", "segundo", "segunda", "later one", "the other", "option 2",
                                    "opcion 2", "the latter", "la otra", "el otro"});
  if (first != second) return first ? 0 : 1;
  if (first) return std::nullopt;
  // A bare "1" or "2" as the whole answer ("2", "2 please").
  if (text.size() <= 2 && text.size() >= 1 && (text.word(0) == "1" || text.word(0) == "2"))
    return text.word(0) == "1" ? 0 : 1;
  return std::nullopt;
}

}  // namespace

SystemTime from_local_wall_time(SystemTime local, const std::string& zone) {
  // The zone's offset near the time, then again at the candidate: they differ only across a
  // DST change, where the earlier reading that shows `local` wins.
  const auto offset_at = [&](SystemTime when) { return local_wall_time(when, zone) - when; };
  const SystemTime a = local - offset_at(local);
  const SystemTime b = local - offset_at(a);
  const bool a_ok = local_wall_time(a, zone) == local, b_ok = local_wall_time(b, zone) == local;
  if (a_ok && b_ok) return std::min(a, b);
  if (a_ok) return a;
  if (b_ok) return b;
  return std::min(a, b);  // a local time the clock skips (spring forward): the instant before it
}

Window window_of(const MeetingRequest& request, const std::string& zone) {
  const SystemTime midnight = from_unix_millis(request.day * kDayMillis);
  return {from_local_wall_time(midnight + std::chrono::minutes(request.start_minute), zone),
          from_local_wall_time(midnight + std::chrono::minutes(request.end_minute), zone)};
}

SlotChoice choose_slot(const MeetingRequest& request, const std::vector<SystemTime>& slots, const std::string& zone) {
  const Window window = window_of(request, zone);
  SlotChoice choice;
  for (size_t i = 0; i < slots.size(); ++i) {
    const bool inside = request.exact ? slots[i] == window.from : slots[i] >= window.from && slots[i] < window.to;
    if (inside && (!choice.book || slots[i] < slots[*choice.book])) choice.book = i;
  }
  if (!choice.book) choice.offer = nearest_slots(request, slots, zone);
  return choice;
}

std::vector<size_t> nearest_slots(const MeetingRequest& request, const std::vector<SystemTime>& slots,
                                  const std::string& zone) {
  const Window window = window_of(request, zone);
  // The distance to the window: zero inside it (an exact time is a window of one minute).
  const auto distance = [&](SystemTime at) {
    if (at < window.from) return window.from - at;
    if (at >= window.to) return at - window.to;
    return SystemTime::duration::zero();
  };
  std::vector<size_t> order(slots.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return distance(slots[x]) != distance(slots[y]) ? distance(slots[x]) < distance(slots[y]) : slots[x] < slots[y];
  });
  std::vector<size_t> nearest;
  for (size_t i : order) {
    if (nearest.size() == 2) break;
    if (nearest.empty() || slots[nearest.front()] != slots[i]) nearest.push_back(i);
  }
  std::sort(nearest.begin(), nearest.end(), [&](size_t x, size_t y) { return slots[x] < slots[y]; });
  return nearest;
}

std::optional<size_t> pick_offered(std::string_view answer, const std::vector<SystemTime>& offered,
                                   const std::string& zone, SystemTime now) {
  if (offered.empty()) return std::nullopt;
  const FoldedText text(answer);
  if (const auto ordinal = ordinal_in(text)) return *ordinal < offered.size() ? ordinal : std::nullopt;
  const auto request = parse_meeting_time(answer, local_wall_time(now, zone));
  if (!request) return std::nullopt;
  std::vector<size_t> by_time, by_day;
  for (size_t i = 0; i < offered.size(); ++i) {
    const int minute = local_minute(offered[i], zone);
    if (request->exact ? minute == request->start_minute : minute >= request->start_minute && minute < request->end_minute)
      by_time.push_back(i);
    if (local_day(offered[i], zone) == request->day) by_day.push_back(i);
  }
  if (by_time.size() == 1) return by_time.front();
  // Both fit the hour (or none was named): the day decides.
  std::vector<size_t> both;
  for (size_t i : by_time)
    if (std::find(by_day.begin(), by_day.end(), i) != by_day.end()) both.push_back(i);
  if (both.size() == 1) return both.front();
  return std::nullopt;
}

std::string describe_slot(SystemTime at, const std::string& zone, std::string_view language) {
  const std::tm local = civil(local_wall_time(at, zone));
  char buffer[64];
  if (language == "es") {
    static constexpr std::array<const char*, 7> kDays = {"dom", "lun", "mar", "mié", "jue", "vie", "sáb"};
    std::snprintf(buffer, sizeof buffer, "el %s %d/%d a las %d:%02d", kDays[local.tm_wday], local.tm_mday,
                  local.tm_mon + 1, local.tm_hour, local.tm_min);
    return buffer;
  }
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int hour = local.tm_hour % 12 == 0 ? 12 : local.tm_hour % 12;
  const char* half = local.tm_hour < 12 ? "am" : "pm";  // lower case: the persona shouts nothing
  if (local.tm_min == 0)
    std::snprintf(buffer, sizeof buffer, "%s %s %d at %d%s", kDays[local.tm_wday], kMonths[local.tm_mon], local.tm_mday,
                  hour, half);
  else
    std::snprintf(buffer, sizeof buffer, "%s %s %d at %d:%02d%s", kDays[local.tm_wday], kMonths[local.tm_mon],
                  local.tm_mday, hour, local.tm_min, half);
  return buffer;
}

std::string booking_text(std::string_view key, std::string_view language, Level level,
                         const std::vector<SystemTime>& slots, const std::string& zone) {
  const Template* entry = find_template(key, language, level);
  if (!entry) return "";
  Variables variables;
  if (!slots.empty()) variables.emplace_back("slot", describe_slot(slots[0], zone, entry->language));
  if (slots.size() > 1) variables.emplace_back("other_slot", describe_slot(slots[1], zone, entry->language));
  return render(entry->text, variables);
}

}  // namespace jorge::bots
