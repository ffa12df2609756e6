// Scoring costs on the peer's own model file (../shared/peer/model.json, 200 trees, depth 6,
// 30 features): plain prediction, exact TreeSHAP by leaf tables and by the recursive
// algorithm, and XGBoost's own pred_contribs through its C API for reference.
#include <benchmark/benchmark.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "core/files.hpp"
#include "scoring/forest.hpp"
#include "scoring/lead_request.hpp"
#include "scoring/lead_scorer.hpp"
#include "scoring/training/xgboost_model.hpp"

namespace {

using jorge::scoring::FeatureMatrix;
using jorge::scoring::Forest;

const std::string kModel = std::string(JORGE_SHARED_DIR) + "/peer/model.json";

const Forest& forest() {
  static Forest loaded = std::move(Forest::from_xgboost_file(kModel)).value();
  return loaded;
}

std::vector<std::vector<float>> rows(size_t count) {
  std::mt19937 random(3);
  std::uniform_real_distribution<float> uniform(0, 1);
  std::vector<std::vector<float>> out(count, std::vector<float>(forest().feature_count()));
  for (auto& row : out)
    for (auto& value : row) value = uniform(random) * 100;
  return out;
}

void BM_Predict(benchmark::State& state) {
  auto data = rows(256);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(forest().probability(data[i++ % data.size()]));
}
BENCHMARK(BM_Predict);

void BM_ShapLeafTables(benchmark::State& state) {
  auto data = rows(256);
  std::vector<double> phi(forest().feature_count() + 1);
  size_t i = 0;
  for (auto _ : state) {
    forest().shap(data[i++ % data.size()], phi);
    benchmark::DoNotOptimize(phi.data());
  }
}
BENCHMARK(BM_ShapLeafTables);
void BM_ShapOneRow(benchmark::State& state) {
  auto data = rows(1);
  std::vector<double> phi(forest().feature_count() + 1);
  for (auto _ : state) {
    forest().shap(data[0], phi);
    benchmark::DoNotOptimize(phi.data());
  }
}
BENCHMARK(BM_ShapOneRow);
// As in a server: between two explained rows other work passes through the caches.
void BM_ShapAfterOtherWork(benchmark::State& state) {
  auto data = rows(4);
  std::vector<double> phi(forest().feature_count() + 1);
  std::vector<char> other(2 << 20, 1);
  size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (size_t k = 0; k < other.size(); k += 64) other[k]++;
    state.ResumeTiming();
    forest().shap(data[i++ % data.size()], phi);
    benchmark::DoNotOptimize(phi.data());
  }
}
BENCHMARK(BM_ShapAfterOtherWork);

void BM_ShapRecursive(benchmark::State& state) {
  auto data = rows(256);
  std::vector<double> phi(forest().feature_count() + 1);
  size_t i = 0;
  for (auto _ : state) {
    forest().shap_recursive(data[i++ % data.size()], phi);
    benchmark::DoNotOptimize(phi.data());
  }
}
BENCHMARK(BM_ShapRecursive);

void BM_XgboostPredContribsOneRow(benchmark::State& state) {
  std::ifstream in(kModel);
  std::stringstream text;
  text << in.rdbuf();
  auto model = std::move(jorge::scoring::XgboostModel::from_json(text.str())).value();
  auto data = rows(256);
  size_t i = 0;
  for (auto _ : state) {
    const auto& row = data[i++ % data.size()];
    FeatureMatrix x{1, row.size(), row};
    benchmark::DoNotOptimize(model.contributions(x));
  }
}
BENCHMARK(BM_XgboostPredContribsOneRow);


// The peer's "hot" score_lead payload, as its wrk script sends it, and the lead it describes.
const std::string& hot_payload() {
  static const std::string body =
      std::move(jorge::read_file(std::string(JORGE_SHARED_DIR) + "/peer/payloads/score_hot.json")).value();
  return body;
}
jorge::scoring::LeadFacts hot_lead() { return std::move(jorge::scoring::parse_score_request(hot_payload())).value(); }

// The whole in-process cost of one explained score: parse the request, extract the 30
// features, TreeSHAP, reasons in words (bench_inproc.py measures the same for the peer).
void BM_ScoreLeadWithExactReasons(benchmark::State& state) {
  auto model = std::move(jorge::scoring::LeadModel::from_file(kModel)).value();
  for (auto _ : state) {
    auto lead = jorge::scoring::parse_score_request(hot_payload());
    benchmark::DoNotOptimize(model->score(*lead, jorge::SystemTime{}));
  }
}
BENCHMARK(BM_ScoreLeadWithExactReasons);

void BM_LeadFeatures(benchmark::State& state) {
  const auto lead = hot_lead();
  float features[jorge::scoring::kLeadFeatureCount];
  for (auto _ : state) {
    jorge::scoring::extract_lead_features(lead, jorge::SystemTime{}, features);
    benchmark::DoNotOptimize(features);
  }
}
BENCHMARK(BM_LeadFeatures);

void BM_ParseScoreRequest(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(jorge::scoring::parse_score_request(hot_payload()));
}
BENCHMARK(BM_ParseScoreRequest);

void BM_ScoreLeadRulesOnly(benchmark::State& state) {
  const auto lead = hot_lead();
  auto model = jorge::scoring::LeadModel::rules();
  for (auto _ : state) benchmark::DoNotOptimize(model->score(lead, jorge::SystemTime{}));
}
BENCHMARK(BM_ScoreLeadRulesOnly);

}  // namespace

BENCHMARK_MAIN();
