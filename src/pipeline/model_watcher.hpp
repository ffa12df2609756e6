#pragma once
// Keeps a server's lead model equal to the registry's active one: checks every
// kModelPollSeconds and swaps the model in place (requests in flight finish on the old one).
// Also how a model file enters the registry and is activated, checked against the lead
// fields Jorge can supply.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "scoring/active_model.hpp"
#include "store/model_registry.hpp"

namespace jorge::pipeline {

inline constexpr int kModelPollSeconds = 2;

// Reads a model file, checks that it loads, and adds it to the registry; returns its version.
Result<std::string> register_model_file(store::ModelRegistry& store, const std::string& path, SystemTime now);
// Makes `version` the active model if leads supply enough of its columns
// (LeadModel::check_coverage); kFailedPrecondition naming the missing ones otherwise, the
// previous model staying active.
Status activate_model_checked(store::ModelRegistry& store, const std::string& version, bool allow_partial, SystemTime now);

class ModelWatcher {
 public:
  // `allow_partial`: scoring.allow_partial_model (a model that fails its coverage check is
  // otherwise not served: the previous one stays).
  ModelWatcher(store::ModelRegistry& store, scoring::ActiveLeadModel& active, bool allow_partial = false);
  ~ModelWatcher();
  void start();  // loads the active model now, then keeps watching
  void stop();
  void check_now();
  // Also runs `task` on the watcher's thread every ten minutes (the drift check).
  void every_ten_minutes(std::function<void()> task);

 private:
  store::ModelRegistry& store_;
  scoring::ActiveLeadModel& active_;
  const bool allow_partial_;
  std::string loaded_;
  std::function<void()> periodic_;
  int polls_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jorge::pipeline
