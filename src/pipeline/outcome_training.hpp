#pragma once
// Learning from the team's own outcomes: every lead whose GoHighLevel opportunity was won or
// lost becomes a labelled row (the 30 lead features, the source and everything they wrote),
// `jorge train --from-store` trains on those rows, and scheduled retraining trains a
// challenger on four fifths of them and activates it only if it beats the active model on
// the remaining fifth — the same fifth for both, chosen by the lead's id so it stays put.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scoring/active_model.hpp"
#include "scoring/training/train_table.hpp"
#include "store/store.hpp"

namespace jorge::pipeline {

struct OutcomeRows {
  std::string training_csv;  // header + rows: lead features, source, message, won
  size_t training_rows = 0, training_positives = 0;
  std::vector<scoring::LeadFacts> holdout;  // empty unless asked for
  std::vector<float> holdout_labels;
};
inline constexpr const char* kOutcomeTarget = "won";

// Reads every won or lost lead; with `hold_out`, one lead in five (by id) goes to `holdout`.
Result<OutcomeRows> export_outcomes(store::Store& store, bool hold_out);

// Trains on the outcome rows as `jorge train` trains on a CSV.
Result<scoring::TrainTableResult> train_on_outcomes(const OutcomeRows& rows, bool quick);

struct RetrainOptions {
  int every_hours = 24;    // 0: never
  int min_outcomes = 50;   // fewer won/lost leads than this: wait for more
};

// One round: export, train a challenger, compare on the holdout, register it, activate it if
// it wins. Returns a sentence saying what happened.
Result<std::string> retrain_once(store::Store& store, const scoring::ActiveLeadModel& active, Clock& clock,
                                 const RetrainOptions& options);

// Runs retrain_once every `every_hours` on its own thread.
class Retrainer {
 public:
  Retrainer(store::Store& store, const scoring::ActiveLeadModel& active, Clock& clock, RetrainOptions options);
  ~Retrainer();
  void start();
  void stop();

 private:
  store::Store& store_;
  const scoring::ActiveLeadModel& active_;
  Clock& clock_;
  RetrainOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jorge::pipeline
