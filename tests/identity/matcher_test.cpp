#include "identity/matcher.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "core/csv.hpp"
#include "identity/compare.hpp"

namespace jorge::identity {
namespace {

std::string trimmed(const std::string& text) {
  size_t start = text.find_first_not_of(' ');
  return start == std::string::npos ? "" : text.substr(start);
}

}  // namespace

TEST(Compare, StringSimilaritiesMatchTheirDefinitions) {
  EXPECT_NEAR(jaro_winkler("martha", "marhta"), 0.9611, 1e-4);  // the textbook examples
  EXPECT_NEAR(jaro_winkler("dwayne", "duane"), 0.84, 1e-4);
  EXPECT_NEAR(jaro_winkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_EQ(levenshtein("kitten", "sitting"), 3u);
  EXPECT_TRUE(one_transposition("19810203", "19812003"));
  EXPECT_FALSE(one_transposition("19810203", "19813002"));
  EXPECT_TRUE(one_transposition("4011", "4101"));
  EXPECT_EQ(soundex("robert"), "r163");
  EXPECT_EQ(soundex("rupert"), "r163");
  EXPECT_EQ(soundex("ashcraft"), "a261");
  EXPECT_EQ(soundex("tymczak"), "t522");
}

TEST(Compare, NamesNicknamesDatesAndCodes) {
  EXPECT_EQ(name_similarity("bill", "william"), 1.0);
  EXPECT_EQ(name_similarity("mary ann", "ann mary"), 1.0);
  EXPECT_LT(name_similarity("maria", "jamal"), 0.75);
  EXPECT_EQ(date_similarity("19810203", "19810302"), 0.8);  // day and month swapped
  EXPECT_EQ(date_similarity("19810203", "19810208"), 0.8);  // one digit
  EXPECT_EQ(date_similarity("19810203", "19750611"), 0.0);
  EXPECT_EQ(code_similarity("78704", "78740"), 0.8);
  EXPECT_EQ(code_similarity("78704", "78704"), 1.0);
  EXPECT_EQ(code_similarity("78704", "12345"), 0.0);
  EXPECT_EQ(normalise_value(FieldType::kPhone, "+1 (512) 555-0123"), "5125550123");
  EXPECT_EQ(normalise_value(FieldType::kFirstName, "Jos\xC3\xA9-Luis"), "jose luis");
  EXPECT_EQ(normalise_value(FieldType::kAddressLine1, "4407 South Oak Street"), "4407 s oak st");
  EXPECT_EQ(normalise_value(FieldType::kAddressLine1, "4407 S. Oak St"), "4407 s oak st");
}

TEST(Compare, SwappedFirstAndLastNamesAgreeCrossed) {
  Record a, b;
  a.values[static_cast<size_t>(FieldType::kFirstName)] = "kayla";
  a.values[static_cast<size_t>(FieldType::kLastName)] = "harrington";
  b.values[static_cast<size_t>(FieldType::kFirstName)] = "harrington";
  b.values[static_cast<size_t>(FieldType::kLastName)] = "kayla";
  auto levels = compare_records(a, b, {FieldType::kFirstName, FieldType::kLastName});
  EXPECT_EQ(levels, (std::vector<uint8_t>{2, 2}));
}

// FEBRL dataset 1 (1,000 records, 500 true pairs), without the social security number so the
// names, addresses and dates must carry it: unsupervised EM must find the duplicates.
TEST(Matcher, FindsFebrlDuplicatesWithoutLabels) {
  auto table = read_csv_file(std::string(JORGE_SHARED_DIR) + "/data/febrl/dataset1.csv");
  ASSERT_TRUE(table.ok());
  const std::map<std::string, FieldType> columns = {
      {"given_name", FieldType::kFirstName}, {"surname", FieldType::kLastName},
      {"street_number", FieldType::kStreetNumber}, {"address_1", FieldType::kAddressLine1},
      {"address_2", FieldType::kAddressLine2}, {"suburb", FieldType::kCity}, {"postcode", FieldType::kPostalCode},
      {"state", FieldType::kState}, {"date_of_birth", FieldType::kBirthDate}};
  std::vector<Record> records;
  for (const auto& row : table->rows) {
    Record record;
    record.id = trimmed(row[0]);
    for (size_t i = 0; i < table->header.size(); ++i)
      if (auto found = columns.find(trimmed(table->header[i])); found != columns.end())
        record.values[static_cast<size_t>(found->second)] = normalise_value(found->second, trimmed(row[i]));
    records.push_back(std::move(record));
  }
  MatchResult result = match_records(records, {});
  auto entity = [](const std::string& id) { return id.substr(0, id.find('-', 4)); };
  size_t true_positives = 0;
  for (const auto& pair : result.matches) true_positives += entity(records[pair.a].id) == entity(records[pair.b].id);
  double precision = static_cast<double>(true_positives) / static_cast<double>(result.matches.size());
  double recall = static_cast<double>(true_positives) / 500.0;
  double f1 = 2 * precision * recall / (precision + recall);
  EXPECT_GE(f1, 0.97) << "precision " << precision << " recall " << recall;
  EXPECT_LT(result.candidate_pairs, records.size() * 10);  // blocking, not all 499,500 pairs
  // The learnt weights make sense: for every field, agreeing is likelier for a match than not
  // (among candidate pairs, which already share a blocking key, so u is not small everywhere).
  for (size_t f = 0; f < result.model.fields.size(); ++f)
    EXPECT_GT(result.model.weights[f].m[2], result.model.weights[f].u[2]) << field_type_name(result.model.fields[f]);
}

// #14: what keeps a shared phone or e-mail from joining two people.
TEST(NamesClearlyDiffer, OnlyWhenANameGivenOnBothSidesDisagrees) {
  EXPECT_TRUE(names_clearly_differ({"Maria", "Delgado", ""}, {"Darnell", "Jackson", ""}));
  EXPECT_TRUE(names_clearly_differ({"Maria", "Delgado", ""}, {"Carlos", "Delgado", ""}));  // a household
  EXPECT_FALSE(names_clearly_differ({"Maria", "Delgado", ""}, {"Marla", "Delgado", ""}));  // a typo
  EXPECT_FALSE(names_clearly_differ({"Bill", "Whitaker", ""}, {"William", "Whitaker", ""}));  // a nickname
  EXPECT_FALSE(names_clearly_differ({"Delgado", "Maria", ""}, {"Maria", "Delgado", ""}));  // swapped
  EXPECT_FALSE(names_clearly_differ({"MARIA", "DELGADO", ""}, {"María", "Delgado", ""}));
  EXPECT_FALSE(names_clearly_differ({"", "", ""}, {"Darnell", "Jackson", ""}));  // nothing to compare
  EXPECT_TRUE(names_clearly_differ({"", "", "Maria Delgado"}, {"", "", "Darnell Jackson"}));
}

}  // namespace jorge::identity
