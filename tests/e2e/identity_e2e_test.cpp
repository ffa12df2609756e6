// Identity on a real database through the binary, on both backends: `jorge dedup --apply`
// merges the people imported twice (different e-mail and phone, same name and home), the API
// shows merges and uncertain pairs, and undo restores every contact exactly.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <random>
#include <thread>

#include "core/bytes.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

using nlohmann::json;

class IdentityEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = fresh_database(GetParam(), dir_);
    if (database_.empty()) GTEST_SKIP() << kNoPostgres;
    // 300 people; 40 of them again with another e-mail and phone (a work address, a new
    // number), a typo in the first name for some.
    std::mt19937 random(5);
    const char* syllables[] = {"ka", "ri", "mo", "la", "ne", "to", "sa", "vi", "do", "ren", "mar", "lin", "bo", "tha"};
    auto word = [&](int parts) {
      std::string out;
      for (int i = 0; i < parts; ++i) out += syllables[random() % 14];
      out[0] = static_cast<char>(std::toupper(out[0]));
      return out;
    };
    std::string csv = "First Name,Last Name,Email,Phone,Address,City,State,Zip\n";
    std::vector<std::string> again;
    for (int i = 0; i < 300; ++i) {
      std::string first = word(2), last = word(3), street = std::to_string(100 + i) + " " + word(2) + " Street";
      std::string city = word(2), zip = std::to_string(78600 + i % 90);
      csv += first + "," + last + ",p" + std::to_string(i) + "@example.com,(512) 555-" + std::to_string(1000 + i) + "," +
             street + "," + city + ",TX," + zip + "\n";
      if (i % 7 == 0 && again.size() < 40) {
        std::string typo = i % 2 ? first : first.substr(0, first.size() - 1);
        again.push_back(typo + "," + last + ",work" + std::to_string(i) + "@example.org,(737) 555-" +
                        std::to_string(1000 + i) + "," + street + "," + city + ",TX," + zip + "\n");
      }
    }
    write_file(dir_.file("first.csv"), csv);
    write_file(dir_.file("second.csv"), "First Name,Last Name,Email,Phone,Address,City,State,Zip\n" +
                                            [&] { std::string s; for (auto& line : again) s += line; return s; }());
    // Imported without online matching (identity.online_matching = false), as a database filled
    // before it, so that the batch dedup below has every pair to find.
    write_file(dir_.file("offline.toml"), "[identity]\nonline_matching = false\n");
    std::string output;
    for (auto [source, file] : {std::pair{"open_house", "first.csv"}, {"zillow_export", "second.csv"}})
      ASSERT_EQ(run_jorge({"import", "--source", source, "--data", dir_.file(file), "--database", database_, "--config",
                           dir_.file("offline.toml")},
                          &output),
                0)
          << output;
  }
  void start() {
    ServerConfig config;
    config.directory = dir_.path();
    config.database = database_;
    config.extra_toml = {"workers = 0"};
    token_ = config.api_token;
    server_ = std::make_unique<ServerProcess>(write_server_config(config));
    ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  }
  crm::HttpReply call(const std::string& method, const std::string& path, const std::string& body = "") {
    auto reply = client_.request(method, server_->url() + path, {{"Authorization", "Bearer " + token_}}, body);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }
  std::vector<json> leads() {
    std::vector<json> all;
    std::string cursor;
    while (true) {
      json page = json::parse(call("GET", "/api/v1/leads?limit=500" + (cursor.empty() ? "" : "&after=" + cursor)).body);
      for (const json& lead : page["leads"]) all.push_back(lead);
      if (page["next_cursor"].is_null()) return all;
      cursor = page["next_cursor"].get<std::string>();
    }
  }
  size_t lead_count() {
    size_t count = 0;
    std::string cursor;
    while (true) {
      json page = json::parse(call("GET", "/api/v1/leads?limit=500" + (cursor.empty() ? "" : "&after=" + cursor)).body);
      count += page["leads"].size();
      if (page["next_cursor"].is_null()) return count;
      cursor = page["next_cursor"].get<std::string>();
    }
  }

  TempDir dir_;
  std::string database_, token_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
};

TEST_P(IdentityEndToEnd, DedupMergesTheSamePeopleAndUndoRestoresEveryContactExactly) {
  start();
  ASSERT_EQ(lead_count(), 340u);
  std::map<int64_t, json> before;  // every contact as imported
  for (const json& lead : leads()) {
    int64_t id = lead["id"].get<int64_t>();
    before[id] = json::parse(call("GET", "/api/v1/leads/" + std::to_string(id)).body);
  }
  server_->terminate_and_wait();

  std::string output;
  ASSERT_EQ(run_jorge({"dedup", "--apply", "--database", database_}, &output), 0) << output;
  EXPECT_NE(output.find("merged "), std::string::npos) << output;
  start();
  size_t after = lead_count();
  EXPECT_LE(after, 303u) << output;  // at most 3 of the 40 left apart
  EXPECT_GE(after, 300u);            // and no two different people merged
  int64_t kept = 0;  // a person imported twice (ids follow commit order, not the file's)
  for (const json& lead : leads())
    if (lead["sources"].size() == 2) kept = lead["id"].get<int64_t>();
  ASSERT_NE(kept, 0);
  const std::string kept_path = std::to_string(kept);
  json merged = json::parse(call("GET", "/api/v1/leads/" + kept_path).body);
  json merges = json::parse(call("GET", "/api/v1/contacts/" + kept_path + "/merges").body)["merges"];
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0]["decided_by"], "dedup");
  EXPECT_EQ(merges[0]["evidence"]["last_name"]["agreement"], "agree");
  EXPECT_EQ(merges[0]["evidence"]["email"]["agreement"], "disagree");
  EXPECT_EQ(merged["sources"], json::array({"open_house", "zillow_export"}));
  EXPECT_EQ(merged["source_records"].size(), 2u);
  // Each shown value names the record it came from: the kept contact's own e-mail and phone,
  // not the second import's work address.
  EXPECT_EQ(merged["provenance"]["email"]["source"], "open_house") << merged.dump();
  EXPECT_EQ(merged["provenance"]["phone"]["source"], "open_house");
  EXPECT_EQ(merged["provenance"]["last_name"]["source"], "zillow_export");  // both gave it; the newer one counts

  // Undo through the API restores both contacts as they were.
  crm::HttpReply undone = call("POST", "/api/v1/contacts/" + kept_path + "/unmerge");
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(json::parse(call("GET", "/api/v1/leads/" + kept_path).body), before[kept]);
  int64_t other = merges[0]["merged"].get<int64_t>();
  EXPECT_EQ(json::parse(call("GET", "/api/v1/leads/" + std::to_string(other)).body), before[other]);
  EXPECT_EQ(call("POST", "/api/v1/contacts/" + kept_path + "/unmerge").status, 404);  // nothing left to undo
  EXPECT_EQ(lead_count(), after + 1);
  server_->terminate_and_wait();

  // The rest undone by the CLI: back to every imported contact.
  ASSERT_EQ(run_jorge({"dedup", "--undo", "--database", database_}, &output), 0) << output;
  start();
  for (const json& lead : leads()) {  // every contact exactly as imported
    int64_t id = lead["id"].get<int64_t>();
    EXPECT_EQ(json::parse(call("GET", "/api/v1/leads/" + std::to_string(id)).body), before[id]) << id;
  }
  EXPECT_EQ(lead_count(), 340u);
}

// #17: `jorge import` matches each row online as the server does (it once skipped the fuzzy
// matcher): the 40 people of the second sheet join or are queued against the first.
TEST_P(IdentityEndToEnd, ImportMatchesEachRowOnlineAsTheServerDoes) {
  TempDir elsewhere;
  const std::string online = fresh_database(GetParam(), elsewhere);
  std::string output;
  for (auto [source, file] : {std::pair{"open_house", "first.csv"}, {"zillow_export", "second.csv"}})
    ASSERT_EQ(run_jorge({"import", "--source", source, "--data", dir_.file(file), "--database", online}, &output), 0)
        << output;
  database_ = online;
  start();
  const size_t contacts = lead_count();
  const size_t queued = json::parse(call("GET", "/api/v1/identity/review?limit=500").body)["reviews"].size();
  EXPECT_LT(contacts, 340u) << "no imported row was matched online";
  EXPECT_EQ(340u - contacts + queued, 40u) << contacts << " contacts, " << queued << " pairs for review";
  server_->terminate_and_wait();
}

TEST_P(IdentityEndToEnd, UncertainPairsAreReviewedAndDecisionsMerge) {
  // A high merge threshold sends every match to review.
  std::string output;
  write_file(dir_.file("strict.toml"), "database = \"" + database_ + "\"\napi_token = \"test-api-token-0123456789\"\n"
                                       "[ghl]\nverify_signatures = false\n[identity]\nmerge_threshold = 1\n");
  ASSERT_EQ(run_jorge({"dedup", "--apply", "--config", dir_.file("strict.toml")}, &output), 0) << output;
  EXPECT_NE(output.find("merged 0"), std::string::npos) << output;
  start();
  json review = json::parse(call("GET", "/api/v1/identity/review").body);
  ASSERT_GE(review["reviews"].size(), 30u) << review.dump();
  json first = review["reviews"][0];
  EXPECT_TRUE(first["evidence"]["first_name"]["a"].is_string());
  EXPECT_EQ(call("POST", "/api/v1/identity/review/" + std::to_string(first["id"].get<int64_t>()), R"({"decision":"maybe"})").status, 400);
  crm::HttpReply same = call("POST", "/api/v1/identity/review/" + std::to_string(first["id"].get<int64_t>()), R"({"decision":"same"})");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(lead_count(), 339u);
  EXPECT_EQ(call("POST", "/api/v1/identity/review/" + std::to_string(first["id"].get<int64_t>()), R"({"decision":"same"})").status, 404);
  json second = review["reviews"][1];
  EXPECT_EQ(call("POST", "/api/v1/identity/review/" + std::to_string(second["id"].get<int64_t>()), R"({"decision":"different"})").status, 200);
  EXPECT_EQ(lead_count(), 339u);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/identity/review").body)["reviews"].size(), review["reviews"].size() - 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });


// Online: a lead no exact key finds is judged, in the ingest transaction, against the
// contacts with its last name and ZIP.
class OnlineIdentity : public ::testing::TestWithParam<Backend> {
 protected:
  // Starts the server with `extra_toml`; false (and the test skipped) without PostgreSQL.
  bool start(std::vector<std::string> extra_toml) {
    config_.directory = dir_.path();
    config_.database = fresh_database(GetParam(), dir_);
    if (config_.database.empty()) return false;
    config_.extra_toml = std::move(extra_toml);
    server_ = std::make_unique<ServerProcess>(write_server_config(config_));
    EXPECT_TRUE(server_->started()) << read_file(server_->log_path());
    return server_->started();
  }

  crm::HttpReply call(const std::string& method, const std::string& path, const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + config_.api_token);
    headers.emplace_back("Content-Type", "application/json");
    auto reply = client_.request(method, server_->url() + path, headers, body);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }

  TempDir dir_;
  ServerConfig config_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
};

TEST_P(OnlineIdentity, NewLeadsJoinTheSamePersonQueueTheUncertainAndKeepHouseholdsApart) {
  if (!start({"workers = 0"})) GTEST_SKIP() << kNoPostgres;
  auto lead = [&](const std::string& first, const std::string& phone, const std::string& email) {
    std::string body = R"({"first_name":")" + first + R"(","last_name":"Delgado","phone":")" + phone + R"(",)" +
                       (email.empty() ? "" : R"("email":")" + email + R"(",)") +
                       R"("address":"4407 Avenue C","city":"Austin","state":"TX","postal_code":"78751"})";
    crm::HttpReply reply = call("POST", "/api/v1/leads", body);
    EXPECT_LT(reply.status, 300) << reply.body;
  };
  lead("Maria", "(512) 555-0123", "maria@example.com");
  lead("Maria", "(737) 555-0199", "");  // a second number: the same person
  lead("Marla", "(737) 555-0142", "");  // a typo or another person: a reviewer decides
  lead("Jose", "(512) 555-0188", "jose@example.com");  // same home, another person
  json leads;
  for (int i = 0; i < 100; ++i) {
    leads = json::parse(call("GET", "/api/v1/leads").body)["leads"];
    if (leads.size() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(leads.size(), 3u) << leads.dump();
  json maria = json::parse(call("GET", "/api/v1/leads/" + std::to_string(leads[0]["id"].get<int64_t>())).body);
  EXPECT_EQ(maria["first_name"], "Maria");
  EXPECT_EQ(maria["source_records"].size(), 2u);
  EXPECT_EQ(maria["phone"], "+15125550123");  // a join keeps the contact's values, fills only empty ones
  EXPECT_EQ(maria["provenance"]["email"]["source"], "manual");
  // The join is a merge like any other: audited, and undone exactly.
  const std::string maria_id = std::to_string(maria["id"].get<int64_t>());
  json merges = json::parse(call("GET", "/api/v1/contacts/" + maria_id + "/merges").body)["merges"];
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0]["decided_by"], "online");
  EXPECT_GE(merges[0]["probability"].get<double>(), 0.95);
  ASSERT_EQ(call("POST", "/api/v1/contacts/" + maria_id + "/unmerge").status, 200);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/leads").body)["leads"].size(), 4u);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/leads/" + maria_id).body)["source_records"].size(), 1u);
  json reviews = json::parse(call("GET", "/api/v1/identity/review").body)["reviews"];
  ASSERT_EQ(reviews.size(), 1u) << reviews.dump();
  EXPECT_EQ(reviews[0]["evidence"]["first_name"]["agreement"], "close");
  EXPECT_EQ(reviews[0]["evidence"]["address_line1"]["agreement"], "agree");
}

// A lead without a ZIP is judged against namesakes anywhere, from a far lower prior.
TEST_P(OnlineIdentity, ALeadWithoutZipIsComparedWithItsNamesakes) {
  if (!start({"workers = 0"})) GTEST_SKIP() << kNoPostgres;
  EXPECT_LT(call("POST", "/api/v1/leads",
                 R"({"first_name":"Maria","last_name":"Delgado","phone":"(512) 555-0123",)"
                 R"("email":"maria.delgado@example.com","postal_code":"78751"})").status, 300);
  // The same name, a mistyped e-mail, another phone, no ZIP: a reviewer decides.
  EXPECT_LT(call("POST", "/api/v1/leads",
                 R"({"first_name":"Maria","last_name":"Delgado","phone":"(737) 555-0199",)"
                 R"("email":"maria.delgado@exampel.com"})").status, 300);
  // Only the name in common: another person.
  EXPECT_LT(call("POST", "/api/v1/leads",
                 R"({"first_name":"Maria","last_name":"Delgado","phone":"(512) 555-0177"})").status, 300);
  json reviews;
  for (int i = 0; i < 100; ++i) {
    if (json::parse(call("GET", "/api/v1/leads").body)["leads"].size() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(json::parse(call("GET", "/api/v1/leads").body)["leads"].size(), 3u);
  reviews = json::parse(call("GET", "/api/v1/identity/review").body)["reviews"];
  ASSERT_EQ(reviews.size(), 1u) << reviews.dump();
  EXPECT_EQ(reviews[0]["evidence"]["email"]["agreement"], "close");
  EXPECT_EQ(reviews[0]["evidence"]["first_name"]["agreement"], "agree");
}

// Reviewers' decisions tune the merge threshold, and the online matcher follows it at once.
TEST_P(OnlineIdentity, PairsReviewersKeepCallingTheSameAreJoinedOnlineFromThenOn) {
  if (!start({"workers = 0"})) GTEST_SKIP() << kNoPostgres;
  int phone = 0;
  auto lead = [&](const std::string& first, const std::string& last) {
    // Phones far apart: one digit off would count as the same number mistyped.
    std::string body = R"({"first_name":")" + first + R"(","last_name":")" + last + R"(","phone":"(512) 555-)" +
                       std::to_string(1000 + 37 * phone++) + R"(","address":"4407 Avenue C","city":"Austin","state":"TX","postal_code":"78751"})";
    EXPECT_LT(call("POST", "/api/v1/leads", body).status, 300);
  };
  for (const char* last : {"Delgado", "Garcia", "Lopez", "Rivera", "Torres"}) {
    lead("Maria", last);
    lead("Marla", last);  // the same home, one letter apart: a reviewer decides
  }
  json open = json::parse(call("GET", "/api/v1/identity/review").body);
  ASSERT_EQ(open["reviews"].size(), 5u) << open.dump();
  EXPECT_EQ(open["merge_threshold"], 0.95);
  const double probability = open["reviews"][0]["probability"].get<double>();
  for (const auto& review : open["reviews"])
    EXPECT_EQ(call("POST", "/api/v1/identity/review/" + std::to_string(review["id"].get<int64_t>()),
                   R"({"decision":"same"})").status, 200);
  EXPECT_LE(json::parse(call("GET", "/api/v1/identity/review").body)["merge_threshold"].get<double>(), probability);
  lead("Maria", "Perez");
  lead("Marla", "Perez");  // now joined at once
  EXPECT_EQ(json::parse(call("GET", "/api/v1/identity/review").body)["reviews"].size(), 0u);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/leads").body)["leads"].size(), 6u);
}


// identity.source_trust: a less trusted source does not replace what a more trusted one gave.
TEST_P(OnlineIdentity, AMoreTrustedSourcesValuesAreKept) {
  if (!start({"workers = 0", "[identity]", "source_trust = \"manual, zillow\"", "[sources.zillow]",
              "secret = \"trust-test-secret\""}))
    GTEST_SKIP() << kNoPostgres;
  crm::HttpReply reply = call("POST", "/api/v1/leads",
                              R"({"first_name":"Maria","last_name":"Delgado","phone":"(512) 555-0123","email":"maria.d@example.net"})");
  ASSERT_LT(reply.status, 300) << reply.body;
  std::string body = fixture("zillow/lead.json");  // the same phone, another e-mail
  reply = call("POST", "/webhooks/zillow", body, {{"X-Jorge-Signature", "sha256=" + hmac_sha256_hex("trust-test-secret", body)}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  json leads = json::parse(call("GET", "/api/v1/leads").body)["leads"];
  ASSERT_EQ(leads.size(), 1u);
  json maria = json::parse(call("GET", "/api/v1/leads/" + std::to_string(leads[0]["id"].get<int64_t>())).body);
  EXPECT_EQ(maria["email"], "maria.d@example.net");  // manual outranks zillow
  EXPECT_EQ(maria["provenance"]["email"]["source"], "manual");
  EXPECT_EQ(maria["sources"], json::array({"manual", "zillow"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, OnlineIdentity, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
