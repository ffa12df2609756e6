// The seed's 30 lead features, computed here, against the values the seed's own Python code
// computes for the same payloads (tests/scoring/data/peer_reference.json, made once with
// ../shared/peer/features.py), and the peer's model scored through our trees.
#include "scoring/lead_features.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "scoring/forest.hpp"
#include "scoring/lead_request.hpp"

namespace jorge::scoring {
namespace {

nlohmann::json reference() {
  std::ifstream in(std::string(JORGE_TEST_DATA) + "/peer_reference.json");
  return nlohmann::json::parse(in);
}

TEST(LeadFeatures, EqualTheSeedsFeaturesForTheSamePayloads) {
  for (const auto& item : reference()) {
    auto lead = parse_score_request(item["payload"].dump());
    ASSERT_TRUE(lead.ok()) << lead.error().message;
    std::vector<float> features(kLeadFeatureCount);
    extract_lead_features(*lead, SystemTime{}, features);
    for (size_t i = 0; i < kLeadFeatureCount; ++i)
      EXPECT_NEAR(features[i], item["features"][i].get<double>(), 1e-4)
          << item["payload"]["lead_id"] << " feature " << lead_feature_names()[i];
    LeadSignals signals = lead_signals(features);
    EXPECT_NEAR(signals.budget_quality, item["signals"]["budget_quality"].get<double>(), 1e-9);
    EXPECT_NEAR(signals.timeline_urgency, item["signals"]["timeline_urgency"].get<double>(), 1e-9);
    EXPECT_NEAR(signals.financing_readiness, item["signals"]["financing_readiness"].get<double>(), 1e-9);
    EXPECT_NEAR(signals.message_intent, item["signals"]["message_intent"].get<double>(), 1e-9);
  }
}

TEST(LeadFeatures, ThePeersModelGivesThePeersProbabilityAndShapValues) {
  const std::string path = std::string(JORGE_SHARED_DIR) + "/peer/model.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not present";
  auto forest = Forest::from_xgboost_file(path);
  ASSERT_TRUE(forest.ok());
  for (const auto& item : reference()) {
    std::vector<float> features;
    for (const auto& value : item["features"]) features.push_back(value.get<float>());
    EXPECT_NEAR(forest->probability(features), item["probability"].get<double>(), 1e-5);
    std::vector<double> phi(kLeadFeatureCount + 1);
    forest->shap(features, phi);
    for (size_t i = 0; i <= kLeadFeatureCount; ++i)
      EXPECT_NEAR(phi[i], item["shap"][i].get<double>(), 1e-4) << item["payload"]["lead_id"] << " feature " << i;
  }
}

TEST(LeadFeatures, MoneyInTextReadsTheUsualWaysOfWritingIt) {
  EXPECT_EQ(money_in_text("pre-approved for $600k"), std::vector<double>{600});
  EXPECT_EQ(money_in_text("$1.2m budget"), std::vector<double>{1200});
  EXPECT_EQ(money_in_text("$550,000 or 450 thousand"), (std::vector<double>{550, 450}));
  EXPECT_TRUE(money_in_text("5 miles from $20, 30 days").empty());
}

TEST(ScoreRequest, RejectsWhatTheContractDoesNotAllowNamingTheField) {
  EXPECT_FALSE(parse_score_request("not json").ok());
  EXPECT_FALSE(parse_score_request("[]").ok());
  EXPECT_NE(parse_score_request(R"({"message":"hi"})").error().message.find("lead_id"), std::string::npos);
  EXPECT_NE(parse_score_request(R"({"lead_id":"a","colour":"red"})").error().message.find("colour"), std::string::npos);
  EXPECT_NE(parse_score_request(R"({"lead_id":"a","page_views":-1})").error().message.find("page_views"),
            std::string::npos);
  EXPECT_NE(parse_score_request(R"({"lead_id":"a","created_at":"yesterday"})").error().message.find("created_at"),
            std::string::npos);
  EXPECT_FALSE(parse_score_request("{\"lead_id\":\"\xff\"}").ok());
  auto names = [](std::string_view body, std::string_view field) {
    auto parsed = parse_score_request(body);
    return !parsed.ok() && parsed.error().message.find(field) != std::string::npos;
  };
  EXPECT_TRUE(names(R"({"lead_id":"a","preferred_areas":["Zilker",1]})", "preferred_areas"));
  EXPECT_TRUE(names(R"({"lead_id":"a","preferred_areas":"Zilker"})", "preferred_areas"));
  EXPECT_TRUE(names(R"({"lead_id":"a","page_views":1.5})", "whole number"));
  EXPECT_TRUE(names("{\"lead_id\":\"a\x7f\"}", "control characters"));  // found by score_request_fuzz (#14)
  EXPECT_TRUE(names(R"({"lead_id":"a\nb"})", "control characters"));
  EXPECT_TRUE(names(R"({"lead_id":"a","pre_approved":"yes"})", "pre_approved"));
  EXPECT_TRUE(names(R"({"lead_id":"a","budget_min":{"low":1}})", "budget_min"));
  EXPECT_TRUE(names(R"({"lead_id":null})", "lead_id"));
  EXPECT_TRUE(names(R"({"lead_id":"a"} {})", "not valid JSON"));
  EXPECT_TRUE(names(R"({"lead_id":"a")", "not valid JSON"));
  EXPECT_TRUE(names(R"({"lead_id":"a","budget_max":123456789012345678901234567890})", "64 bits"));
  EXPECT_TRUE(names(R"({"lead_id":"a","budget_max":[[[[["deep"]]]]]})", "budget_max"));
  EXPECT_TRUE(names(std::string(5000, '[') + std::string(5000, ']'), "not valid JSON"));
  EXPECT_TRUE(names("{\"lead_id\":\"a\",\"message\":\"caf\xc3\"}", "UTF-8"));
  auto given = parse_score_request(
      R"({"lead_id":7,"message":null,"preferred_areas":["A"],"preferred_areas":["Zilker","Mueller"],"budget_max":6.5e5})");
  ASSERT_TRUE(given.ok()) << given.error().message;
  EXPECT_EQ(given->lead_id, "7");
  EXPECT_TRUE(given->message.empty()) << "null means not given";
  EXPECT_EQ(given->preferred_areas, (std::vector<std::string>{"Zilker", "Mueller"})) << "a repeated key: the last counts";
  EXPECT_EQ(given->budget_max, 650000.0);
  auto local = parse_score_request(R"({"lead_id":"a","created_at":"2026-01-23T22:15:00-06:00"})");
  ASSERT_TRUE(local.ok());
  std::vector<float> features(kLeadFeatureCount);
  extract_lead_features(*local, SystemTime{}, features);
  EXPECT_EQ(features[25], 22.0f) << "the hour is the lead's local hour";
}

}  // namespace
}  // namespace jorge::scoring

#include "scoring/drift.hpp"

namespace jorge::scoring {
namespace {

TEST(Drift, SameDistributionIsStableAShiftedOneDrifts) {
  std::vector<double> training, same, shifted;
  for (int i = 0; i < 1000; ++i) {
    training.push_back(i % 100);
    same.push_back((i * 7) % 100);
    shifted.push_back(50 + (i % 100));
  }
  training.push_back(NAN);
  FeatureBins reference = bins_of(training);
  EXPECT_LT(population_stability(reference, same), 0.1);
  EXPECT_EQ(drift_status(population_stability(reference, same)), "stable");
  EXPECT_GT(population_stability(reference, shifted), 0.2);
  auto parsed = parse_drift_reference(drift_reference_json({{"x", reference}}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at("x").cuts, reference.cuts);
}

}  // namespace
}  // namespace jorge::scoring
