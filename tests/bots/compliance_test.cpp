#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "bots/compliance/opt_out.hpp"
#include "bots/compliance/quiet_hours.hpp"
#include "bots/compliance/time_zones.hpp"
#include "support/test_env.hpp"
#include "support/test_time.hpp"

namespace jorge::bots {
namespace {

using jorge::testing::at;

std::string iso(SystemTime time) { return format_iso8601(time); }

const std::vector<std::string> kTexas{"America/Chicago"};

}  // namespace

TEST(OptOut, ClassifiesEveryFixtureCase) {
  auto cases = nlohmann::json::parse(testing::fixture("sms/inbound_keyword_cases.json"))["cases"];
  ASSERT_FALSE(cases.empty());
  for (const auto& item : cases) {
    std::string body = item["body"], expect = item["expect"];
    InboundKeyword got = classify_inbound(body);
    std::string name = got == InboundKeyword::kOptOut ? "optout"
                       : got == InboundKeyword::kHelp ? "help"
                       : got == InboundKeyword::kOptIn ? "optin"
                                                       : "none";
    EXPECT_EQ(name, expect) << "\"" << body << "\"";
  }
}

// Every wording of bots.md §10.1 and its non-opt-outs, one per line (#15), beside the fixture.
TEST(OptOut, ClassifiesEveryWordingOfTheSpec) {
  std::istringstream lines(testing::read_file(std::string(JORGE_BOTS_TEST_DATA) + "/inbound_keywords.tsv"));
  size_t cases = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.rfind('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string body = line.substr(0, tab), expect = line.substr(tab + 1);
    const InboundKeyword got = classify_inbound(body);
    const std::string name = got == InboundKeyword::kOptOut ? "optout"
                             : got == InboundKeyword::kHelp ? "help"
                             : got == InboundKeyword::kOptIn ? "optin"
                                                             : "none";
    EXPECT_EQ(name, expect) << "\"" << body << "\"";
    ++cases;
  }
  EXPECT_GE(cases, 90u);
}

TEST(QuietHours, TexasLeadAtElevenSaturdayNightGetsTextSundayNoon) {
  // Saturday 2026-11-28 23:00 CST is 05:00Z on Sunday; Sunday noon CST is 18:00Z.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-11-29T05:00:00Z"), kTexas)), "2026-11-29T18:00:00.000Z");
}

TEST(QuietHours, InsideTheWindowSendsNow) {
  EXPECT_EQ(iso(*next_allowed_send(at("2026-11-25T16:00:00Z"), kTexas)), "2026-11-25T16:00:00.000Z");
}

TEST(QuietHours, TexasWeekdayEveningWaitsForNineNextMorning) {
  // Wednesday 21:30 CST -> Thursday 09:00 CST (15:00Z).
  EXPECT_EQ(iso(*next_allowed_send(at("2026-11-26T03:30:00Z"), kTexas)), "2026-11-26T15:00:00.000Z");
}

// #15: the federal 8:00 opening was applied to initiated texts; Jorge's rule is 9:00 everywhere.
TEST(QuietHours, InitiatedTextsWaitForNineInEveryState) {
  // New York, Tuesday 07:30 EST -> 09:00 EST.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-01T12:30:00Z"), std::vector<std::string>{"America/New_York"})),
            "2026-12-01T14:00:00.000Z");
  // Florida 20:30 EST -> 09:00 next day.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T01:30:00Z"), std::vector<std::string>{"America/New_York"})),
            "2026-12-02T14:00:00.000Z");
}

// The window's edges in Austin (CST = UTC-6 in December): 08:59 waits, 09:00 goes; 19:59 goes,
// 20:00 waits for tomorrow 09:00; Sunday 11:59 waits, 12:00 goes.
TEST(QuietHours, EdgesOfTheInitiatedWindow) {
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T14:59:00Z"), kTexas)), "2026-12-02T15:00:00.000Z");
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T15:00:00Z"), kTexas)), "2026-12-02T15:00:00.000Z");
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-03T01:59:00Z"), kTexas)), "2026-12-03T01:59:00.000Z");
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-03T02:00:00Z"), kTexas)), "2026-12-03T15:00:00.000Z");
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-06T17:59:00Z"), kTexas)), "2026-12-06T18:00:00.000Z");  // Sunday
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-06T18:00:00Z"), kTexas)), "2026-12-06T18:00:00.000Z");
  // Sunday 1 November 2026, clocks back at 02:00: noon is CST (18:00Z), no longer CDT.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-11-01T06:30:00Z"), kTexas)), "2026-11-01T18:00:00.000Z");
}

TEST(QuietHours, RepliesToTheLeadGoFromEightToNine) {
  // Austin Wednesday 08:30 CST: a reply goes now, an initiated text waits for 09:00.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T14:30:00Z"), kTexas, MessageKind::kReply)), "2026-12-02T14:30:00.000Z");
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T14:30:00Z"), kTexas)), "2026-12-02T15:00:00.000Z");
  // 20:30 CST: a reply still goes; at 21:00 it waits for 08:00.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-03T02:30:00Z"), kTexas, MessageKind::kReply)), "2026-12-03T02:30:00.000Z");
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-03T03:00:00Z"), kTexas, MessageKind::kReply)), "2026-12-03T14:00:00.000Z");
}

TEST(QuietHours, FollowsDaylightSavingTime) {
  // Saturday 2026-03-07 23:00 CST; clocks go forward that night: Sunday noon is CDT (17:00Z).
  EXPECT_EQ(iso(*next_allowed_send(at("2026-03-08T05:00:00Z"), kTexas)), "2026-03-08T17:00:00.000Z");
}

std::vector<std::string> zones(const std::string& state, const std::string& zip, const std::string& phone) {
  Recipient recipient{state, zip, std::nullopt};
  if (!phone.empty()) recipient.phone = *Phone::parse(phone);
  return zones_for(recipient).zones;
}
using Zones = std::vector<std::string>;

// Each place independent tries texted too early (#15), by the most precise source there is.
TEST(RecipientZones, AreaCodesOfStatesThatSpanTwoZones) {
  EXPECT_EQ(zones("", "", "+19155550123"), Zones{"America/Denver"});   // El Paso
  EXPECT_EQ(zones("", "", "+12195550123"), Zones{"America/Chicago"});  // Gary, Indiana
  EXPECT_EQ(zones("", "", "+12705550123"), (Zones{"America/Chicago", "America/New_York"}));  // Paducah or E'town
  EXPECT_EQ(zones("", "", "+18505550123"), (Zones{"America/Chicago", "America/New_York"}));  // Pensacola or Tallahassee
  EXPECT_EQ(zones("", "", "+15125550123"), Zones{"America/Chicago"});  // Austin
  EXPECT_EQ(zones("", "", "+12125550123"), Zones{"America/New_York"});
}

TEST(RecipientZones, TerritoriesAndOtherCountriesByTheirOwnZones) {
  EXPECT_EQ(zones("", "", "+16715550123"), Zones{"Pacific/Guam"});
  EXPECT_EQ(zones("", "", "+16845550123"), Zones{"Pacific/Pago_Pago"});
  EXPECT_EQ(zones("", "", "+17875550123"), Zones{"America/Puerto_Rico"});
  EXPECT_EQ(zones("", "", "+81312345678"), Zones{"Asia/Tokyo"});
  EXPECT_EQ(zones("GU", "", ""), Zones{"Pacific/Guam"});
  EXPECT_EQ(zones("", "96910", ""), Zones{"Pacific/Guam"});
  EXPECT_EQ(zones("", "00901", ""), Zones{"America/Puerto_Rico"});
}

TEST(RecipientZones, NoSourceMeansNoZoneNeverAustin) {
  EXPECT_TRUE(zones("", "", "").empty());
  EXPECT_TRUE(zones("", "", "+18005550123").empty());  // toll-free: no place
  EXPECT_FALSE(next_allowed_send(at("2026-12-02T18:00:00Z"), {}).has_value());
}

TEST(RecipientZones, TheAddressNarrowsItselfAndTheNumberMayPointElsewhere) {
  EXPECT_EQ(zones("TX", "", ""), (Zones{"America/Chicago", "America/Denver"}));  // which part of Texas?
  EXPECT_EQ(zones("TX", "78751", ""), Zones{"America/Chicago"});
  EXPECT_EQ(zones("TX", "79901", ""), Zones{"America/Denver"});  // El Paso's ZIP
  EXPECT_EQ(zones("Texas", "", "+15125550123"), Zones{"America/Chicago"});  // an Austin number says which part
  // A Texas address with a Hawaii number: both, and a text only when both allow it.
  EXPECT_EQ(zones("TX", "78751", "+18085550123"), (Zones{"America/Chicago", "Pacific/Honolulu"}));
  EXPECT_EQ(zones("", "96813", ""), Zones{"Pacific/Honolulu"});  // a Honolulu ZIP without a state
  EXPECT_EQ(zones("CA", "78751", ""), (Zones{"America/Chicago", "America/Los_Angeles"}));  // ZIP and state disagree
  EXPECT_TRUE(zones_for({"FL", "", std::nullopt}).florida);
  EXPECT_TRUE(zones_for({"", "33101", std::nullopt}).florida);
  EXPECT_TRUE(zones_for({"", "", *Phone::parse("+13055550123")}).florida);
  EXPECT_FALSE(zones_for({"TX", "78751", *Phone::parse("+15125550123")}).florida);
}

TEST(QuietHours, EdgesInTheRecipientsOwnZone) {
  const Zones el_paso{"America/Denver"};  // Wednesday 2026-12-02, MST = UTC-7
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T15:59:00Z"), el_paso)), "2026-12-02T16:00:00.000Z");  // 08:59
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T16:00:00Z"), el_paso)), "2026-12-02T16:00:00.000Z");  // 09:00
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-03T02:59:00Z"), el_paso)), "2026-12-03T02:59:00.000Z");  // 19:59
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-03T03:00:00Z"), el_paso)), "2026-12-03T16:00:00.000Z");  // 20:00
  const Zones guam{"Pacific/Guam"};  // UTC+10, no DST; Sunday 2026-12-06 11:59 and 12:00
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-06T01:59:00Z"), guam)), "2026-12-06T02:00:00.000Z");
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-06T02:00:00Z"), guam)), "2026-12-06T02:00:00.000Z");
  // November's change in Denver: Sunday 2026-11-01, 12:00 MST is 19:00Z.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-11-01T08:30:00Z"), el_paso)), "2026-11-01T19:00:00.000Z");
}

TEST(QuietHours, SeveralZonesGetTheMinutesAllOfThemAllow) {
  // Austin and Honolulu, Wednesday: 09:00 HST (19:00Z) is 13:00 in Austin.
  const Zones both{"America/Chicago", "Pacific/Honolulu"};
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-02T15:00:00Z"), both)), "2026-12-02T19:00:00.000Z");
  // 20:00 in Austin (02:00Z) closes it even though Honolulu still allows 16:00.
  EXPECT_EQ(iso(*next_allowed_send(at("2026-12-03T02:00:00Z"), both)), "2026-12-03T19:00:00.000Z");
  // New York and Shanghai are 13 hours apart: their windows never meet; a person decides.
  EXPECT_FALSE(next_allowed_send(at("2026-12-02T15:00:00Z"), {"America/New_York", "Asia/Shanghai"}).has_value());
  EXPECT_FALSE(next_allowed_send(at("2026-12-02T15:00:00Z"), {"Not/AZone"}).has_value());
}

}  // namespace jorge::bots
