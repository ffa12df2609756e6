// `jorge import` through the real binary on both backends: the proposed mapping, rejects with
// reasons, a dry run that writes nothing, and a second import that adds nothing.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/csv.hpp"
#include "store/store.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

class ImportEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = fresh_database(GetParam(), dir_);
    if (database_.empty()) GTEST_SKIP() << kNoPostgres;
    // Semicolons, a quoted line break, a BOM, an upper-case name, a bad phone, a row with nothing to reach.
    write_file(dir_.file("leads.csv"),
               "\xEF\xBB\xBF" "First Name;Last Name;E-mail Address;Mobile;Zip;Price Range;Move Timeline;Notes;Lender\r\n"
               "Maria;DELGADO;maria@example.com;(512) 555-0123;78704;$400k-$500k;3-6 months;\"wants a yard;\r\n"
               "and a garage\";Chase\r\n"
               "Sam;K;;;78701;;;;\r\n"
               "Oliver;Grant;oliver@example.org;+44 20 7946 0958;;550k;asap;;\r\n"
               "Bad;Phone;;12;;;;;\r\n");
  }
  store::StoreCounts counts() {
    SystemClock clock;
    auto store = store::open_store(database_, clock);
    EXPECT_TRUE(store.ok());
    auto counted = (*store)->counts();
    (*store)->close();
    return counted.ok() ? *counted : store::StoreCounts{};
  }

  TempDir dir_;
  std::string database_;
};

TEST_P(ImportEndToEnd, ImportsValidRowsRejectsTheRestWithReasonsAndIsIdempotent) {
  std::string output;
  ASSERT_EQ(run_jorge({"import", "--source", "open_house", "--data", dir_.file("leads.csv"), "--dry-run"}, &output), 0)
      << output;
  EXPECT_NE(output.find("E-mail Address               -> email"), std::string::npos) << output;
  EXPECT_NE(output.find("Mobile                       -> phone"), std::string::npos);
  EXPECT_NE(output.find("custom field \"Lender\""), std::string::npos);
  EXPECT_NE(output.find("2 valid, 2 rejected"), std::string::npos);
  EXPECT_NE(output.find("dry run: nothing written"), std::string::npos);
  EXPECT_NE(output.find("Notes                        -> note"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("leads.csv") + ".rejects.csv")) << "#14: a dry run writes nothing";

  ASSERT_EQ(run_jorge({"import", "--source", "open_house", "--data", dir_.file("leads.csv"), "--database", database_},
                      &output),
            0)
      << output;
  EXPECT_NE(output.find("imported 2 new leads"), std::string::npos) << output;
  store::StoreCounts first = counts();
  EXPECT_EQ(first.contacts, 2);
  EXPECT_EQ(first.leads, 2);
  EXPECT_EQ(first.interactions, 0);  // #14: Maria's "Notes" are the agent's, not a message from her
  EXPECT_EQ(first.jobs, 2);

  auto rejects = read_csv_file(dir_.file("leads.csv") + ".rejects.csv");
  ASSERT_TRUE(rejects.ok()) << rejects.error().message;
  ASSERT_EQ(rejects->rows.size(), 2u);
  EXPECT_EQ(rejects->header[0], "line");
  EXPECT_EQ(rejects->rows[0][0], "4");  // the file's line, counting the header and Maria's two lines
  EXPECT_EQ(rejects->rows[0][1], "neither a phone nor an e-mail");
  EXPECT_EQ(rejects->rows[1][1], "the phone is not a phone number");
  EXPECT_EQ(rejects->rows[1][2], "Bad");  // the row as it was, to fix and import again

  ASSERT_EQ(run_jorge({"import", "--source", "open_house", "--data", dir_.file("leads.csv"), "--database", database_},
                      &output),
            0);
  EXPECT_NE(output.find("imported 0 new leads"), std::string::npos) << output;
  EXPECT_NE(output.find("2 already there"), std::string::npos);
  store::StoreCounts again = counts();
  EXPECT_EQ(again.contacts, 2);
  EXPECT_EQ(again.events, first.events);
  EXPECT_EQ(again.jobs, first.jobs);
}

TEST_P(ImportEndToEnd, MappingOverridesAndClearUsageErrors) {
  std::string output;
  EXPECT_EQ(run_jorge({"import", "--source", "x", "--data", dir_.file("leads.csv"), "--dry-run", "--map",
                       "Nope=phone"},
                      &output),
            2);
  EXPECT_NE(output.find("no column \"Nope\""), std::string::npos) << output;
  EXPECT_EQ(run_jorge({"import", "--source", "x", "--data", dir_.file("leads.csv"), "--dry-run", "--map",
                       "Mobile=telepathy"},
                      &output),
            2);
  EXPECT_NE(output.find("unknown field \"telepathy\""), std::string::npos);
  EXPECT_EQ(run_jorge({"import", "--source", "x", "--data", dir_.file("leads.csv"), "--dry-run", "--map",
                       "Mobile=ignore,E-mail Address=ignore"},
                      &output),
            2);
  EXPECT_NE(output.find("no column maps to phone or email"), std::string::npos) << output;
  ASSERT_EQ(run_jorge({"import", "--source", "x", "--data", dir_.file("leads.csv"), "--dry-run", "--map", "9=phone"},
                      &output),
            0);  // by column number: Lender becomes the phone column, Mobile a custom field
  EXPECT_NE(output.find("Mobile                       -> custom field"), std::string::npos) << output;
  EXPECT_EQ(run_jorge({"import", "--source", "x", "--data", dir_.file("missing.csv"), "--dry-run"}, &output), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing

namespace jorge::testing {
namespace {

// #14: a sign-in sheet saved by Excel on Windows (Windows-1252) was refused; its blank rows were
// rejected as people.
TEST(ImportCommand, ReadsWindows1252AndSkipsBlankRows) {
  TempDir dir;
  write_file(dir.file("sheet.csv"),
             "First Name,Last Name,Phone,Notes\r\n"
             "Jos\xE9,Pe\xF1a,(512) 555-0161,met at the door\r\n"
             ",,,\r\n"
             "Ana,Ruiz,(512) 555-0162,\r\n"
             ",,,\r\n");
  std::string output;
  ASSERT_EQ(run_jorge({"import", "--source", "open_house", "--data", dir.file("sheet.csv"), "--database",
                       "sqlite://" + dir.file("jorge.db")},
                      &output),
            0)
      << output;
  EXPECT_NE(output.find("Windows-1252"), std::string::npos) << output;
  EXPECT_NE(output.find("2 valid, 0 rejected, 2 blank skipped"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("sheet.csv.rejects.csv")));
  // Neither UTF-8 nor Windows-1252 (0x81 is undefined there): refused, exit 2.
  write_file(dir.file("binary.csv"), "First Name,Phone\r\n\x81\x8D,1\r\n");
  EXPECT_EQ(run_jorge({"import", "--source", "x", "--data", dir.file("binary.csv"), "--dry-run"}, &output), 2);
  EXPECT_NE(output.find("neither UTF-8 nor Windows-1252"), std::string::npos) << output;
}

}  // namespace
}  // namespace jorge::testing
