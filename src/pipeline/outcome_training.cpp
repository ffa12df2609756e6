#include "pipeline/outcome_training.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "pipeline/model_watcher.hpp"
#include "core/csv.hpp"
#include "core/files.hpp"
#include "pipeline/lead_facts.hpp"
#include "scoring/metrics.hpp"

namespace jorge::pipeline {
namespace {

// One row: the 30 features, distinct sources, every custom field named in `custom_keys`,
// source, message, outcome.
std::string row_of(const scoring::LeadFacts& facts, bool won, const std::vector<std::string>& custom_keys) {
  float features[scoring::kLeadFeatureCount];
  scoring::extract_lead_features(facts, facts.created_at.value_or(SystemTime{}), features);
  std::string row;
  for (float value : features) {
    char number[32];
    std::snprintf(number, sizeof number, "%.9g,", value);
    row += number;
  }
  row += std::to_string(facts.distinct_sources) + ",";
  for (const auto& key : custom_keys) {
    std::string value;
    for (const auto& [name, text] : facts.custom_fields)
      if (name == key) value = text;
    row += csv_field(value) + ",";
  }
  row += csv_field(facts.source) + "," + csv_field(facts.message) + "," + (won ? "1" : "0") + "\n";
  return row;
}

std::string header(const std::vector<std::string>& custom_keys) {
  std::string line;
  for (auto name : scoring::lead_feature_names()) line += std::string(name) + ",";
  line += "distinct_sources,";
  for (const auto& key : custom_keys) line += csv_field("custom." + key) + ",";
  return line + "source,message," + kOutcomeTarget + "\n";
}

}  // namespace

Result<OutcomeRows> export_outcomes(store::Store& store, bool hold_out) {
  // First every won or lost lead, then the table: its columns include every custom field any
  // of them has.
  std::vector<std::pair<scoring::LeadFacts, bool>> leads;
  std::vector<ContactId> ids;
  std::set<std::string> custom_keys;
  for (Stage stage : {Stage::kWon, Stage::kLost}) {
    store::LeadFilter filter;
    filter.stage = stage;
    filter.limit = 500;
    for (;;) {
      JORGE_TRY(store::LeadPage page, store.list_leads(filter));
      for (const auto& summary : page.leads) {
        JORGE_TRY(store::OutreachFacts lead, store.outreach_facts(summary.id, "ghl"));
        scoring::LeadFacts facts = pipeline::lead_facts_of(lead);
        for (const auto& [key, value] : facts.custom_fields) custom_keys.insert(key);
        leads.emplace_back(std::move(facts), stage == Stage::kWon);
        ids.push_back(summary.id);
      }
      if (!page.next_after_id) break;
      filter.after_id = *page.next_after_id;
    }
  }
  const std::vector<std::string> keys(custom_keys.begin(), custom_keys.end());
  OutcomeRows rows;
  rows.training_csv = header(keys);
  for (size_t i = 0; i < leads.size(); ++i) {
    auto& [facts, won] = leads[i];
    if (hold_out && ids[i] % 5 == 0) {
      rows.holdout.push_back(std::move(facts));
      rows.holdout_labels.push_back(won ? 1.0f : 0.0f);
    } else {
      rows.training_csv += row_of(facts, won, keys);
      ++rows.training_rows;
      rows.training_positives += won;
    }
  }
  return rows;
}

Result<scoring::TrainTableResult> train_on_outcomes(const OutcomeRows& rows, bool quick) {
  TempFile csv("jorge-outcomes");  // train_table reads tables from files
  JORGE_TRY_STATUS(write_file(csv.path(), rows.training_csv));
  scoring::TrainTableOptions options;
  options.data_path = csv.path();
  options.target = kOutcomeTarget;
  options.tune = !quick;
  options.folds = static_cast<int>(std::min<size_t>(5, std::max<size_t>(2, std::min(rows.training_positives,
                                                                                     rows.training_rows - rows.training_positives))));
  return scoring::train_table(options);
}

Result<std::string> retrain_once(store::Store& store, const scoring::ActiveLeadModel& active, Clock& clock,
                                 const RetrainOptions& options) {
  JORGE_TRY(OutcomeRows rows, export_outcomes(store, /*hold_out=*/true));
  const size_t outcomes = rows.training_rows + rows.holdout.size();
  double holdout_positives = 0;
  for (float label : rows.holdout_labels) holdout_positives += label;
  if (outcomes < static_cast<size_t>(options.min_outcomes) || holdout_positives == 0 ||
      holdout_positives == static_cast<double>(rows.holdout.size()) || rows.training_positives < 2 ||
      rows.training_positives + 2 > rows.training_rows)
    return "retraining waits: " + std::to_string(outcomes) + " won/lost leads so far, both outcomes needed in " +
           "training and holdout, at least " + std::to_string(options.min_outcomes) + " in all";
  JORGE_TRY(scoring::TrainTableResult trained, train_on_outcomes(rows, /*quick=*/false));
  JORGE_TRY(std::string body, trained.model.to_json());
  JORGE_TRY(auto challenger, scoring::LeadModel::from_json(body, trained.model.version()));
  const auto champion = active.current();
  const SystemTime now = clock.now();
  std::vector<double> challenger_scores, champion_scores;
  for (const auto& facts : rows.holdout) {
    challenger_scores.push_back(challenger->quick_score(facts, facts.created_at.value_or(now)));
    champion_scores.push_back(champion->quick_score(facts, facts.created_at.value_or(now)));
  }
  const double challenger_auc = scoring::roc_auc(challenger_scores, rows.holdout_labels);
  const double champion_auc = scoring::roc_auc(champion_scores, rows.holdout_labels);
  auto described = scoring::LeadModel::describe(body, "");
  if (!described.ok()) return described.error();
  store::ModelRecord record{described->version, described->kind, described->data_sha256, described->metrics_json,
                            body, now, false};
  JORGE_TRY_STATUS(store.add_model(record));
  char summary[512];
  std::snprintf(summary, sizeof summary,
                "retrained on %zu won/lost leads: challenger %s AUC %.4f vs champion %s AUC %.4f on the same %zu "
                "held-out leads",
                rows.training_rows, described->version.c_str(), challenger_auc, champion->version().c_str(),
                champion_auc, rows.holdout.size());
  if (challenger_auc > champion_auc) {
    JORGE_TRY_STATUS(store.activate_model(described->version, now));
    return std::string(summary) + "; the challenger is now active";
  }
  return std::string(summary) + "; the champion stays";
}

Retrainer::Retrainer(store::Store& store, const scoring::ActiveLeadModel& active, Clock& clock, RetrainOptions options)
    : store_(store), active_(active), clock_(clock), options_(options) {}

Retrainer::~Retrainer() { stop(); }

void Retrainer::start() {
  if (options_.every_hours <= 0) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::hours(options_.every_hours), [this] { return stopping_; })) {
      lock.unlock();
      auto outcome = retrain_once(store_, active_, clock_, options_);
      if (outcome.ok()) spdlog::info("{}", *outcome);
      else spdlog::warn("retraining failed: {}", outcome.error().message);
      lock.lock();
    }
  });
}

void Retrainer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace jorge::pipeline
