#include "bots/compliance/quiet_hours.hpp"

#include <unicode/timezone.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

namespace jorge::bots {
namespace {

struct Window {
  int open_minute, close_minute;  // local minutes of the day; allowed in [open, close)
};

// weekday: 0 Sunday .. 6 Saturday. One rule for every state: the strictest of the states'
// (Texas's Sunday noon, Florida's 20:00) applied everywhere, so no state table can be wrong.
Window window_for(MessageKind kind, int weekday) {
  if (kind == MessageKind::kReply) return {8 * 60, 21 * 60};
  return weekday == 0 ? Window{12 * 60, 20 * 60} : Window{9 * 60, 20 * 60};
}

// Offset of local wall time from UTC, in milliseconds, at UTC instant or at local wall time.
int64_t offset_ms(const icu::TimeZone& zone, int64_t millis, bool millis_is_local) {
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  zone.getOffset(static_cast<UDate>(millis), millis_is_local ? true : false, raw, dst, status);
  return U_SUCCESS(status) ? int64_t{raw} + dst : 0;
}

constexpr int64_t kMinute = 60'000, kDay = 86'400'000;

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// The next allowed minute in one zone, from `when` on.
SystemTime next_in_zone(SystemTime when, const icu::TimeZone& zone, MessageKind kind) {
  int64_t utc = to_unix_millis(when);
  int64_t local = utc + offset_ms(zone, utc, false);
  for (int day = 0; day < 8; ++day) {
    int64_t local_day = floor_div(local, kDay);
    int weekday = static_cast<int>(((local_day % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
    int minute = static_cast<int>((local - local_day * kDay) / kMinute);
    Window window = window_for(kind, weekday);
    if (day == 0 && minute >= window.open_minute && minute < window.close_minute) return when;
    if (minute < window.open_minute) {
      int64_t opening_local = local_day * kDay + window.open_minute * kMinute;
      return from_unix_millis(opening_local - offset_ms(zone, opening_local, true));
    }
    local = (local_day + 1) * kDay;  // midnight of the next local day: look again
  }
  return when;  // unreachable: every day has a window
}

// The zone of an IANA name, or null when ICU lacks it (it answers "Etc/Unknown" then). Loading
// a zone parses ICU's data: each thread keeps the few it has seen.
const icu::TimeZone* zone_named(const std::string& name) {
  thread_local std::unordered_map<std::string, std::unique_ptr<icu::TimeZone>> loaded;
  if (const auto known = loaded.find(name); known != loaded.end()) return known->second.get();
  if (loaded.size() >= 64) loaded.clear();  // names come from lead data: keep the cache bounded
  const icu::UnicodeString id = icu::UnicodeString::fromUTF8(name);
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(id));
  icu::UnicodeString resolved;
  if (zone && zone->getID(resolved) != id) zone.reset();
  return loaded.emplace(name, std::move(zone)).first->second.get();
}

}  // namespace

std::optional<SystemTime> next_allowed_send(SystemTime when, const std::vector<std::string>& zones, MessageKind kind) {
  if (zones.empty()) return std::nullopt;
  std::vector<const icu::TimeZone*> loaded;
  for (const std::string& name : zones) {
    const icu::TimeZone* zone = zone_named(name);
    if (!zone) return std::nullopt;
    loaded.push_back(zone);
  }
  // Move to each zone's next opening in turn until a minute suits them all; zones whose
  // windows never meet (half a world apart) give up after a week.
  SystemTime candidate = when;
  const SystemTime give_up = when + std::chrono::hours(24 * 7);
  while (candidate <= give_up) {
    SystemTime latest = candidate;
    for (const icu::TimeZone* zone : loaded) latest = std::max(latest, next_in_zone(candidate, *zone, kind));
    if (latest == candidate) return candidate;
    candidate = latest;
  }
  return std::nullopt;
}

SystemTime local_wall_time(SystemTime when, const std::string& zone_name) {
  const icu::TimeZone* zone = zone_named(zone_name);
  if (!zone) return when;
  const int64_t utc = to_unix_millis(when);
  return from_unix_millis(utc + offset_ms(*zone, utc, false));
}

}  // namespace jorge::bots
