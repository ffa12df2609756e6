#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "bots/compliance/opt_out.hpp"
#include "bots/compliance/quiet_hours.hpp"
#include "support/test_env.hpp"

namespace jorge::bots {
namespace {

SystemTime at(const char* iso) {
  SystemTime time;
  EXPECT_TRUE(parse_iso8601(iso, time)) << iso;
  return time;
}

std::string iso(SystemTime time) { return format_iso8601(time); }

const RecipientRules kTexas{"TX", "America/Chicago"};

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
  EXPECT_EQ(iso(next_allowed_send(at("2026-11-29T05:00:00Z"), kTexas)), "2026-11-29T18:00:00.000Z");
}

TEST(QuietHours, InsideTheWindowSendsNow) {
  EXPECT_EQ(iso(next_allowed_send(at("2026-11-25T16:00:00Z"), kTexas)), "2026-11-25T16:00:00.000Z");
}

TEST(QuietHours, TexasWeekdayEveningWaitsForNineNextMorning) {
  // Wednesday 21:30 CST -> Thursday 09:00 CST (15:00Z).
  EXPECT_EQ(iso(next_allowed_send(at("2026-11-26T03:30:00Z"), kTexas)), "2026-11-26T15:00:00.000Z");
}

// #15: the federal 8:00 opening was applied to initiated texts; Jorge's rule is 9:00 everywhere.
TEST(QuietHours, InitiatedTextsWaitForNineInEveryState) {
  // New York, Tuesday 07:30 EST -> 09:00 EST.
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-01T12:30:00Z"), {"NY", "America/New_York"})),
            "2026-12-01T14:00:00.000Z");
  // Florida 20:30 EST -> 09:00 next day.
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-02T01:30:00Z"), {"FL", "America/New_York"})),
            "2026-12-02T14:00:00.000Z");
}

// The window's edges in Austin (CST = UTC-6 in December): 08:59 waits, 09:00 goes; 19:59 goes,
// 20:00 waits for tomorrow 09:00; Sunday 11:59 waits, 12:00 goes.
TEST(QuietHours, EdgesOfTheInitiatedWindow) {
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-02T14:59:00Z"), kTexas)), "2026-12-02T15:00:00.000Z");
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-02T15:00:00Z"), kTexas)), "2026-12-02T15:00:00.000Z");
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-03T01:59:00Z"), kTexas)), "2026-12-03T01:59:00.000Z");
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-03T02:00:00Z"), kTexas)), "2026-12-03T15:00:00.000Z");
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-06T17:59:00Z"), kTexas)), "2026-12-06T18:00:00.000Z");  // Sunday
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-06T18:00:00Z"), kTexas)), "2026-12-06T18:00:00.000Z");
  // Sunday 1 November 2026, clocks back at 02:00: noon is CST (18:00Z), no longer CDT.
  EXPECT_EQ(iso(next_allowed_send(at("2026-11-01T06:30:00Z"), kTexas)), "2026-11-01T18:00:00.000Z");
}

TEST(QuietHours, RepliesToTheLeadGoFromEightToNine) {
  // Austin Wednesday 08:30 CST: a reply goes now, an initiated text waits for 09:00.
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-02T14:30:00Z"), kTexas, MessageKind::kReply)), "2026-12-02T14:30:00.000Z");
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-02T14:30:00Z"), kTexas)), "2026-12-02T15:00:00.000Z");
  // 20:30 CST: a reply still goes; at 21:00 it waits for 08:00.
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-03T02:30:00Z"), kTexas, MessageKind::kReply)), "2026-12-03T02:30:00.000Z");
  EXPECT_EQ(iso(next_allowed_send(at("2026-12-03T03:00:00Z"), kTexas, MessageKind::kReply)), "2026-12-03T14:00:00.000Z");
}

TEST(QuietHours, FollowsDaylightSavingTime) {
  // Saturday 2026-03-07 23:00 CST; clocks go forward that night: Sunday noon is CDT (17:00Z).
  EXPECT_EQ(iso(next_allowed_send(at("2026-03-08T05:00:00Z"), kTexas)), "2026-03-08T17:00:00.000Z");
}

TEST(RecipientRules, AddressThenAreaCodeThenAustin) {
  EXPECT_EQ(rules_for({"Texas", std::nullopt}).time_zone, "America/Chicago");
  EXPECT_EQ(rules_for({"ca", std::nullopt}).time_zone, "America/Los_Angeles");
  Recipient new_yorker{"", *Phone::parse("+12125550123")};
  EXPECT_EQ(rules_for(new_yorker).state, "NY");
  EXPECT_EQ(rules_for(new_yorker).time_zone, "America/New_York");
  Recipient abroad{"", *Phone::parse("+447700900123")};
  EXPECT_EQ(rules_for(abroad).state, "TX");
  EXPECT_EQ(rules_for({}).time_zone, "America/Chicago");
  Recipient moved{"FL", *Phone::parse("+15125550123")};  // the address wins over the area code
  EXPECT_EQ(rules_for(moved).state, "FL");
}

}  // namespace jorge::bots
