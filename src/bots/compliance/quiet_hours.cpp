#include "bots/compliance/quiet_hours.hpp"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>

#include <array>
#include <cctype>
#include <memory>

namespace jorge::bots {
namespace {

struct State {
  const char* code;
  const char* name;
  const char* time_zone;  // the zone most of the state's people live in
};

constexpr std::array<State, 51> kStates = {{
    {"AL", "Alabama", "America/Chicago"},         {"AK", "Alaska", "America/Anchorage"},
    {"AZ", "Arizona", "America/Phoenix"},         {"AR", "Arkansas", "America/Chicago"},
    {"CA", "California", "America/Los_Angeles"},  {"CO", "Colorado", "America/Denver"},
    {"CT", "Connecticut", "America/New_York"},    {"DE", "Delaware", "America/New_York"},
    {"DC", "District of Columbia", "America/New_York"}, {"FL", "Florida", "America/New_York"},
    {"GA", "Georgia", "America/New_York"},        {"HI", "Hawaii", "Pacific/Honolulu"},
    {"ID", "Idaho", "America/Boise"},             {"IL", "Illinois", "America/Chicago"},
    {"IN", "Indiana", "America/Indiana/Indianapolis"}, {"IA", "Iowa", "America/Chicago"},
    {"KS", "Kansas", "America/Chicago"},          {"KY", "Kentucky", "America/New_York"},
    {"LA", "Louisiana", "America/Chicago"},       {"ME", "Maine", "America/New_York"},
    {"MD", "Maryland", "America/New_York"},       {"MA", "Massachusetts", "America/New_York"},
    {"MI", "Michigan", "America/Detroit"},        {"MN", "Minnesota", "America/Chicago"},
    {"MS", "Mississippi", "America/Chicago"},     {"MO", "Missouri", "America/Chicago"},
    {"MT", "Montana", "America/Denver"},          {"NE", "Nebraska", "America/Chicago"},
    {"NV", "Nevada", "America/Los_Angeles"},      {"NH", "New Hampshire", "America/New_York"},
    {"NJ", "New Jersey", "America/New_York"},     {"NM", "New Mexico", "America/Denver"},
    {"NY", "New York", "America/New_York"},       {"NC", "North Carolina", "America/New_York"},
    {"ND", "North Dakota", "America/Chicago"},    {"OH", "Ohio", "America/New_York"},
    {"OK", "Oklahoma", "America/Chicago"},        {"OR", "Oregon", "America/Los_Angeles"},
    {"PA", "Pennsylvania", "America/New_York"},   {"RI", "Rhode Island", "America/New_York"},
    {"SC", "South Carolina", "America/New_York"}, {"SD", "South Dakota", "America/Chicago"},
    {"TN", "Tennessee", "America/Chicago"},       {"TX", "Texas", "America/Chicago"},
    {"UT", "Utah", "America/Denver"},             {"VT", "Vermont", "America/New_York"},
    {"VA", "Virginia", "America/New_York"},       {"WA", "Washington", "America/Los_Angeles"},
    {"WV", "West Virginia", "America/New_York"},  {"WI", "Wisconsin", "America/Chicago"},
    {"WY", "Wyoming", "America/Denver"},
}};


bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

const State* find_state(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '.')) text.remove_suffix(1);
  for (const State& state : kStates)
    if (same_text(text, state.code) || same_text(text, state.name)) return &state;
  return nullptr;
}

// libphonenumber's offline geocoder names a US number's place: "Texas", "New York, NY".
const State* state_of_phone(const Phone& phone) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  if (phone.e164().rfind("+1", 0) != 0) return nullptr;
  PhoneNumber number;
  if (PhoneNumberUtil::GetInstance()->Parse(phone.e164(), "US", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return nullptr;
  static const i18n::phonenumbers::PhoneNumberOfflineGeocoder geocoder;  // immutable after construction
  std::string place = geocoder.GetDescriptionForNumber(number, icu::Locale("en", "US"));
  size_t comma = place.rfind(", ");
  return find_state(comma == std::string::npos ? place : place.substr(comma + 2));
}

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

}  // namespace

RecipientRules rules_for(const Recipient& recipient) {
  const State* state = find_state(recipient.state);
  if (!state && recipient.phone) state = state_of_phone(*recipient.phone);
  if (!state) state = find_state("TX");  // Austin: where the team works
  return {state->code, state->time_zone};
}

SystemTime next_allowed_send(SystemTime when, const RecipientRules& rules, MessageKind kind) {
  std::unique_ptr<icu::TimeZone> zone(
      icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(rules.time_zone)));
  int64_t utc = to_unix_millis(when);
  int64_t local = utc + offset_ms(*zone, utc, false);
  for (int day = 0; day < 8; ++day) {
    int64_t local_day = floor_div(local, kDay);
    int weekday = static_cast<int>(((local_day % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
    int minute = static_cast<int>((local - local_day * kDay) / kMinute);
    Window window = window_for(kind, weekday);
    if (day == 0 && minute >= window.open_minute && minute < window.close_minute) return when;
    if (minute < window.open_minute) {
      int64_t opening_local = local_day * kDay + window.open_minute * kMinute;
      return from_unix_millis(opening_local - offset_ms(*zone, opening_local, true));
    }
    local = (local_day + 1) * kDay;  // midnight of the next local day: look again
  }
  return when;  // unreachable: every day has a window
}

}  // namespace jorge::bots
