// Zillow, Realtor.com and Facebook Lead Ads through the real binary, on both backends, with a
// local Graph API speaking Meta's contract: every fixture in, field by field, once.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "core/bytes.hpp"
#include "support/fake_ghl.hpp"
#include "support/fake_graph.hpp"
#include "support/server_process.hpp"
#include "support/test_env.hpp"

namespace jorge::testing {
namespace {

using nlohmann::json;

constexpr const char* kZillowSecret = "zillow-shared-secret-for-tests";

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

class SourcesEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.directory = dir_.path();
    config.database = fresh_database(GetParam(), dir_);
    if (config.database.empty()) GTEST_SKIP() << kNoPostgres;
    token_ = config.api_token;
    write_file(dir_.path() + "/realtor.password", "relay-pass\n");
    config.extra_toml = {
        "[queue]", "retry_base_ms = 20", "retry_max_seconds = 1",
        "[sources.zillow]", std::string("secret = \"") + kZillowSecret + "\"", "cost_per_lead = 35",
        "[sources.realtor]", "username = \"relay\"", "password_file = \"" + dir_.path() + "/realtor.password\"",
        "cost_per_lead = 20.5",
        "[sources.facebook]", "app_secret = \"test-app-secret-not-real\"",
        "verify_token = \"jorge-test-verify-token\"", "page_access_token = \"test-page-token\"",
        "graph_base_url = \"" + graph_.url() + "\"", "monthly_spend = 900", "campaign = \"Buyer Leads Q4\"",
        "[sources.facebook.map]", "\"are_you_pre-approved?\" = \"pre_approved\""};
    config_path_ = write_server_config(config);
    server_ = std::make_unique<ServerProcess>(config_path_);
    ASSERT_TRUE(server_->started()) << read_file(server_->log_path());
  }

  crm::HttpReply request(const std::string& method, const std::string& path, const std::string& body,
                         std::vector<std::pair<std::string, std::string>> headers) {
    auto reply = client_.request(method, server_->url() + path, headers, body);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : crm::HttpReply{};
  }
  json api(const std::string& path) {
    crm::HttpReply reply = request("GET", path, "", {{"Authorization", "Bearer " + token_}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json::parse(reply.body, nullptr, false);
  }
  crm::HttpReply zillow(const std::string& body, const std::string& secret = kZillowSecret) {
    return request("POST", "/webhooks/zillow", body,
                   {{"Content-Type", "application/json"}, {"X-Jorge-Signature", "sha256=" + hmac_sha256_hex(secret, body)}});
  }
  crm::HttpReply realtor(const std::string& body, const std::string& password = "relay-pass") {
    return request("POST", "/webhooks/realtor", body,
                   {{"Content-Type", "application/json"}, {"Authorization", "Basic " + base64_encode("relay:" + password)}});
  }
  crm::HttpReply facebook(const std::string& name) {
    std::string body = fixture("facebook/" + name + ".json");
    return request("POST", "/webhooks/facebook", body,
                   {{"Content-Type", "application/json"},
                    {"X-Hub-Signature-256", trimmed(fixture("facebook/" + name + ".sig.txt"))}});
  }
  // The lead whose e-mail is `email`, as GET /api/v1/leads/{id} shows it; null when absent.
  json lead_by_email(const std::string& email) {
    json page = api("/api/v1/leads?limit=500");  // kept: a loop over a temporary's member dangles
    for (const json& lead : page["leads"])
      if (lead["email"] == email) return api("/api/v1/leads/" + std::to_string(lead["id"].get<int64_t>()));
    return nullptr;
  }
  json wait_for_lead(const std::string& email) {
    for (int i = 0; i < 200; ++i) {
      json lead = lead_by_email(email);
      if (!lead.is_null()) return lead;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return nullptr;
  }
  static void expect_json_error(const crm::HttpReply& reply, long status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    json body = json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << reply.body;
    EXPECT_TRUE(body["error"]["message"].is_string()) << reply.body;
  }

  TempDir dir_;
  FakeGraph graph_;
  std::string token_, config_path_;
  std::unique_ptr<ServerProcess> server_;
  crm::HttpClient client_;
};

TEST_P(SourcesEndToEnd, ZillowLeadsArriveOnceFieldByField) {
  crm::HttpReply first = zillow(fixture("zillow/lead.json"));
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json::parse(first.body)["status"], "accepted");
  EXPECT_EQ(json::parse(first.body)["lead_id"], "zc-8f3a2b71-5d4e-4c1a-9b0e-7a6d5c4b3a21");
  crm::HttpReply again = zillow(fixture("zillow/lead_duplicate.json"));
  EXPECT_EQ(json::parse(again.body)["status"], "duplicate") << again.body;
  EXPECT_EQ(zillow(fixture("zillow/lead_no_phone.json")).status, 200);
  EXPECT_EQ(zillow(fixture("zillow/lead_international_phone.json")).status, 200);

  json maria = lead_by_email("maria.delgado@example.com");
  ASSERT_TRUE(maria.is_object());
  EXPECT_EQ(maria["name"], "Maria Delgado");
  EXPECT_EQ(maria["phone"], "+15125550123");
  EXPECT_EQ(maria["sources"], json::array({"zillow"}));
  EXPECT_EQ(maria["lead_source"], "zillow");
  EXPECT_EQ(maria["custom_fields"]["budget"]["value"], 525000);
  EXPECT_EQ(maria["custom_fields"]["pre_approved"]["value"], true);
  EXPECT_EQ(maria["custom_fields"]["property_zip"]["value"], "78751");
  EXPECT_EQ(maria["source_records"][0]["origin"]["lead_type"], "tour_request");
  EXPECT_EQ(maria["provenance"]["email"]["source"], "zillow");
  EXPECT_EQ(maria["provenance"]["phone"]["external_id"], "zc-8f3a2b71-5d4e-4c1a-9b0e-7a6d5c4b3a21");
  EXPECT_EQ(maria["interactions"][0]["body"], "I would like to schedule a tour of 4407 Avenue C this weekend.");
  EXPECT_TRUE(lead_by_email("sam.k@example.net")["phone"].is_null());
  EXPECT_EQ(lead_by_email("oliver.grant@example.org")["phone"], "+442079460958");

  json sources = api("/api/v1/sources");
  json zillow_row;
  for (const json& row : sources["sources"])
    if (row["name"] == "zillow") zillow_row = row;
  EXPECT_EQ(zillow_row["leads"], 3);
  EXPECT_EQ(zillow_row["contacts"], 3);
  EXPECT_EQ(zillow_row["spend"], 105);  // 3 × $35
}

TEST_P(SourcesEndToEnd, ForgedTruncatedAndInvalidDeliveriesGetJsonErrorsAndTheServerGoesOn) {
  std::string body = fixture("zillow/lead.json");
  expect_json_error(zillow(body, "not-the-secret"), 401);
  expect_json_error(request("POST", "/webhooks/zillow", body, {{"Content-Type", "application/json"}}), 401);
  expect_json_error(zillow(body.substr(0, body.size() / 2)), 400);
  expect_json_error(zillow("{\"source\":\"zillow\",\"lead_id\":\"x\xff\"}"), 400);
  std::string latin1 = body;
  latin1.replace(latin1.find("Maria"), 5, "Mar\xEDa");  // ISO-8859-1 bytes where UTF-8 was promised
  expect_json_error(zillow(latin1), 400);
  expect_json_error(realtor(fixture("realtor/lead.json"), "wrong"), 401);
  expect_json_error(realtor(fixture("realtor/lead_no_contact_invalid.json")), 400);
  std::string forged = fixture("facebook/leadgen_webhook.json");
  expect_json_error(request("POST", "/webhooks/facebook", forged,
                            {{"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex("guess", forged)}}),
                    401);
  EXPECT_TRUE(api("/api/v1/leads")["leads"].empty());
  std::string log = read_file(server_->log_path());
  EXPECT_EQ(log.find("maria.delgado@example.com"), std::string::npos);  // no personal data in the log
  EXPECT_EQ(log.find("Delgado"), std::string::npos);
  EXPECT_EQ(realtor(fixture("realtor/lead.json")).status, 200);  // still serving
}

// #14: a body nested tens of thousands of levels deep once overflowed the stack (and, stored,
// crashed every later read of its lead). Every input path refuses it with a JSON 400, stores
// nothing, and the server goes on.
TEST_P(SourcesEndToEnd, DeeplyNestedBodiesOnEveryInputPathAreRefusedAndTheServerGoesOn) {
  auto deep = [](size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  // `body` (a JSON object) with one more field holding `value`, inserted before its last brace.
  auto with_field = [](std::string body, const std::string& key, const std::string& value) {
    return body.insert(body.rfind('}'), ",\"" + key + "\":" + value);
  };
  const std::string ghl = R"({"type":"ContactCreate","locationId":"loc1","id":"deep-ghl-1","firstName":"Deep",)"
                          R"("phone":"+15125550187","customFields":[{"id":"f1","value":)" + deep(60000) + "}]}";
  expect_json_error(*post_signed(client_, server_->url(), ghl), 400);
  expect_json_error(zillow(with_field(fixture("zillow/lead.json"), "raw", "{\"a\":" + deep(60000) + "}")), 400);
  expect_json_error(realtor(with_field(fixture("realtor/lead.json"), "raw", deep(60000))), 400);
  const std::string facebook = with_field(fixture("facebook/leadgen_webhook.json"), "extra", deep(60000));
  expect_json_error(request("POST", "/webhooks/facebook", facebook,
                            {{"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex("test-app-secret-not-real", facebook)}}),
                    400);
  const std::vector<std::pair<std::string, std::string>> authorised = {{"Authorization", "Bearer " + token_},
                                                                      {"Content-Type", "application/json"}};
  const std::string manual = R"({"first_name":"Deep","phone":"+15125550188","custom_fields":{"notes":)" +
                             deep(100000) + "}}";
  expect_json_error(request("POST", "/api/v1/leads", manual, authorised), 400);
  expect_json_error(request("POST", "/api/v1/score_lead", R"({"lead_id":"deep","preferred_areas":)" + deep(5000) + "}",
                            authorised),
                    400);
  expect_json_error(request("POST", "/api/v1/identity/review/1", "{\"decision\":" + deep(100000) + "}", authorised), 400);
  EXPECT_EQ(request("GET", "/healthz", "", {}).status, 200);
  EXPECT_TRUE(api("/api/v1/leads")["leads"].empty());
  // Nesting a source really sends (a few levels) is still taken.
  EXPECT_EQ(zillow(with_field(fixture("zillow/lead.json"), "raw", "{\"a\":" + deep(10) + "}")).status, 200);
}

TEST_P(SourcesEndToEnd, RealtorLeadsInBothShapes) {
  EXPECT_EQ(realtor(fixture("realtor/lead.json")).status, 200);
  EXPECT_EQ(realtor(fixture("realtor/lead_nested_vendor_shape.json")).status, 200);
  EXPECT_EQ(realtor(fixture("realtor/lead_international_phone.json")).status, 200);
  json jamal = lead_by_email("jamal.brooks@example.com");
  EXPECT_EQ(jamal["phone"], "+15125550156");
  EXPECT_EQ(jamal["custom_fields"]["mls_id"]["value"], "1234567");
  json elena = lead_by_email("elena.vasquez@example.net");
  EXPECT_EQ(elena["phone"], "+15125550178");
  EXPECT_EQ(elena["custom_fields"]["property_address"]["value"], "1807 Bluebonnet Ln");
  EXPECT_EQ(lead_by_email("ana.ferreira@example.org")["phone"], "+5511955550123");
}

TEST_P(SourcesEndToEnd, FacebookLeadsAreFetchedFromGraphOnceThroughOutagesAndDeadLetters) {
  // The subscription handshake.
  crm::HttpReply verified = request(
      "GET", "/webhooks/facebook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=jorge-test-verify-token", "",
      {});
  EXPECT_EQ(verified.status, 200);
  EXPECT_EQ(verified.body, "1158201444");
  expect_json_error(request("GET", "/webhooks/facebook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong", "", {}),
                    403);

  graph_.add_lead("1987654321098765", fixture("facebook/graph_lead.json"));
  graph_.add_lead("1987654321098801", fixture("facebook/graph_lead_no_phone_intl.json"));
  graph_.fail_next(2, 400, fixture("facebook/graph_error_throttled.json"));  // Graph throttles at first
  EXPECT_EQ(facebook("leadgen_webhook").status, 200);
  EXPECT_EQ(facebook("leadgen_webhook_batched").status, 200);  // one new lead, one seen already
  EXPECT_EQ(json::parse(facebook("leadgen_webhook").body)["status"], "duplicate");

  json tasha = wait_for_lead("tasha.nguyen@example.org");
  ASSERT_TRUE(tasha.is_object()) << read_file(server_->log_path());
  EXPECT_EQ(tasha["name"], "Tasha Nguyen");
  EXPECT_EQ(tasha["phone"], "+15125550147");
  EXPECT_EQ(tasha["address"]["postal_code"], "78745");
  EXPECT_EQ(tasha["sources"], json::array({"facebook"}));
  EXPECT_EQ(tasha["custom_fields"]["pre_approved"]["value"], "yes");  // renamed by sources.facebook.map
  EXPECT_EQ(tasha["custom_fields"]["budget_min"]["value"], 400000);
  const json& origin = tasha["source_records"][0]["origin"];
  EXPECT_EQ(origin["campaign_id"], "120211000000000103");
  EXPECT_EQ(origin["campaign_name"], "Buyer Leads Q4");
  EXPECT_EQ(origin["ad_id"], "120211000000000101");
  EXPECT_EQ(origin["form_id"], "912345678901234");
  json lukas = wait_for_lead("lukas.schaefer@example.net");
  ASSERT_TRUE(lukas.is_object());
  EXPECT_TRUE(lukas["phone"].is_null());
  EXPECT_EQ(lukas["address"]["city"], "M\xC3\xBCnchen");

  // A lead Graph does not know (code 100) is a dead letter, retried by hand once it exists.
  EXPECT_EQ(facebook("leadgen_webhook_organic_numeric_ids").status, 200);
  json dead;
  for (int i = 0; i < 200 && dead.is_null(); ++i) {
    json queue = api("/api/v1/queue/dead");
    for (const json& job : queue["jobs"])
      if (job["kind"] == "fetch_facebook_lead") dead = job;
    if (dead.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(dead.is_object());
  EXPECT_NE(dead["last_error"].get<std::string>().find("code 100"), std::string::npos);
  graph_.add_lead("1987654321099999", fixture("facebook/graph_lead_intl_phone.json"));
  crm::HttpReply retried = request("POST", "/api/v1/queue/dead/" + std::to_string(dead["id"].get<int64_t>()) + "/retry",
                                   "", {{"Authorization", "Bearer " + token_}});
  EXPECT_EQ(retried.status, 200) << retried.body;
  json priya = wait_for_lead("priya.raman@example.com");
  ASSERT_TRUE(priya.is_object());
  EXPECT_EQ(priya["phone"], "+919876543210");

  std::vector<std::string> paths = graph_.requested_paths();
  EXPECT_NE(paths.front().find("/v21.0/"), std::string::npos);
  EXPECT_NE(paths.front().find("fields=id,created_time,ad_id"), std::string::npos);
  json sources = api("/api/v1/sources");
  for (const json& row : sources["sources"])
    if (row["name"] == "facebook") {
      EXPECT_EQ(row["leads"], 3);
      EXPECT_EQ(row["campaign"], "Buyer Leads Q4");
      EXPECT_GT(row["spend"].get<double>(), 0);  // $900 a month, prorated from the first lead
    }
}

// A Zillow lead is new to GoHighLevel: Jorge upserts it there (through the outbox) before the
// first text, texts the id GoHighLevel gave, and keeps that id for the contact.
// After an outage longer than Meta's 36 hours of retries, `jorge backfill` reads the form's
// leads page by page and stores only those not stored yet.
TEST_P(SourcesEndToEnd, FacebookBackfillStoresAFormsMissingLeadsOnce) {
  graph_.add_lead("1987654321098765", fixture("facebook/graph_lead.json"));
  graph_.add_lead("1987654321098801", fixture("facebook/graph_lead_no_phone_intl.json"));
  graph_.add_lead("1987654321099999", fixture("facebook/graph_lead_intl_phone.json"));
  EXPECT_EQ(facebook("leadgen_webhook").status, 200);  // this one was notified and fetched
  ASSERT_TRUE(wait_for_lead("tasha.nguyen@example.org").is_object()) << read_file(server_->log_path());
  const std::vector<std::string> backfill = {"backfill", "--config", config_path_, "--form", "912345678901234"};
  std::string output;
  ASSERT_EQ(run_jorge(backfill, &output), 0) << output;
  EXPECT_NE(output.find("3 leads read, 2 stored, 1 already there, 0 unreadable"), std::string::npos) << output;
  EXPECT_NE(output.find("page 2"), std::string::npos) << "two to a page: the second page was followed: " << output;
  ASSERT_EQ(run_jorge(backfill, &output), 0) << output;
  EXPECT_NE(output.find("3 leads read, 0 stored, 3 already there"), std::string::npos) << output;
  EXPECT_EQ(api("/api/v1/leads?limit=500")["leads"].size(), 3u);
  json priya = lead_by_email("priya.raman@example.com");
  ASSERT_TRUE(priya.is_object());
  EXPECT_EQ(priya["sources"], json::array({"facebook"}));
  // --since skips what was created before it; bad input is refused naming the option.
  std::vector<std::string> later = backfill;
  later.insert(later.end(), {"--since", "2026-12-01T00:00:00Z"});
  ASSERT_EQ(run_jorge(later, &output), 0) << output;
  EXPECT_NE(output.find("0 stored, 0 already there"), std::string::npos) << output;
  later.back() = "yesterday";
  EXPECT_EQ(run_jorge(later, &output), 2);
  EXPECT_NE(output.find("--since"), std::string::npos) << output;
  EXPECT_EQ(run_jorge({"backfill", "--config", config_path_, "--form", "912345678901234", "--source", "zillow"}, &output),
            2);
  EXPECT_NE(output.find("kind \"facebook\""), std::string::npos) << output;
  EXPECT_EQ(run_jorge({"backfill", "--config", config_path_, "--form", "12;DROP"}, &output), 2);
  EXPECT_NE(output.find("form id"), std::string::npos) << output;
}

TEST_P(SourcesEndToEnd, LeadsFromOtherSourcesAreUpsertedIntoGoHighLevelBeforeTheFirstText) {
  FakeGhl ghl;
  ServerConfig config;
  TempDir dir;
  config.directory = dir.path();
  config.database = fresh_database(GetParam(), dir);
  config.extra_toml = {"[queue]", "hot_delay = 0", "warm_delay = 0", "cold_delay = 0", "[sources.zillow]",
                       std::string("secret = \"") + kZillowSecret + "\""};
  ServerProcess texting(write_server_config(config), {{"JORGE_GHL_API_TOKEN", "test-location-token"},
                                                      {"JORGE_GHL_API_BASE_URL", ghl.url()},
                                                      {"JORGE_GHL_LOCATION_ID", "loc1"},
                                                      {"JORGE_COMPLIANCE_QUIET_HOURS", "off"}});
  ASSERT_TRUE(texting.started()) << read_file(texting.log_path());
  std::string body = fixture("zillow/lead.json");
  auto posted = client_.request("POST", texting.url() + "/webhooks/zillow", {{"X-Jorge-Signature", "sha256=" + hmac_sha256_hex(kZillowSecret, body)}}, body);
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(posted->status, 200) << posted->body;
  for (int i = 0; i < 200 && ghl.sent_sms_contacts().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(ghl.upserts().size(), 1u) << read_file(texting.log_path());
  json upsert = json::parse(ghl.upserts()[0]);
  EXPECT_EQ(upsert["locationId"], "loc1");
  EXPECT_EQ(upsert["phone"], "+15125550123");
  EXPECT_EQ(upsert["email"], "maria.delgado@example.com");
  EXPECT_EQ(upsert["firstName"], "Maria");
  EXPECT_EQ(upsert["source"], "zillow");
  ASSERT_EQ(ghl.sent_sms_contacts().size(), 1u);
  EXPECT_EQ(ghl.sent_sms_contacts()[0], "fakeContact1");  // the id GoHighLevel answered with
  auto leads = client_.request("GET", texting.url() + "/api/v1/leads", {{"Authorization", "Bearer " + config.api_token}});
  json lead = json::parse(leads->body)["leads"][0];
  EXPECT_EQ(lead["sources"], json::array({"ghl", "zillow"}));
  // The same lead delivered again is a duplicate, as its answer says: it made no job, so
  // nothing more goes to GoHighLevel.
  auto again = client_.request("POST", texting.url() + "/webhooks/zillow",
                               {{"X-Jorge-Signature", "sha256=" + hmac_sha256_hex(kZillowSecret, body)}}, body);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->body.find("\"duplicate\""), std::string::npos) << again->body;
  auto status = json::parse(client_.request("GET", texting.url() + "/api/v1/queue/status",
                                            {{"Authorization", "Bearer " + config.api_token}})->body);
  EXPECT_EQ(status["depth"], 0) << status.dump();
  EXPECT_EQ(ghl.upserts().size(), 1u);
  EXPECT_EQ(ghl.sent_sms_contacts().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SourcesEndToEnd, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace jorge::testing
