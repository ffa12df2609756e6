// `jorge dedup` through the real binary: one file (pairs within) and two files (pairs across),
// on FEBRL dataset 1 split into originals and duplicates, and clear usage errors.
#include <gtest/gtest.h>

#include <set>

#include "core/csv.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

std::string febrl() { return std::string(JORGE_DEFAULT_SHARED_DIR) + "/data/febrl/dataset1.csv"; }
std::string entity(const std::string& id) { return id.substr(0, id.find('-', 4)); }

}  // namespace

TEST(DedupCli, LinksAcrossTwoFilesAndWritesPairsWithProbabilities) {
  TempDir dir;
  std::string text = read_file(febrl());
  std::string header = text.substr(0, text.find('\n') + 1), originals = header, duplicates = header;
  for (size_t start = header.size(); start < text.size();) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start + 1);
    (line.find("-org") != std::string::npos ? originals : duplicates) += line;
    start = end + 1;
  }
  write_file(dir.file("a.csv"), originals);
  write_file(dir.file("b.csv"), duplicates);
  std::string output;
  ASSERT_EQ(run_jorge({"dedup", "--data", dir.file("a.csv"), "--data", dir.file("b.csv"), "--id-column", "rec_id",
                       "--out", dir.file("pairs.csv"), "--threshold", "0.9"},
                      &output),
            0)
      << output;
  auto pairs = read_csv_file(dir.file("pairs.csv"));
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ(pairs->header, (std::vector<std::string>{"id_a", "id_b", "probability"}));
  size_t right = 0;
  for (const auto& row : pairs->rows) {
    EXPECT_NE(row[0].find("-org"), std::string::npos);  // across: one from each file
    EXPECT_NE(row[1].find("-dup-"), std::string::npos);
    EXPECT_GE(std::stod(row[2]), 0.9);
    right += entity(row[0]) == entity(row[1]);
  }
  EXPECT_GE(right, 485u);                    // of 500 true pairs
  EXPECT_GE(right, pairs->rows.size() - 5);  // and hardly a wrong one
  EXPECT_NE(output.find("Fellegi-Sunter weights"), std::string::npos);
}

TEST(DedupCli, UsageErrorsNameTheProblem) {
  TempDir dir;
  std::string output;
  EXPECT_EQ(run_jorge({"dedup", "--data", febrl(), "--id-column", "nope", "--out", dir.file("p.csv")}, &output), 2);
  EXPECT_NE(output.find("no column \"nope\""), std::string::npos) << output;
  EXPECT_EQ(run_jorge({"dedup", "--data", febrl(), "--map", "surname=shoe_size", "--out", dir.file("p.csv")}, &output), 2);
  EXPECT_NE(output.find("shoe_size"), std::string::npos);
  // A one-file run by mapping alone (no id column: row numbers name the rows).
  ASSERT_EQ(run_jorge({"dedup", "--data", febrl(), "--map", "given_name=first_name,surname=last_name,date_of_birth=birth_date,postcode=postal_code",
                       "--out", dir.file("p.csv")},
                      &output),
            0)
      << output;
  EXPECT_GT(read_csv_file(dir.file("p.csv"))->rows.size(), 400u);
}

}  // namespace jorge::testing

namespace jorge::testing {
namespace {

// #14: dedup did not know the headers `jorge import` does ("E-mail Address", "Mobile", "Zip").
TEST(DedupCli, ReadsTheHeadersImportReads) {
  TempDir dir;
  write_file(dir.file("sheet.csv"),
             "Lead,First Name,Last Name,E-mail Address,Mobile,Zip\n"
             "a,Maria,Delgado,maria@example.com,(512) 555-0123,78751\n"
             "b,Maria,Delgado,maria@example.com,512-555-0123,78751\n"
             "c,Darnell,Jackson,dj@example.com,(512) 555-0177,78702\n");
  std::string output;
  ASSERT_EQ(run_jorge({"dedup", "--data", dir.file("sheet.csv"), "--id-column", "Lead", "--out", dir.file("pairs.csv")},
                      &output),
            0)
      << output;
  auto pairs = read_csv_file(dir.file("pairs.csv"));
  ASSERT_TRUE(pairs.ok());
  ASSERT_EQ(pairs->rows.size(), 1u) << output;
  EXPECT_EQ(pairs->rows[0][0], "a");
  EXPECT_EQ(pairs->rows[0][1], "b");
}

}  // namespace
}  // namespace jorge::testing
