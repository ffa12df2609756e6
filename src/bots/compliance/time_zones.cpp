#include "bots/compliance/time_zones.hpp"

#include "core/us_states.hpp"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

namespace jorge::bots {
namespace {

#include "zip_zones.inc"  // kZipZoneNames, kZipZones: generated from zipcode-to-timezone

// The zones of each state (core/us_states.hpp), every zone where its people live, the main
// one first: a state alone cannot say which applies.
struct State {
  const char* code;
  std::array<const char*, 2> zones;  // second: nullptr when the state has one
};

constexpr std::array<State, 56> kStates = {{
    {"AL", {"America/Chicago"}},
    {"AK", {"America/Anchorage", "America/Adak"}},
    {"AZ", {"America/Phoenix", "America/Denver"}},  // the Navajo Nation keeps DST
    {"AR", {"America/Chicago"}},
    {"CA", {"America/Los_Angeles"}},
    {"CO", {"America/Denver"}},
    {"CT", {"America/New_York"}},
    {"DE", {"America/New_York"}},
    {"DC", {"America/New_York"}},
    {"FL", {"America/New_York", "America/Chicago"}},  // the western panhandle
    {"GA", {"America/New_York"}},
    {"HI", {"Pacific/Honolulu"}},
    {"ID", {"America/Boise", "America/Los_Angeles"}},  // the panhandle
    {"IL", {"America/Chicago"}},
    {"IN", {"America/Indiana/Indianapolis", "America/Chicago"}},  // Gary, Evansville
    {"IA", {"America/Chicago"}},
    {"KS", {"America/Chicago", "America/Denver"}},
    {"KY", {"America/New_York", "America/Chicago"}},  // the west: Paducah, Bowling Green
    {"LA", {"America/Chicago"}},
    {"ME", {"America/New_York"}},
    {"MD", {"America/New_York"}},
    {"MA", {"America/New_York"}},
    {"MI", {"America/Detroit", "America/Menominee"}},
    {"MN", {"America/Chicago"}},
    {"MS", {"America/Chicago"}},
    {"MO", {"America/Chicago"}},
    {"MT", {"America/Denver"}},
    {"NE", {"America/Chicago", "America/Denver"}},
    {"NV", {"America/Los_Angeles"}},
    {"NH", {"America/New_York"}},
    {"NJ", {"America/New_York"}},
    {"NM", {"America/Denver"}},
    {"NY", {"America/New_York"}},
    {"NC", {"America/New_York"}},
    {"ND", {"America/Chicago", "America/Denver"}},
    {"OH", {"America/New_York"}},
    {"OK", {"America/Chicago"}},
    {"OR", {"America/Los_Angeles", "America/Boise"}},
    {"PA", {"America/New_York"}},
    {"RI", {"America/New_York"}},
    {"SC", {"America/New_York"}},
    {"SD", {"America/Chicago", "America/Denver"}},
    {"TN", {"America/Chicago", "America/New_York"}},
    {"TX", {"America/Chicago", "America/Denver"}},  // El Paso and Hudspeth, Culberson
    {"UT", {"America/Denver"}},
    {"VT", {"America/New_York"}},
    {"VA", {"America/New_York"}},
    {"WA", {"America/Los_Angeles"}},
    {"WV", {"America/New_York"}},
    {"WI", {"America/Chicago"}},
    {"WY", {"America/Denver"}},
    {"PR", {"America/Puerto_Rico"}},
    {"VI", {"America/St_Thomas"}},
    {"GU", {"Pacific/Guam"}},
    {"AS", {"Pacific/Pago_Pago"}},
    {"MP", {"Pacific/Saipan"}},
}};

// Area codes of the states above that span two zones, with the zones each one reaches. An area
// code of such a state that is not listed lies in the state's main zone.
const std::map<int, std::vector<std::string>>& split_area_codes() {
  static const std::map<int, std::vector<std::string>> codes = {
      {915, {"America/Denver"}},                          // El Paso
      {432, {"America/Chicago", "America/Denver"}},       // Midland, Odessa; Culberson is Mountain
      {850, {"America/Chicago", "America/New_York"}},     // Pensacola (Central), Tallahassee (Eastern)
      {448, {"America/Chicago", "America/New_York"}},     // overlay of 850
      {219, {"America/Chicago"}},                         // Gary, northwest Indiana
      {812, {"America/Chicago", "America/Indiana/Indianapolis"}},  // Evansville; Bloomington
      {930, {"America/Chicago", "America/Indiana/Indianapolis"}},  // overlay of 812
      {574, {"America/Chicago", "America/Indiana/Indianapolis"}},  // Starke County; South Bend
      {270, {"America/Chicago", "America/New_York"}},     // Paducah, Bowling Green; Elizabethtown
      {364, {"America/Chicago", "America/New_York"}},     // overlay of 270
      {423, {"America/New_York"}},                        // Chattanooga, Tri-Cities
      {865, {"America/New_York"}},                        // Knoxville
      {931, {"America/Chicago", "America/New_York"}},
      {906, {"America/Detroit", "America/Menominee"}},    // the Upper Peninsula
      {701, {"America/Chicago", "America/Denver"}},
      {605, {"America/Chicago", "America/Denver"}},
      {308, {"America/Chicago", "America/Denver"}},
      {620, {"America/Chicago", "America/Denver"}},
      {785, {"America/Chicago", "America/Denver"}},
      {208, {"America/Boise", "America/Los_Angeles"}},
      {986, {"America/Boise", "America/Los_Angeles"}},
      {541, {"America/Boise", "America/Los_Angeles"}},    // Malheur County is Mountain
      {458, {"America/Boise", "America/Los_Angeles"}},
      {907, {"America/Adak", "America/Anchorage"}},
      {928, {"America/Denver", "America/Phoenix"}},       // the Navajo Nation
  };
  return codes;
}

const State* find_state(std::string_view text) {
  const UsState* named = find_us_state(text);
  if (!named) return nullptr;
  for (const State& state : kStates)
    if (std::string_view(state.code) == named->code) return &state;
  return nullptr;
}

std::vector<std::string> zones_of(const State& state) {
  std::vector<std::string> zones;
  for (const char* zone : state.zones)
    if (zone) zones.emplace_back(zone);
  return zones;
}

// Every zone ICU knows people to live in, for a country or territory ("JP", "GU", "CA").
std::vector<std::string> zones_of_region(const std::string& region) {
  static std::mutex mutex;
  static std::map<std::string, std::vector<std::string>> cache;
  std::lock_guard lock(mutex);
  if (auto found = cache.find(region); found != cache.end()) return found->second;
  std::vector<std::string> zones;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> ids(
      icu::TimeZone::createTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, region.c_str(), nullptr, status));
  if (U_SUCCESS(status) && ids)
    while (const char* id = ids->next(nullptr, status)) {
      if (U_FAILURE(status)) break;
      zones.emplace_back(id);
    }
  std::sort(zones.begin(), zones.end());
  cache[region] = zones;
  return zones;
}

struct PhonePlace {
  std::vector<std::string> zones;
  const State* state = nullptr;  // a US number's state, from libphonenumber's geocoder
};

PhonePlace place_of(const Phone& phone) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  PhonePlace place;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(phone.e164(), "US", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return place;
  std::string region;
  util.GetRegionCodeForNumber(number, &region);
  if (region.empty() || region == "ZZ") return place;
  if (region != "US") {
    place.zones = zones_of_region(region);
    place.state = find_state(region);  // the territories: PR, GU, VI, AS, MP
    return place;
  }
  // libphonenumber's offline geocoder names the number's place: "Texas", "El Paso, TX".
  static const i18n::phonenumbers::PhoneNumberOfflineGeocoder geocoder;  // immutable after construction
  std::string description = geocoder.GetDescriptionForNumber(number, icu::Locale("en", "US"));
  size_t comma = description.rfind(", ");
  place.state = find_state(comma == std::string::npos ? description : description.substr(comma + 2));
  if (!place.state) return place;  // toll-free and other non-geographic codes
  const int area_code = std::stoi(phone.e164().substr(2, 3));
  if (auto split = split_area_codes().find(area_code); split != split_area_codes().end())
    place.zones = split->second;
  else
    place.zones = {place.state->zones[0]};
  return place;
}

// The five digits of a US ZIP code ("78751-1234" → 78751), or nothing.
std::optional<uint32_t> zip_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.size() < 5) return std::nullopt;
  uint32_t zip = 0;
  for (size_t i = 0; i < 5; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    zip = zip * 10 + static_cast<uint32_t>(text[i] - '0');
  }
  if (text.size() > 5 && text[5] != '-' && text[5] != ' ') return std::nullopt;
  return zip;
}

std::optional<std::string> zone_of_zip(uint32_t zip) {
  // The territories, which the package leaves out, by their ZIP ranges.
  if ((zip >= 600 && zip <= 799) || (zip >= 900 && zip <= 999)) return "America/Puerto_Rico";
  if (zip >= 800 && zip <= 899) return "America/St_Thomas";
  if (zip >= 96910 && zip <= 96932) return "Pacific/Guam";
  if (zip >= 96950 && zip <= 96952) return "Pacific/Saipan";
  if (zip == 96799) return "Pacific/Pago_Pago";
  const uint32_t key = zip << 5;
  const uint32_t* end = std::end(kZipZones);
  const uint32_t* found = std::lower_bound(std::begin(kZipZones), end, key);
  if (found == end || (*found >> 5) != zip) return std::nullopt;
  return kZipZoneNames[*found & 31u];
}

bool subset(const std::vector<std::string>& inner, const std::vector<std::string>& outer) {
  return std::all_of(inner.begin(), inner.end(), [&](const std::string& zone) {
    return std::find(outer.begin(), outer.end(), zone) != outer.end();
  });
}

std::string joined(const std::vector<std::string>& zones) {
  std::string text;
  for (const auto& zone : zones) text += (text.empty() ? "" : ", ") + zone;
  return text;
}

}  // namespace

RecipientZones zones_for(const Recipient& recipient) {
  RecipientZones out;
  std::vector<std::string> zones;
  auto note = [&](const std::string& source, const std::vector<std::string>& found) {
    if (found.empty()) return;
    out.sources += (out.sources.empty() ? "" : "; ") + source + ": " + joined(found);
  };
  PhonePlace phone;
  if (recipient.phone) {
    phone = place_of(*recipient.phone);
    note("phone", phone.zones);
  }
  // The address: its ZIP names one zone; a state alone all of its zones, unless the number
  // (from the same state) says which part.
  const State* state = find_state(recipient.state);
  std::optional<std::string> zip_zone;
  if (auto zip = zip_number(recipient.postal_code)) {
    zip_zone = zone_of_zip(*zip);
    if (zip_zone) note("ZIP " + recipient.postal_code.substr(0, 5), {*zip_zone});
    out.florida = *zip >= 32000 && *zip <= 34999 && *zip / 100 != 340;  // 340xx: APO/FPO Americas
  }
  std::vector<std::string> address;
  if (state) {
    std::vector<std::string> whole = zones_of(*state);
    if (zip_zone && std::find(whole.begin(), whole.end(), *zip_zone) != whole.end()) {
      address = {*zip_zone};
    } else {
      address = whole;
      if (zip_zone) address.push_back(*zip_zone);  // the ZIP and the state disagree: both
      else if (phone.state == state && !phone.zones.empty() && subset(phone.zones, whole)) address = phone.zones;
      note(std::string("state ") + state->code, whole);
    }
    out.florida = out.florida || std::string_view(state->code) == "FL";
  } else if (zip_zone) {
    address = {*zip_zone};
  }
  if (phone.state && std::string_view(phone.state->code) == "FL") out.florida = true;
  zones = address;
  zones.insert(zones.end(), phone.zones.begin(), phone.zones.end());
  std::sort(zones.begin(), zones.end());
  zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
  out.zones = std::move(zones);
  return out;
}

}  // namespace jorge::bots
