#include "ingest/normalise.hpp"
#include "ingest/ghl/ghl_adapter.hpp"
#include "ingest/manual/manual_lead.hpp"
#include "support/test_time.hpp"

#include <gtest/gtest.h>

namespace jorge::ingest {
namespace {

using jorge::testing::at;

std::optional<MoneyRange> range(double low, double high) { return MoneyRange{low, high}; }
std::optional<MoneyRange> at_most(double high) { return MoneyRange{std::nullopt, high}; }
std::optional<MoneyRange> at_least(double low) { return MoneyRange{low, std::nullopt}; }

}  // namespace

TEST(Normalise, ReadsMoneyAsPeopleWriteIt) {
  EXPECT_EQ(parse_money("400k"), range(400'000, 400'000));
  EXPECT_EQ(parse_money("$1.2M"), range(1'200'000, 1'200'000));
  EXPECT_EQ(parse_money("550,000"), range(550'000, 550'000));
  EXPECT_EQ(parse_money("$550,000.00"), range(550'000, 550'000));
  EXPECT_EQ(parse_money("1.5 million"), range(1'500'000, 1'500'000));
  EXPECT_EQ(parse_money("$400k-$500k"), range(400'000, 500'000));
  EXPECT_EQ(parse_money("300-350k"), range(300'000, 350'000));
  EXPECT_EQ(parse_money("between 300 and 350K"), range(300'000, 350'000));
  EXPECT_EQ(parse_money("Looking for 3 bed near Zilker, budget around 800k"), range(800'000, 800'000));
  EXPECT_EQ(parse_money("$250"), range(250, 250));
  EXPECT_EQ(parse_money("720-759"), std::nullopt);  // a credit score range, not money
  EXPECT_EQ(parse_money("3 beds"), std::nullopt);
  EXPECT_EQ(parse_money("entre 300 y 350k"), range(300'000, 350'000));
}

// #14: "under 400k" was read as exactly 400,000, minimum included.
TEST(Normalise, ReadsBoundsAsOneSideOfARange) {
  for (const char* text : {"under 400k", "Under $400K", "below 400k", "less than 400k", "up to 400k",
                           "no more than 400k", "not more than $400,000", "at most 400k", "max 400k", "400k tops",
                           "400k max", "$400k or less", "budget: under 400k", "hasta 400k", "menos de 400 mil",
                           "m\xC3\xA1ximo 400k", "no m\xC3\xA1s de 400k", "400k o menos"})
    EXPECT_EQ(parse_money(text), at_most(400'000)) << text;
  for (const char* text : {"over 400k", "above 400k", "at least 400k", "more than 400k", "no less than 400k",
                           "400k+", "$400k or more", "min 400k", "400k minimum", "starting at 400k",
                           "m\xC3\xA1s de 400k", "mas de 400k", "al menos 400k", "por lo menos 400k",
                           "m\xC3\xADnimo 400k"})
    EXPECT_EQ(parse_money(text), at_least(400'000)) << text;
  EXPECT_EQ(parse_money("between 300k and 400k"), range(300'000, 400'000));
  EXPECT_EQ(parse_money("around 400k"), range(400'000, 400'000));
  EXPECT_EQ(parse_money("minneapolis 400k"), range(400'000, 400'000));  // "min" only as a word
  EXPECT_EQ(parse_money(""), std::nullopt);
}

TEST(Normalise, ReadsTimelinesInMonthsFromNow) {
  SystemTime november = at("2026-11-25T12:00:00Z");
  EXPECT_EQ(parse_timeline("ASAP", november), (Timeline{0, 0}));
  EXPECT_EQ(parse_timeline("3-6 months", november), (Timeline{3, 6}));
  EXPECT_EQ(parse_timeline("0-3_months", november), (Timeline{0, 3}));
  EXPECT_EQ(parse_timeline("1-3 months", november), (Timeline{1, 3}));
  EXPECT_EQ(parse_timeline("within 6 months", november), (Timeline{0, 6}));
  EXPECT_EQ(parse_timeline("by March", november), (Timeline{0, 4}));
  EXPECT_EQ(parse_timeline("in June", november), (Timeline{7, 7}));
  EXPECT_EQ(parse_timeline("next year", november), (Timeline{2, 13, true}));
  EXPECT_EQ(parse_timeline("2 years", november), (Timeline{24, 24}));
  EXPECT_EQ(parse_timeline("just looking", november), std::nullopt);
  EXPECT_EQ(parse_timeline("blue", november), std::nullopt);
}

TEST(Normalise, CasesNamesTypedAllUpperOrLowerAndTurnsLastCommaFirst) {
  EXPECT_EQ(name_case("MARIA DELGADO"), "Maria Delgado");
  EXPECT_EQ(name_case("mary-jane o'brien"), "Mary-Jane O'Brien");
  EXPECT_EQ(name_case("McAllister"), "McAllister");
  EXPECT_EQ(name_case("LUKAS SCHÄFER"), "Lukas Schäfer");
  EXPECT_EQ(name_case("ludwig van beethoven"), "Ludwig van Beethoven");
  EXPECT_EQ(name_case("JOHN SMITH III"), "John Smith III");
  ContactFacts facts;
  normalise_contact({{}, {}, "DELGADO, Maria", "(512) 555-0123", " Maria@Example.COM ", {}}, facts);
  EXPECT_EQ(facts.first_name, "Maria");
  EXPECT_EQ(facts.last_name, "Delgado");
  EXPECT_EQ(facts.full_name, "Maria Delgado");
  EXPECT_EQ(facts.phone->e164(), "+15125550123");
  EXPECT_EQ(facts.email, "maria@example.com");
  ContactFacts composed;
  normalise_contact({"Jose\xCC\x81", "Lopez", {}, {}, {}, {}}, composed);
  EXPECT_EQ(composed.full_name, "Jos\xC3\xA9 Lopez");  // NFC
}

TEST(Normalise, PostalCodesStatesAndAddresses) {
  EXPECT_EQ(normalise_postal_code(" 78704 "), "78704");
  EXPECT_EQ(normalise_postal_code("787041234"), "78704-1234");
  EXPECT_EQ(normalise_postal_code("sw1a 1aa"), "SW1A 1AA");
  EXPECT_EQ(normalise_state("texas"), "TX");
  EXPECT_EQ(normalise_state("Tx."), "TX");
  EXPECT_EQ(normalise_state("Bayern"), "Bayern");
  EXPECT_EQ(normalise_address("1807 Bluebonnet Lane"), "1807 Bluebonnet Ln");
  EXPECT_EQ(normalise_address("4407 South Lamar Boulevard, Apartment 3"), "4407 S Lamar Blvd, Apt 3");
  EXPECT_EQ(normalise_address("4407 Avenue C"), "4407 Avenue C");
  EXPECT_EQ(normalise_address("1100 s lamar blvd #2104"), "1100 S Lamar Blvd #2104");
}

TEST(Normalise, DerivesBudgetAndTimelineFromFreeAnswers) {
  ContactFacts facts;
  facts.custom_fields = {{"price_range", std::string("$400k-$500k")},
                         {"when_are_you_looking_to_buy?", std::string("0-3_months")}};
  add_derived_fields(facts, at("2026-11-20T15:02:09Z"));
  ASSERT_EQ(facts.custom_fields.size(), 5u);
  EXPECT_EQ(facts.custom_fields[2], (CustomField{"budget_min", 400'000.0}));
  EXPECT_EQ(facts.custom_fields[3], (CustomField{"budget_max", 500'000.0}));
  EXPECT_EQ(facts.custom_fields[4], (CustomField{"timeline_months", 0.0}));
}

}  // namespace jorge::ingest

namespace jorge::ingest {
namespace {

// #17: one normalisation for every source: a GoHighLevel contact and a manual lead get the
// state, ZIP, city and street the other adapters give them.
TEST(NormalisePlace, GoHighLevelAndManualLeadsAreNormalisedLikeEveryOtherSource) {
  auto ghl = make_ghl_adapter({})->parse(
      R"({"type":"ContactCreate","locationId":"l","id":"c1","phone":"+15125550123","address1":"4407 South Lamar Boulevard",)"
      R"("city":"AUSTIN","state":"texas","postalCode":" 78704-1234 "})");
  ASSERT_TRUE(ghl.ok()) << ghl.error().message;
  const ContactFacts& from_ghl = *ghl->front().contact;
  auto manual = parse_manual_lead(
      R"({"phone":"512-555-0123","address":"4407 South Lamar Boulevard","city":"austin","state":"Tx.","postal_code":"78704"})");
  ASSERT_TRUE(manual.ok()) << manual.error().message;
  const ContactFacts& from_manual = *manual->contact;
  for (const ContactFacts* facts : {&from_ghl, &from_manual}) {
    EXPECT_EQ(facts->state, "TX");
    EXPECT_EQ(facts->city, "Austin");
    EXPECT_EQ(facts->address, normalise_address("4407 South Lamar Boulevard"));
    EXPECT_EQ(facts->postal_code.substr(0, 5), "78704");
  }
}

}  // namespace
}  // namespace jorge::ingest
